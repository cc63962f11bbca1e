"""Progress reports on the seed, written for the tests in both shapes and every form a reader exists for.

A report is a title, a publication line and items; `render(report, form)` writes it as page text (with site
chrome), a web page (the table with merged cells) or a Word document (the same, merged vertically).
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Item:
    number: str
    heading: str
    units: list[str]
    progress: list[str]
    evaluation: str | None


@dataclass
class Report:
    title: str
    published: str                 # the publication line as printed
    items: list[Item]
    shape: str = "narrative"
    intro: str = "截至2014年6月30日，各项任务进展如下（测试数据，虚构）："
    extra: list[str] = field(default_factory=list)


NARRATIVE = Report("深圳市科技创新委员会2014年度公共服务白皮书第二季度进展情况", "来源：市科技创新委　　发布时间：2014-07-10 09:30", [
    Item("（三）", "强化重大科技基础设施和创新载体开放运行、资源共享。", ["创新支撑处"], ["完成资源共享平台数据入库（测试）。"], "按进度完成"),
    Item("（五）", "实施“孔雀计划”，引进海外高层次创新团队。", [], ["1.完成受理（测试）。", "2.完成初审（测试）。"], "顺利推进"),
    Item("（二）", "提升重点实验室、工程实验室、工程中心等建设发展质量。", ["创新支撑处", "产业化处"], ["评审完成八成（测试）。"], "基本完成"),
    Item("（十二）", "增加义务教育学位。", ["区教育局"], ["新建学校（测试）。"], "按进度完成"),
    Item("（七）", "优化高新区的产业和空间布局。", ["高新区发展处"], ["规划编制中（测试）。"], "稳中有进"),
    Item("（四）", "突出创新增效。", ["应用促进处"], ["受理申请（测试）。"], "已完成"),
])
TABLE = Report("2014年白皮书工作任务二季度进展情况", "发布日期：2014年7月10日", [
    Item("1", "强化重大科技基础设施和创新载体开放运行、资源共享", ["创新支撑处"], ["完成数据入库（测试）。"], "正常推进"),
    Item("2", "提升重点实验室、工程实验室、工程中心等建设发展质量", ["创新支撑处"], ["完成评审（测试）。"], "已完成"),
    Item("", "", ["产业化处"], ["配合评审（测试）。"], "未能达到计划进度"),     # task 2 spans two rows
    Item("3", "实施“孔雀计划”，引进海外高层次创新团队", [], ["完成初审（测试）。"], "滞后"),
    Item("4", "增加义务教育学位", ["区教育局"], ["新建学校（测试）。"], "顺利推进"),
    Item("5", "优化高新区的产业和空间布局", ["高新区发展处"], ["编制中（测试）。"], "差不多"),
], shape="table")
PUBLISHED = dt.date(2014, 7, 10)
# (task, division, status, note) of the rows each report must give, in row order; None: the row is rejected
NARRATIVE_ROWS = [("szsti-2014-03", "szsti-innovation-support", "completed", "完成资源共享平台数据入库（测试）。"),
                  ("szsti-2014-05", "szsti-policy-planning", "in_progress", "1.完成受理（测试）。\n2.完成初审（测试）。"),
                  ("szsti-2014-02", "szsti-innovation-support", "in_progress", "评审完成八成（测试）。"),
                  ("szsti-2014-02", "szsti-industrialisation", "in_progress", "评审完成八成（测试）。"),
                  None, None, None]
NARRATIVE_CODES = {5: "unknown_task;unknown_department", 6: "unknown_status", 7: "task_wording_mismatch"}
TABLE_ROWS = [("szsti-2014-03", "szsti-innovation-support", "in_progress", "完成数据入库（测试）。"),
              ("szsti-2014-02", "szsti-innovation-support", "completed", "完成评审（测试）。"),
              ("szsti-2014-02", "szsti-industrialisation", "delayed", "配合评审（测试）。"),
              ("szsti-2014-05", "szsti-policy-planning", "delayed", "完成初审（测试）。"),
              None, None]
TABLE_CODES = {5: "unknown_task;unknown_department", 6: "unknown_status"}
CHROME = ["您现在的位置：首页 > 信息公开 > 白皮书", "字体：大 中 小　　打印　　关闭"]
COLUMNS = ["序号", "工作任务", "责任单位", "二季度目标", "进展情况、存在问题及下一步打算", "目标完成情况"]


def _heading(item: Item) -> str:
    units = f"（主办单位：{'、'.join(item.units)}）" if item.units else ""
    return f"{item.number}{item.heading}{units}"


def text_lines(report: Report) -> list[str]:
    lines = [CHROME[0], report.title, report.published, CHROME[1], "　　" + report.intro, *report.extra]
    if report.shape == "narrative":
        for item in report.items:
            lines += [_heading(item), *("　　" + p for p in item.progress)]
            lines += [f"进度评价：{item.evaluation}。"] if item.evaluation else []
        return lines
    lines.append("\t".join(COLUMNS))
    for item in report.items:
        lines.append("\t".join([item.number, item.heading, "、".join(item.units), "目标（测试）", "".join(item.progress),
                                item.evaluation or ""]))
    return lines


def _spans(items: list[Item]) -> list[int]:
    """Rows each table row's task cells span: a row without a heading is covered by the one above."""
    spans = []
    for item in items:
        if item.heading:
            spans.append(1)
        else:
            spans[-1] += 1
            spans.append(0)
    return spans


def html_page(report: Report) -> str:
    body = [f"<nav>{CHROME[0]}</nav>", f"<h1>{report.title}</h1>", f"<div class='info'>{report.published}</div>",
            f"<div class='tools'>{CHROME[1]}</div>", f"<p>{report.intro}</p>", *(f"<p>{x}</p>" for x in report.extra)]
    if report.shape == "narrative":
        for item in report.items:
            body.append(f"<p><strong>{html.escape(_heading(item))}</strong></p>")
            body += [f"<p>{html.escape(p)}</p>" for p in item.progress]
            body += [f"<p>进度评价：{item.evaluation}。</p>"] if item.evaluation else []
    else:
        rows = ["<tr>" + "".join(f"<th>{c}</th>" for c in COLUMNS) + "</tr>"]
        for item, span in zip(report.items, _spans(report.items)):
            task = "" if span == 0 else f"<td rowspan='{span}'>{item.number}</td><td rowspan='{span}'>{item.heading}</td>"
            rows.append(f"<tr>{task}<td>{'、'.join(item.units)}</td><td>目标（测试）</td>"
                        f"<td>{''.join(f'<p>{p}</p>' for p in item.progress)}</td><td>{item.evaluation or ''}</td></tr>")
        body.append("<table border='1'>" + "".join(rows) + "</table>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + report.title + "</title>"
            "<script>var x = '进度评价：已完成';</script></head><body>" + "\n".join(body) + "</body></html>")


def docx_bytes(report: Report) -> bytes:
    import docx

    document = docx.Document()
    for line in [report.title, report.published, report.intro, *report.extra]:
        document.add_paragraph(line)
    if report.shape == "narrative":
        for item in report.items:
            document.add_paragraph(_heading(item))
            for p in item.progress:
                document.add_paragraph(p)
            if item.evaluation:
                document.add_paragraph(f"进度评价：{item.evaluation}。")
    else:
        table = document.add_table(rows=1 + len(report.items), cols=len(COLUMNS))
        for c, name in enumerate(COLUMNS):
            table.cell(0, c).text = name
        spans = _spans(report.items)
        for r, (item, span) in enumerate(zip(report.items, spans), start=1):
            if span:
                table.cell(r, 0).text, table.cell(r, 1).text = item.number, item.heading
                if span > 1:
                    for c in (0, 1):
                        table.cell(r, c).merge(table.cell(r + span - 1, c))
            table.cell(r, 2).text, table.cell(r, 3).text = "、".join(item.units), "目标（测试）"
            table.cell(r, 4).text = "\n".join(item.progress)
            table.cell(r, 5).text = item.evaluation or ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SUFFIX = {"text": ".txt", "html": ".html", "docx": ".docx"}


def write_report(folder: Path, report: Report, form: str, name: str = "report") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{SUFFIX[form]}"
    if form == "text":
        path.write_text("\n".join(text_lines(report)) + "\n", encoding="utf-8")
    elif form == "html":
        path.write_text(html_page(report), encoding="utf-8")
    else:
        path.write_bytes(docx_bytes(report))
    return path
