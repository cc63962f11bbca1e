-- quarter_summary: per document and quarter, milestones planned, completed, on time, overdue, not reported,
-- as of the release's as-of date (release_info.as_of_date).
-- The logic is in sql/macros/quarter_summary_at.sql; for another date query quarter_summary_at(DATE '2014-09-30').
with

release as (
    select as_of_date from release_info
),

final as (
    select * from quarter_summary_at((select as_of_date from release))
)

select * from final
