-- target_attainment: per quantified target, the latest actual value against the target and last year's figure,
-- as of the release's as-of date (release_info.as_of_date).
-- The logic is in sql/macros/target_attainment_at.sql; for another date query target_attainment_at(DATE '2014-09-30').
with

release as (
    select as_of_date from release_info
),

final as (
    select * from target_attainment_at((select as_of_date from release))
)

select * from final
