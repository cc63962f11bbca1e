"""What `whitepaper check` says of each item of a report, in every form."""

import datetime as dt

import pytest

from flows.updates.ingest import ingest_updates
from flows.updates.reports import forms
from flows.updates.reports.outcome import item_lines
from tests.updates.reports.fixtures import TABLE, write_report


@pytest.mark.parametrize("form", sorted(set(forms.FORMS.values())))
def test_one_line_per_row_naming_the_item_and_what_it_became(tmp_path, seed, form):
    path = write_report(tmp_path / "szsti-2014", TABLE, form, name="q2")
    result = ingest_updates([path], seed.tables, dt.date(2015, 1, 31), root=tmp_path)
    lines = item_lines(result.updates, result.rejections, result.sources)
    assert len(lines) == 6 and all(line.startswith(f"szsti-2014/q2{path.suffix}:row ") for line in lines)
    assert "«1 | 强化重大科技基础设施和创新载体开放运行、资源共享" in lines[0] and "task szsti-2014-03 (wording, wording 100)" in lines[0]
    assert "«3 | 实施“孔雀计划”" in lines[3] and "(not named: the task's lead division)" in lines[3]
    assert "«5 | 优化高新区的产业和空间布局" in lines[5] and "→ rejected: unknown status '差不多'" in lines[5]
