-- department_scorecard_at(as_of): per division and role, the milestones of its tasks that are due
-- (with text, due on or before as_of, not cancelled): completed, completed on time, overdue, not reported,
-- unreported past due, and those whose outcome is known (completed, or reported overdue). The on-time rate is
-- over the known outcomes only, null when none is known: a milestone nobody reported on is never counted late.
-- A milestone's status is the task's, whoever reported it; last_reported_on is this division's own.
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

due_milestones as (
    select milestone_states.*
    from milestone_states
    cross join params
    where milestone_states.has_text
        and milestone_states.due_date <= params.as_of_date
        and milestone_states.status <> 'cancelled'
),

-- Counted per task first, then summed over each division's tasks: a division holds a task once (the key of
-- task_departments), so its tasks are its rows and no milestone is counted twice
task_counts as (
    select
        task_id,
        count(milestone_id) as milestones_due,
        count(milestone_id) filter (where is_completed) as milestones_completed,
        count(milestone_id) filter (where is_on_time) as milestones_completed_on_time,
        count(milestone_id) filter (where is_overdue) as milestones_overdue,
        count(milestone_id) filter (where status = 'not_reported') as milestones_not_reported,
        count(milestone_id) filter (where is_unreported_past_due) as milestones_unreported_past_due,
        count(milestone_id) filter (where is_completed or is_overdue) as milestones_outcome_known
    from due_milestones
    group by task_id
),

roles as (
    select
        src_tasks.document_id,
        src_task_departments.task_id,
        src_task_departments.department_id,
        src_task_departments.role
    from src_task_departments
    inner join src_tasks on src_tasks.task_id = src_task_departments.task_id
),

role_counts as (
    select
        roles.document_id,
        roles.department_id,
        roles.role,
        count(*) as tasks,
        -- sums of counts are HUGEINT in DuckDB; cast back to the BIGINT counts the view has always had
        cast(coalesce(sum(task_counts.milestones_due), 0) as bigint) as milestones_due,
        cast(coalesce(sum(task_counts.milestones_completed), 0) as bigint) as milestones_completed,
        cast(coalesce(sum(task_counts.milestones_completed_on_time), 0) as bigint) as milestones_completed_on_time,
        cast(coalesce(sum(task_counts.milestones_overdue), 0) as bigint) as milestones_overdue,
        cast(coalesce(sum(task_counts.milestones_not_reported), 0) as bigint) as milestones_not_reported,
        cast(coalesce(sum(task_counts.milestones_unreported_past_due), 0) as bigint) as milestones_unreported_past_due,
        cast(coalesce(sum(task_counts.milestones_outcome_known), 0) as bigint) as milestones_outcome_known
    from roles
    left join task_counts on task_counts.task_id = roles.task_id
    group by roles.document_id, roles.department_id, roles.role
),

own_reports as (
    select
        src_updates.document_id,
        src_updates.department_id,
        src_updates.role,
        max(src_updates.reported_on) as last_reported_on
    from src_updates
    cross join params
    where src_updates.reported_on <= params.as_of_date
    group by src_updates.document_id, src_updates.department_id, src_updates.role
),

final as (
    select
        role_counts.document_id,
        role_counts.department_id,
        src_departments.name_zh,
        src_departments.name_en,
        role_counts.role,
        params.as_of_date,
        role_counts.tasks,
        role_counts.milestones_due,
        role_counts.milestones_completed,
        role_counts.milestones_completed_on_time,
        role_counts.milestones_overdue,
        role_counts.milestones_not_reported,
        role_counts.milestones_unreported_past_due,
        role_counts.milestones_outcome_known,
        100.0 * role_counts.milestones_completed_on_time / nullif(role_counts.milestones_outcome_known, 0) as on_time_pct,
        own_reports.last_reported_on
    from role_counts
    cross join params
    inner join src_departments on src_departments.department_id = role_counts.department_id
    left join own_reports
        on own_reports.document_id = role_counts.document_id
        and own_reports.department_id = role_counts.department_id
        and own_reports.role = role_counts.role
)

select * from final
order by document_id, department_id, role
