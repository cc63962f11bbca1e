-- The row rules of flows/updates/rules.py (check_row) over every row at once: the rows that pass every rule, with
-- the Report fields check_row gives them. A row missing here fails some rule; flows/updates/batch.py
-- hands it to check_row for its reasons.
--
-- Relations (registered by flows/updates/batch.py, built by flows/updates/rule_tables.py):
--   update_rows   one row per report: row_i, doc, complete (read cleanly, every required cell given), each cell
--                 parsed by the Python function check_row uses (NULL where it does not parse) and <column>_given
--   paper_*       the white papers' indexes (flows.updates.rules.Paper), ids as numbers
-- Parameter: $as_of, the release's as-of date (a report dated after it is in the future).

with

parsed as (
    select
        r.row_i,
        r.doc,
        coalesce(by_seq.task_no, by_id.task_no) as task_no,
        r.quarter,
        r.department_key,
        r.reported_on,
        r.reported_on between paper.first_day and $as_of as day_in_range,
        r.status,
        r.percent_complete_given,
        r.percent,
        r.actual_value_given,
        r.actual_value,
        r.actual_unit,
        r.evidence_url_given,
        r.url
    from update_rows as r
    join paper_documents as paper on paper.doc = r.doc
    left join paper_task_numbers as by_seq on by_seq.doc = r.doc and by_seq.task_seq = r.task_seq
    left join paper_task_ids as by_id on by_id.doc = r.doc and by_id.task_no = r.task_named
    where r.complete
),

passing as (
    -- every rule but the actual value's: a known task, quarter and responsible division, a date in the plan year
    -- up to the as-of date, a known status, a percent 0–100 that does not contradict it, a milestone the paper
    -- fills in, a valid evidence URL
    -- only what the Report needs: this relation is kept while the actual values are resolved (a row per report)
    select
        p.row_i,
        p.doc,
        p.task_no,
        milestone.milestone_no,
        p.quarter,
        k.department_no,
        responsible.role,
        responsible.department_seq,
        p.reported_on,
        p.status,
        case when p.percent_complete_given then p.percent end as percent_complete,
        p.actual_value_given,
        p.actual_value,
        p.actual_unit,
        case when p.evidence_url_given then p.url end as evidence_url
    from parsed as p
    join paper_department_keys as k on k.doc = p.doc and k.department_key = p.department_key
    join paper_responsible as responsible
        on responsible.doc = p.doc and responsible.task_no = p.task_no and responsible.department_no = k.department_no
    join paper_milestones as milestone
        on milestone.doc = p.doc and milestone.task_no = p.task_no and milestone.quarter = p.quarter
        and not milestone.is_empty
    where p.day_in_range
        and p.status is not null
        and (not p.percent_complete_given or p.percent is not null)
        and not coalesce(p.status = 'completed' and p.percent <> 100 or p.status = 'not_started' and p.percent <> 0, false)
        and (not p.evidence_url_given or p.url is not null)
        and (not p.actual_value_given or p.actual_value is not null)
),

actual_keys as (
    select distinct doc, milestone_no, task_no, actual_unit as unit
    from passing
    where actual_value_given
),

pool as (
    -- the targets an actual value may be for: the milestone's own, or else its task's (those of no milestone)
    select k.*, t.target_id, t.unit_zh, t.measure_no, t.ordinal, true as is_own
    from actual_keys as k
    join paper_targets as t on t.doc = k.doc and t.owner = 'milestone' and t.owner_no = k.milestone_no
    union all
    select k.*, t.target_id, t.unit_zh, t.measure_no, t.ordinal, false as is_own
    from actual_keys as k
    join paper_targets as t on t.doc = k.doc and t.owner = 'task' and t.owner_no = k.task_no
),

weighed as (
    select
        *,
        coalesce(bool_or(is_own) over keyed, false) as has_own,
        coalesce(bool_or(is_own and unit_zh = unit) over keyed, false) as has_own_in_unit
    from pool
    window keyed as (partition by doc, milestone_no, task_no, unit)
),

candidates as (
    -- no unit written: the milestone's own targets if it has any, else the task's; a unit written: those in that
    -- unit, the milestone's own first
    select *
    from weighed
    where case when unit = '' then is_own = has_own else unit_zh = unit and is_own = has_own_in_unit end
),

resolved as (
    -- one quantity among the candidates, or the value is ambiguous; the first candidate names it
    select doc, milestone_no, task_no, unit, arg_min(target_id, ordinal) as target_id
    from candidates
    group by doc, milestone_no, task_no, unit
    having count(distinct measure_no) = 1
),

final as (
    select
        p.row_i,
        p.task_no,
        p.milestone_no,
        p.quarter,
        p.department_no,
        p.role,
        p.department_seq,
        p.reported_on,
        p.status,
        p.percent_complete,
        case when p.actual_value_given then p.actual_value end as actual_value,
        a.target_id,
        p.evidence_url
    from passing as p
    left join resolved as a
        on p.actual_value_given and a.doc = p.doc and a.milestone_no = p.milestone_no
        and a.task_no = p.task_no and a.unit = p.actual_unit
    where not p.actual_value_given or a.target_id is not null
)

-- in no particular order: sorting a million rows here took 145 MB more than batch.py's sort of the result
select * from final
