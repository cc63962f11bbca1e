-- milestone_status: every milestone's reported status, due date, completion and lateness,
-- as of the release's as-of date (release_info.as_of_date).
-- The logic is in sql/macros/milestone_status_at.sql; for another date query milestone_status_at(DATE '2014-09-30').
with

release as (
    select as_of_date from release_info
),

final as (
    select * from milestone_status_at((select as_of_date from release))
)

select * from final
