-- milestone_status_at(as_of): every milestone's reported status as of a date.
-- A report counts from the day it was made (reported_on on or before as_of) and speaks for the day it states
-- (status_on): a progress report's period end (period_end: its 截至 date, else the end of the period its title
-- names) when that is up to its publication, else reported_on. Published on 2014-07-10, "截至2014年6月30日 已完成",
-- or 已完成 in a 第二季度进展情况, is completed on 2014-06-30, on time.
-- Its status is that of the report stating the latest day; on the same day the lead division's report wins
-- (then the division named first, then the later report). No report is not_reported, never delayed.
-- Overdue is a known bad outcome: past its due date, not completed or cancelled, and the latest report, made on
-- or after the due date, says it was not done. Past due with no such report is a reporting gap
-- (is_unreported_past_due): its outcome is unknown, so it is neither overdue nor late nor on time.
-- A quarter the paper leaves empty has nothing due: it is shown but never overdue nor unreported.
with

params as (
    select cast(as_of as date) as as_of_date
),

src_milestones as (
    select * from milestones
),

src_tasks as (
    select * from tasks
),

src_updates as (
    select * from updates
),

src_task_departments as (
    select * from task_departments
),

src_departments as (
    select * from departments
),

statuses as (
    select code, label_zh, label_en, is_completed, is_closed
    from status_rules
    where kind = 'status'
),

-- Where a division stands among the task's divisions when reports of one day are compared: the division named
-- first (department_seq), then department_id; ranked within its task, so the rank stays small.
division_order as (
    select
        src_task_departments.task_id,
        src_task_departments.department_id,
        row_number() over (
            partition by src_task_departments.task_id
            order by src_task_departments.department_seq, src_task_departments.department_id
        ) as division_rank
    from src_task_departments
),

reports_dated as (
    select
        src_updates.*,
        -- a period end after the publication would vouch for days still to come: the publication date then
        case
            when src_updates.period_end < src_updates.reported_on then src_updates.period_end
            else src_updates.reported_on
        end as status_on
    from src_updates
),

reports_so_far as (
    select
        reports_dated.milestone_id,
        reports_dated.update_id,
        reports_dated.department_id,
        reports_dated.role,
        reports_dated.reported_on,
        reports_dated.status_on,
        reports_dated.status,
        reports_dated.percent_complete,
        -- The order in which reports take precedence as one BIGINT, largest first: the latest day stated, then
        -- the lead division's report, then the division ranked first, then the later report (its days after the
        -- day it states). arg_max over a BIGINT is several times faster than over a struct (and 15 % faster than
        -- over a HUGEINT): days since 1970 (under 2^22 either way for years 1-9999) times 2^41, the lead bit at
        -- 2^40, 2^20 - rank times 2^20 and the days of delay below keep each apart (ranks and delays capped at 2^20 - 1).
        (reports_dated.status_on - date '1970-01-01')::bigint * 2199023255552
            + (reports_dated.role = 'lead')::bigint * 1099511627776
            + (1048576 - least(division_order.division_rank, 1048575)) * 1048576
            + least(reports_dated.reported_on - reports_dated.status_on, 1048575) as precedence
    from reports_dated
    inner join division_order
        on division_order.task_id = reports_dated.task_id
        and division_order.department_id = reports_dated.department_id
    cross join params
    where reports_dated.reported_on <= params.as_of_date
),

-- One hash aggregate over the reports instead of a window sorting them all: arg_max keeps the report that
-- takes precedence, and the first completion is found in the same pass.
latest_report as (
    select
        reports_so_far.milestone_id,
        arg_max(reports_so_far.update_id, reports_so_far.precedence) as update_id,
        arg_max(reports_so_far.department_id, reports_so_far.precedence) as department_id,
        arg_max(reports_so_far.role, reports_so_far.precedence) as role,
        max(reports_so_far.precedence) as precedence,
        arg_max(reports_so_far.status, reports_so_far.precedence) as status,
        -- arg_max_null: the winning report's percent_complete even when it gives none (arg_max would skip it)
        arg_max_null(reports_so_far.percent_complete, reports_so_far.precedence) as percent_complete,
        min(reports_so_far.status_on) filter (where statuses.is_completed) as first_completed_on
    from reports_so_far
    left join statuses on statuses.code = reports_so_far.status
    group by reports_so_far.milestone_id
),

milestone_reports as (
    select
        src_milestones.document_id,
        src_milestones.task_id,
        src_tasks.task_seq,
        src_milestones.milestone_id,
        src_milestones.quarter,
        src_milestones.due_date,
        src_milestones.text_zh,
        coalesce(trim(src_milestones.text_zh), '') <> '' as has_text,
        params.as_of_date,
        coalesce(latest_report.status, 'not_reported') as status,
        -- the winning report's two days, read back from its precedence (cheaper than two more aggregates)
        date '1970-01-01' + (latest_report.precedence >> 41)::integer
            + (latest_report.precedence & 1048575)::integer as reported_on,
        date '1970-01-01' + (latest_report.precedence >> 41)::integer as status_on,
        latest_report.department_id as reported_by_department_id,
        src_departments.name_zh as reported_by_zh,
        latest_report.role as reported_by_role,
        latest_report.update_id,
        latest_report.percent_complete,
        latest_report.first_completed_on
    from src_milestones
    inner join src_tasks on src_tasks.task_id = src_milestones.task_id
    cross join params
    left join latest_report on latest_report.milestone_id = src_milestones.milestone_id
    left join src_departments on src_departments.department_id = latest_report.department_id
),

open_past_due as (
    select
        milestone_reports.*,
        statuses.label_zh as status_zh,
        statuses.label_en as status_en,
        statuses.is_completed,
        milestone_reports.has_text
            and milestone_reports.as_of_date > milestone_reports.due_date
            and not statuses.is_closed as is_open_past_due,
        -- the latest report is the last word on the milestone: speaking for the due date or a later day, it says
        -- how the milestone stood when it was due; for an earlier day (or no report at all), nobody has said
        coalesce(milestone_reports.status_on >= milestone_reports.due_date, false) as is_reported_since_due
    from milestone_reports
    -- a left join: a status missing from status_rules leaves nulls that fail validation, never drops a milestone
    left join statuses on statuses.code = milestone_reports.status
),

judged as (
    select
        open_past_due.*,
        open_past_due.is_open_past_due and open_past_due.is_reported_since_due as is_overdue,
        open_past_due.is_open_past_due and not open_past_due.is_reported_since_due as is_unreported_past_due
    from open_past_due
),

final as (
    select
        document_id,
        task_id,
        task_seq,
        milestone_id,
        quarter,
        due_date,
        text_zh,
        has_text,
        as_of_date,
        status,
        status_zh,
        status_en,
        reported_on,
        reported_by_department_id,
        reported_by_zh,
        reported_by_role,
        update_id,
        percent_complete,
        first_completed_on,
        is_completed,
        is_overdue,
        -- null where the outcome is not known yet: not due, unreported, cancelled or an empty quarter
        -- an empty quarter is never rated, even if a report on it reached the table (intake refuses one)
        case
            when not has_text then null
            when is_completed then first_completed_on <= due_date
            when is_overdue then false
        end as is_on_time,
        -- overdue: only the days a report vouches for, to the latest day one says it was still not done
        case
            when not has_text then null
            when is_completed then greatest(first_completed_on - due_date, 0)
            when is_overdue then status_on - due_date
        end as days_late,
        is_unreported_past_due,
        case when is_open_past_due then as_of_date - due_date end as days_since_due
    from judged
)

select * from final
order by milestone_id
