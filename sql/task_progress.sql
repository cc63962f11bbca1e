-- task_progress: per task, milestones completed and overdue, completion percent and rating,
-- as of the release's as-of date (release_info.as_of_date).
-- The logic is in sql/macros/task_progress_at.sql; for another date query task_progress_at(DATE '2014-09-30').
with

release as (
    select as_of_date from release_info
),

final as (
    select * from task_progress_at((select as_of_date from release))
)

select * from final
