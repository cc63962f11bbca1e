"""A progress report counts from the day it was published (reported_on) and speaks for the day its text states
(period_end, 截至2014年6月30日): published on 2014-07-10, "completed as of 30 June" is a completion on time."""

import datetime as dt

import pytest

from tests.summaries.helpers import DOC, na, summaries_of, update

D = dt.date
Q2 = f"{DOC}-01-q2"   # task 1's second quarter, due 2014-06-30; 甲处 leads it


def milestone(rows, as_of, milestone_id=Q2) -> dict:
    return summaries_of(rows, as_of)["milestone_status"].set_index("milestone_id").loc[milestone_id].to_dict()


def test_completed_as_of_the_due_date_and_published_later_is_on_time():
    row = milestone([update(1, 2, 0, D(2014, 7, 10), "completed", period_end=D(2014, 6, 30))], D(2014, 12, 31))
    assert (row["status"], row["reported_on"], row["first_completed_on"]) == ("completed", D(2014, 7, 10), D(2014, 6, 30))
    assert (row["is_on_time"], row["days_late"]) == (True, 0)


def test_a_report_counts_only_from_its_publication():
    row = milestone([update(1, 2, 0, D(2014, 7, 10), "completed", period_end=D(2014, 6, 30))], D(2014, 7, 5))
    assert (row["status"], row["is_unreported_past_due"], na(row["is_on_time"])) == ("not_reported", True, None)


def test_not_done_as_of_the_due_date_is_overdue_by_the_days_it_speaks_for():
    row = milestone([update(1, 2, 0, D(2014, 7, 20), "in_progress", period_end=D(2014, 7, 15))], D(2014, 12, 31))
    assert (row["is_overdue"], row["days_late"], row["is_on_time"]) == (True, 15, False)


def test_not_done_as_of_a_day_before_the_due_date_says_nothing_of_the_outcome():
    row = milestone([update(1, 2, 0, D(2014, 7, 10), "in_progress", period_end=D(2014, 6, 20))], D(2014, 12, 31))
    assert (row["is_overdue"], row["is_unreported_past_due"], na(row["days_late"]), na(row["is_on_time"])) == (False, True, None, None)


def test_a_period_end_after_the_publication_is_not_vouched_for():
    row = milestone([update(1, 2, 0, D(2014, 7, 10), "completed", period_end=D(2014, 9, 30))], D(2014, 12, 31))
    assert (row["first_completed_on"], row["days_late"], row["is_on_time"]) == (D(2014, 7, 10), 10, False)


@pytest.mark.parametrize("order", [1, -1])
def test_the_report_speaking_for_the_later_day_wins_whatever_was_published_last(order):
    # 甲处 says on 2014-07-05 it was completed; its progress report published on 2014-07-10 speaks for 30 June
    rows = [update(1, 2, 0, D(2014, 7, 5), "completed"),
            update(1, 2, 0, D(2014, 7, 10), "in_progress", period_end=D(2014, 6, 30))][::order]
    row = milestone(rows, D(2014, 12, 31))
    assert (row["status"], row["reported_on"], row["update_id"]) == ("completed", D(2014, 7, 5), f"{Q2}-tiny-division-a-20140705")


def test_of_two_reports_speaking_for_the_same_day_the_later_published_wins():
    rows = [update(1, 2, 0, D(2014, 7, 10), "in_progress", period_end=D(2014, 6, 30)),
            update(1, 2, 0, D(2014, 7, 20), "completed", period_end=D(2014, 6, 30))]
    row = milestone(rows, D(2014, 12, 31))
    assert (row["status"], row["reported_on"], row["is_on_time"]) == ("completed", D(2014, 7, 20), True)


@pytest.mark.parametrize("period_end, is_met", [(D(2014, 9, 30), None), (D(2014, 12, 31), False), (None, False)])
def test_a_shortfall_published_after_the_due_date_is_missed_only_if_it_speaks_for_the_due_date(period_end, is_met):
    rows = [update(2, 4, 0, D(2015, 1, 10), "in_progress", actual=990.0, period_end=period_end)]
    ta = summaries_of(rows, D(2015, 3, 31))["target_attainment"].set_index("target_id")
    assert na(ta.loc[f"{DOC}-02-t1", "is_met"]) == is_met
    assert ta.loc[f"{DOC}-02-t1", "actual_reported_on"] == D(2015, 1, 10)
