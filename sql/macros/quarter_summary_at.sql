-- quarter_summary_at(as_of): per document and quarter, the milestones with text that were planned,
-- completed, completed on time, overdue (known), not reported, unreported past due and cancelled, as of a date.
with

milestone_states as (
    select * from milestone_status_at(as_of)
),

final as (
    select
        document_id,
        quarter,
        max(due_date) as due_date,
        any_value(as_of_date) as as_of_date,
        count(*) filter (where has_text) as milestones_planned,
        count(*) filter (where has_text and is_completed) as milestones_completed,
        count(*) filter (where has_text and is_on_time) as milestones_on_time,
        count(*) filter (where is_overdue) as milestones_overdue,
        count(*) filter (where has_text and status = 'not_reported') as milestones_not_reported,
        count(*) filter (where is_unreported_past_due) as milestones_unreported_past_due,
        count(*) filter (where has_text and status = 'cancelled') as milestones_cancelled
    from milestone_states
    group by document_id, quarter
)

select * from final
order by document_id, quarter
