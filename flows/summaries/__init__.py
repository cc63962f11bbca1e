"""Summaries of targets against completion: the release's tables → the five summary tables, as of a date.

Takes the parsed and accepted tables; gives milestone_status, task_progress, department_scorecard,
quarter_summary and target_attainment. The logic is SQL (sql/<name>.sql calling sql/macros/<name>_at.sql),
run by DuckDB; views.py loads it and turns the results into frames. Open views.py first.
What nobody reported is unknown (is_unreported_past_due, null rates, null is_met), never overdue, late or missed.
"""
