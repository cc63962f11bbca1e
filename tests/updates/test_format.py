"""The update format: accepted spellings of each cell, and the header."""

import datetime as dt

import pytest

from flows.updates.read import FileProblem, Problem
from flows.updates.format import (COLUMNS, load_statuses, map_columns, parse_date, parse_number, parse_quarter,
                                 parse_url)


@pytest.mark.parametrize("text, quarter", [
    ("1", 1), ("4", 4), ("Q2", 2), ("q3", 3), ("Ｑ４", 4), ("第一季度", 1), ("第四季度", 4), ("二季度", 2), ("3季度", 3),
    ("第2季度", 2), (" 3 ", 3),
])
def test_quarter_spellings(text, quarter):
    assert parse_quarter(text) == quarter


@pytest.mark.parametrize("text, code", [
    ("0", "quarter_out_of_range"), ("5", "quarter_out_of_range"), ("Q5", "quarter_out_of_range"),
    ("第五季度", "quarter_out_of_range"), ("spring", "bad_quarter"), ("2014Q2", "bad_quarter"), ("Q", "bad_quarter"),
    ("一1", "bad_quarter"), ("第2二季度", "bad_quarter"),
])
def test_quarter_rejections(text, code):
    assert parse_quarter(text).code == code


@pytest.mark.parametrize("text", ["2014-06-30", "2014/6/30", "2014年6月30日", "2014.06.30", "20140630",
                                  "2014-06-30 00:00:00", "２０１４年６月３０日", "2014 年 6 月 30 日", "2014-06-30 12:00",
                                  "2014-06-30T17:30:00+08:00", "2014-06-30T09:00:00.000Z", "2014-06-30 10:30",
                                  "2014-06-30T10:30:00", "2014-6-30 9:05", "2014年6月30日 23:59:59", "2014-06-30 24:00",
                                  "2014-06-30T00:00:00-12:00", "2014-06-30T10:30:00+1400"])
def test_date_spellings(text):
    assert parse_date(text) == dt.date(2014, 6, 30)


@pytest.mark.parametrize("text", ["2014-02-30", "30/6/2014", "June 30", "2014-06-30 noon", "2014-6", "14-06-30"])
def test_date_rejections(text):
    assert parse_date(text).code == "bad_date"


@pytest.mark.parametrize("text, wrong", [
    ("2014-6-22 25:99", "hour 25, minute 99"), ("2014-06-22 10:60", "minute 60"), ("2014-06-22 99:00", "hour 99"),
    ("2014-06-22T10:30:61", "second 61"), ("2014-06-22 23:59:60", "second 60"), ("2014年6月22日 24:30", "24:00 is the end"),
    ("2014-06-22T10:30:00+25:00", "UTC offset 25:00"), ("2014-06-22T10:30:00+08:99", "UTC offset 08:99"),
])
def test_a_time_of_day_that_does_not_exist_rejects_the_date(text, wrong):
    # the time used to be ignored whatever it said: 2014-6-22 25:99 was accepted as 22 June
    problem = parse_date(text)
    assert problem.code == "bad_date" and f"date {text!r} has a time of day that does not exist (" in problem.message
    assert wrong in problem.message and "2014-06-30, 2014/6/30 or 2014年6月30日" in problem.message
    assert "10:30, 10:30:00" in problem.message


@pytest.mark.parametrize("text", ["2014-06-22 10:30xyz", "2014-06-22 10:30 am", "2014-06-22 1030", "2014-06-22 10"])
def test_anything_else_after_the_date_is_not_understood(text):
    problem = parse_date(text)
    assert problem.code == "bad_date" and problem.message.startswith(f"date {text!r} is not understood; write 2014-06-30")


@pytest.mark.parametrize("text, parsed", [
    ("1012", (1012.0, "")), ("1,012", (1012.0, "")), ("60%", (60.0, "%")), ("６０％", (60.0, "%")), ("38个", (38.0, "个")),
    ("1.2万家", (12000.0, "家")), ("0.5", (0.5, "")), (" 7 ", (7.0, "")), ("-3", (-3.0, "")),
])
def test_numbers(text, parsed):
    assert parse_number(text) == parsed


@pytest.mark.parametrize("text", ["about 50", "五十", "", "1 2", "9" * 400, "1" + "0" * 305 + "万"])   # the last two overflow
def test_not_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text, ok", [
    ("https://example.org/report?id=3", True), ("http://www.szsti.gov.cn/", True), ("www.szsti.gov.cn", False),
    ("ftp://example.org/x", False), ("https://", False), ("javascript:alert(1)", False), ("https://exa mple.org", False),
    ("https://[2001:db8::1]/r", True), ("https://[x/r", False), ("http://a]b/", False),
])
def test_urls(text, ok):
    assert isinstance(parse_url(text), Problem) is not ok


def test_status_vocabulary_has_every_spelling_of_the_issue():
    statuses = load_statuses()
    spellings = {"not_started": "not_started", "in_progress": "in_progress", "completed": "completed",
                 "delayed": "delayed", "cancelled": "cancelled", "未启动": "not_started", "推进中": "in_progress",
                 "进行中": "in_progress", "已完成": "completed", "滞后": "delayed", "延期": "delayed", "已取消": "cancelled"}
    assert {s: statuses.get(s) for s in spellings} == spellings
    assert "not_reported" not in statuses and "未报告" not in statuses


def test_header_in_english_chinese_or_mixed_maps_to_the_columns():
    english = map_columns(list(COLUMNS))
    chinese = map_columns([zh for zh, _ in COLUMNS.values()])
    assert english == ({c: c for c in COLUMNS}, []) and chinese[0] == {c: zh for c, (zh, _) in COLUMNS.items()}
    mixed, unknown = map_columns(["Task", " 季度 ", "Department", "reported on", "STATUS", "进度内容", "负责人"])
    assert mixed == {"task": "Task", "quarter": " 季度 ", "department": "Department", "reported_on": "reported on",
                     "status": "STATUS"}
    assert unknown == ["负责人"]


@pytest.mark.parametrize("header, code", [
    (["task", "quarter", "department", "status"], "missing_column"),
    (["任务", "季度", "责任部门", "报告日期"], "missing_column"),
    (["task", "quarter", "department", "reported_on", "status", "状态"], "duplicate_column"),
    (["3", "Q2", "创新支撑处", "2014-06-30", "completed"], "not_a_table"),
])
def test_header_problems(header, code):
    problem = map_columns(header)
    assert isinstance(problem, FileProblem) and problem.code == code


@pytest.mark.parametrize("text, day", [("41912", "2014-09-30"), ("41912.0", "2014-09-30"), ("42094", "2015-03-31")])
def test_an_excel_date_number_is_refused_with_the_day_it_names(text, day):
    problem = parse_date(text)
    assert problem.code == "bad_date"
    assert f"looks like an Excel date number ({text} is {day})" in problem.message and "format the cell as a date" in problem.message


@pytest.mark.parametrize("text", ["12345", "99999", "4191"])
def test_other_numbers_are_not_called_excel_dates(text):
    assert "Excel" not in parse_date(text).message


def test_a_title_in_the_first_row_is_named_as_such():
    problem = map_columns(["2015年第三季度进展情况表", "", "", ""])
    assert problem.code == "not_a_table" and "it looks like a title: delete the rows above the header" in problem.message
    assert "title" not in map_columns(["3", "Q2", "创新支撑处"]).message
