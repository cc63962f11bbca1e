-- task_progress_at(as_of): per task, its milestones completed, overdue and unreported past due, and a rating,
-- as of a date. Rating (rules in status_rules): not_reported when no milestone of the task has an accepted report;
-- otherwise the most severe rating its past-due open milestones lead to: a known overdue one the overdue_rating of
-- its status (amber for in_progress; red for delayed or not_started), one whose outcome nobody reported the
-- overdue_rating of the not_reported status (not_reported: a reporting gap, never red); green when there is none.
-- Cancelled milestones are never overdue: shown in the counts, not rated.
with

params as (
    select cast(as_of as date) as as_of_date
),

src_tasks as (
    select * from tasks
),

src_task_departments as (
    select * from task_departments
),

src_departments as (
    select * from departments
),

src_updates as (
    select * from updates
),

milestone_states as (
    select * from milestone_status_at(as_of)
),

status_effects as (
    select code, overdue_rating
    from status_rules
    where kind = 'status'
),

-- the rating a past-due milestone without a report on its outcome leads to: the not_reported status's rule
gap_effect as (
    select overdue_rating
    from status_rules
    where kind = 'status' and code = 'not_reported'
),

ratings as (
    select code, label_zh, label_en, severity
    from status_rules
    where kind = 'rating'
),

leads as (
    select
        src_task_departments.task_id,
        src_task_departments.department_id as lead_department_id,
        src_departments.name_zh as lead_name_zh
    from src_task_departments
    inner join src_departments on src_departments.department_id = src_task_departments.department_id
    where src_task_departments.role = 'lead'
),

last_reports as (
    select
        src_updates.task_id,
        max(src_updates.reported_on) as last_reported_on
    from src_updates
    cross join params
    where src_updates.reported_on <= params.as_of_date
    group by src_updates.task_id
),

-- milestone_states is read once, here: DuckDB materializes a CTE that is read twice, and one pass over the
-- milestones gives both the counts and the most severe rating of the overdue ones
rated_milestones as (
    select
        milestone_states.task_id,
        milestone_states.has_text,
        milestone_states.status,
        milestone_states.is_completed,
        milestone_states.is_overdue,
        milestone_states.is_unreported_past_due,
        overdue_ratings.code as overdue_rating,
        overdue_ratings.severity as overdue_severity
    from milestone_states
    -- a left join: without a not_reported rule a gap rates nothing, and no milestone is dropped
    left join gap_effect on true
    left join status_effects on status_effects.code = milestone_states.status
    left join ratings as overdue_ratings
        on overdue_ratings.code = case
            when milestone_states.is_overdue then status_effects.overdue_rating
            when milestone_states.is_unreported_past_due then gap_effect.overdue_rating
        end
),

milestone_counts as (
    select
        task_id,
        count(*) filter (where has_text) as milestones_planned,
        count(*) filter (where has_text and is_completed) as milestones_completed,
        count(*) filter (where is_overdue) as milestones_overdue,
        count(*) filter (where has_text and status = 'cancelled') as milestones_cancelled,
        count(*) filter (where has_text and status = 'not_reported') as milestones_not_reported,
        count(*) filter (where is_unreported_past_due) as milestones_unreported_past_due,
        -- a quarter the paper leaves empty has nothing to report on: a report there (refused at intake) never counts
        count(*) filter (where has_text and status <> 'not_reported') as milestones_reported,
        -- the denominator of completion_pct: milestones whose outcome is known (completed, or reported overdue);
        -- cancelled ones and those not due, unreported or reported early are not known done or not done
        count(*) filter (where has_text and (is_completed or is_overdue)) as milestones_outcome_known,
        arg_max(overdue_rating, overdue_severity) filter (where is_overdue or is_unreported_past_due) as worst_overdue_rating
    from rated_milestones
    group by task_id
),

rated as (
    select
        milestone_counts.*,
        case
            when milestone_counts.milestones_reported = 0 then 'not_reported'
            else coalesce(milestone_counts.worst_overdue_rating, 'green')
        end as rating
    from milestone_counts
),

final as (
    select
        src_tasks.document_id,
        src_tasks.task_id,
        src_tasks.task_seq,
        src_tasks.title_zh,
        params.as_of_date,
        leads.lead_department_id,
        leads.lead_name_zh,
        rated.milestones_planned,
        rated.milestones_completed,
        rated.milestones_overdue,
        rated.milestones_cancelled,
        rated.milestones_not_reported,
        rated.milestones_unreported_past_due,
        -- over the known outcomes only: a task reported only cancelled or in progress before its due date has no
        -- known outcome, so how much is done is unknown (null), never 0 %
        100.0 * rated.milestones_completed / nullif(rated.milestones_outcome_known, 0) as completion_pct,
        last_reports.last_reported_on,
        rated.rating,
        ratings.label_zh as rating_zh,
        ratings.label_en as rating_en
    from src_tasks
    cross join params
    inner join rated on rated.task_id = src_tasks.task_id
    left join ratings on ratings.code = rated.rating
    left join leads on leads.task_id = src_tasks.task_id
    left join last_reports on last_reports.task_id = src_tasks.task_id
)

select * from final
order by task_id
