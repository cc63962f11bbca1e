-- department_scorecard: per division and role, milestones due, completed on time, overdue, not reported,
-- as of the release's as-of date (release_info.as_of_date).
-- The logic is in sql/macros/department_scorecard_at.sql; for another date query department_scorecard_at(DATE '2014-09-30').
with

release as (
    select as_of_date from release_info
),

final as (
    select * from department_scorecard_at((select as_of_date from release))
)

select * from final
