-- target_attainment_at(as_of): per quantified target, the latest actual value reported on or before
-- as_of, its ratio to the target, whether it is met, and the previous year's figure it continues.
-- Targets of one task with the same metric, unit, comparator and value(s) state the same quantity (the task's
-- "more than 1000 carriers" and its fourth quarter's), so a value reported against one counts for all. The metric
-- is part of it: 新增1个产业集群 and 新增1个专业园 share unit, comparator and value but count different things.
-- A bare number (=) or a range (between) is met once the number or the range's lower bound is reached.
-- A figure counts from the day it was reported (reported_on on or before as_of) and speaks for the day it states
-- (status_on): a progress report's period end (period_end: its 截至 date, else the end of the period its title
-- names) when that is up to its publication, else reported_on.
-- is_met is known only from a reported figure: true when the latest one meets the target, false when it does not
-- and speaks for the due date or later; null otherwise (no figure, or a shortfall before the due date).
-- A target restating an earlier one of the same quantity (the task's own first, then by milestone) names it in
-- restates_target_id, so distinct promises are the rows where it is null.
-- One division reporting on one date against two milestones of the same measure: the later milestone's
-- report wins (update_id desc), so the figure chosen never depends on the order rows are read in.
with

params as (
    select cast(as_of as date) as as_of_date
),

src_targets as (
    select * from targets
),

src_milestones as (
    select * from milestones
),

src_tasks as (
    select * from tasks
),

src_documents as (
    select * from documents
),

src_indicators as (
    select * from indicators
),

src_updates as (
    select
        updates.*,
        -- a period end after the publication would vouch for days still to come: the publication date then
        case
            when updates.period_end < updates.reported_on then updates.period_end
            else updates.reported_on
        end as status_on
    from updates
),

src_task_departments as (
    select * from task_departments
),

src_baselines as (
    select * from target_baselines
),

-- Where a division stands among the task's divisions when reports of one date are compared: the division named
-- first (department_seq), then department_id. One rank over all tasks keeps that order within every task.
division_order as (
    select
        src_task_departments.task_id,
        src_task_departments.department_id,
        dense_rank() over (
            order by src_task_departments.department_seq, src_task_departments.department_id
        ) as division_rank
    from src_task_departments
),

actual_reports as (
    select
        src_targets.target_id,
        src_updates.update_id,
        src_updates.actual_value,
        src_updates.reported_on,
        src_updates.status_on,
        -- the order in which reports take precedence, largest first: the latest day stated, then the lead
        -- division's report, then the division's rank, then the later milestone's report (update_id desc)
        {
            'status_on': src_updates.status_on,
            'is_lead': src_updates.role = 'lead',
            'division_order': -division_order.division_rank,
            'update_id': src_updates.update_id
        } as precedence
    from src_targets
    inner join src_targets as reported_target
        on reported_target.task_id = src_targets.task_id
        and reported_target.metric_zh = src_targets.metric_zh
        and reported_target.unit_zh = src_targets.unit_zh
        and reported_target.comparator = src_targets.comparator
        and reported_target.target_value = src_targets.target_value
        and reported_target.target_value_max is not distinct from src_targets.target_value_max
    inner join src_updates on src_updates.target_id = reported_target.target_id
    inner join division_order
        on division_order.task_id = src_updates.task_id
        and division_order.department_id = src_updates.department_id
    cross join params
    where src_updates.actual_value is not null
        and src_updates.reported_on <= params.as_of_date
),

-- arg_max per target instead of a window sorting every report with a figure
latest_actual as (
    select
        actual_reports.target_id,
        arg_max(actual_reports.update_id, actual_reports.precedence) as update_id,
        arg_max(actual_reports.actual_value, actual_reports.precedence) as actual_value,
        arg_max(actual_reports.reported_on, actual_reports.precedence) as reported_on,
        max(actual_reports.status_on) as status_on
    from actual_reports
    group by actual_reports.target_id
),

baselines as (
    select
        src_baselines.target_id,
        src_baselines.baseline_kind,
        src_indicators.indicator_id,
        src_indicators.value,
        src_documents.review_year
    from src_baselines
    inner join src_indicators on src_indicators.indicator_id = src_baselines.indicator_id
    inner join src_documents on src_documents.document_id = src_indicators.document_id
),

same_measure as (
    select * from baselines where baseline_kind = 'same_measure'
),

running_total as (
    select * from baselines where baseline_kind = 'running_total'
),

-- the first target of each quantity of a task is the promise; later ones with the same metric, unit, comparator
-- and value(s) restate it (task 2's 超过1000家 in its target and again in its fourth quarter)
promises as (
    select
        src_targets.target_id,
        first_value(src_targets.target_id) over (
            partition by src_targets.task_id, src_targets.metric_zh, src_targets.unit_zh, src_targets.comparator,
                src_targets.target_value, src_targets.target_value_max
            order by src_targets.milestone_id nulls first, src_targets.target_id
        ) as promise_target_id
    from src_targets
),

attained as (
    select
        src_tasks.document_id,
        src_targets.target_id,
        src_targets.task_id,
        src_targets.milestone_id,
        src_targets.metric_zh,
        src_targets.comparator,
        src_targets.target_value,
        src_targets.target_value_max,
        src_targets.unit_zh,
        src_targets.value_text_zh,
        coalesce(src_milestones.due_date, make_date(src_documents.plan_year, 12, 31)) as due_date,
        params.as_of_date,
        latest_actual.actual_value,
        latest_actual.reported_on as actual_reported_on,
        latest_actual.status_on as actual_status_on,
        latest_actual.update_id as actual_update_id,
        latest_actual.actual_value / nullif(src_targets.target_value, 0) as ratio_to_target,
        case src_targets.comparator
            when '>' then latest_actual.actual_value > src_targets.target_value
            when '>=' then latest_actual.actual_value >= src_targets.target_value
            when '=' then latest_actual.actual_value >= src_targets.target_value
            when 'between' then latest_actual.actual_value >= src_targets.target_value
            when '<' then latest_actual.actual_value < src_targets.target_value
            when '<=' then latest_actual.actual_value <= src_targets.target_value
        end as meets_target,
        same_measure.value as baseline_value,
        same_measure.review_year as baseline_year,
        same_measure.indicator_id as baseline_indicator_id,
        running_total.value as running_total_value,
        running_total.indicator_id as running_total_indicator_id,
        nullif(promises.promise_target_id, src_targets.target_id) as restates_target_id
    from src_targets
    cross join params
    inner join src_tasks on src_tasks.task_id = src_targets.task_id
    inner join src_documents on src_documents.document_id = src_tasks.document_id
    left join src_milestones on src_milestones.milestone_id = src_targets.milestone_id
    left join latest_actual on latest_actual.target_id = src_targets.target_id
    left join same_measure on same_measure.target_id = src_targets.target_id
    left join running_total on running_total.target_id = src_targets.target_id
    inner join promises on promises.target_id = src_targets.target_id
),

final as (
    select
        document_id,
        target_id,
        task_id,
        milestone_id,
        metric_zh,
        comparator,
        target_value,
        target_value_max,
        unit_zh,
        value_text_zh,
        due_date,
        as_of_date,
        actual_value,
        actual_reported_on,
        actual_update_id,
        ratio_to_target,
        case
            when meets_target then true
            when not meets_target and actual_status_on >= due_date then false
        end as is_met,
        baseline_value,
        baseline_year,
        baseline_indicator_id,
        running_total_value,
        running_total_indicator_id,
        restates_target_id
    from attained
)

select * from final
order by target_id
