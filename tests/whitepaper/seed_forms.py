"""The seed paper rebuilt in each form agencies publish it in: page text with site chrome, the web page, Word.

Everything here is made from raw/whitepapers/szsti-2014.txt itself: its lines, in its order, with only the
site's chrome added around them (breadcrumbs, publication lines in the sites' forms, page controls, footers)
and section 三's flattened table put back into a table. Parsing any of them must give the seed's tables.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import docx

from flows import paths

SEED = (paths.WHITEPAPERS / "szsti-2014.txt").read_text(encoding="utf-8")
PUBLISHER = "深圳科技创新委员会"        # as the seed prints it after 信息来源 (sic, without 市)


@dataclass
class SeedParts:
    title: str
    intro: list[str]            # the lines between the publication lines and section 三, blank ones dropped
    tasks_heading: str
    table_header: list[str]     # 工作任务 / 目标及进度 / 责任部门
    tasks: list[dict]           # task (title and category), target, quarters, divisions
    rest: list[str]             # section 四 and the seed's last lines


def seed_parts() -> SeedParts:
    lines = SEED.split("\n")
    title = lines[0]
    assert lines[2].startswith("信息来源") and lines[3] == "2014年04月02日"
    t3 = next(i for i, ln in enumerate(lines) if ln.startswith("三、"))
    t4 = next(i for i, ln in enumerate(lines) if ln.startswith("四、"))
    header = next(i for i in range(t3 + 1, t4) if lines[i].strip())
    blocks: list[list[str]] = []
    for ln in lines[header + 1:t4]:
        if re.match(r"^\([一二三四五六七八九十]+\)", ln):
            blocks.append([ln])
        elif ln.strip():
            blocks[-1].append(ln)
    tasks = []
    for block in blocks:
        task, target = block[0].split(" 目标:", 1)
        tasks.append({"task": task, "target": "目标:" + target, "quarters": block[1:-1], "divisions": block[-1]})
    return SeedParts(title, [ln for ln in lines[4:t3] if ln.strip()], lines[t3], lines[header].split(" "), tasks,
                     [ln for ln in lines[t4:] if ln.strip()])


def _flat(parts: SeedParts) -> list[str]:
    """The body as the seed flattens it: intro and sections, the table a line per cell line."""
    body = [*parts.intro, parts.tasks_heading, " ".join(parts.table_header)]
    for t in parts.tasks:
        body += [f"{t['task']} {t['target']}", *t["quarters"], t["divisions"]]
    return body + parts.rest


# --- page text with site chrome ----------------------------------------------------------------------

TEXT_CHROME = {
    # The first form: breadcrumb above the title, the publication line with a font-size control.
    "breadcrumb-info-line": (["您现在的位置 : 首页 > 政务公开 > 规划计划 > 公共服务白皮书", ""],
                             [f"信息来源:{PUBLISHER} 信息提供日期:2014-04-02 【字体:"],
                             ["【打印本页】 【关闭窗口】"]),
    # The second: 来源 and 发布时间 run together, with a time and the page's controls.
    "laiyuan-fabushijian": (["当前位置：首页 » 政务公开 » 公共服务白皮书"],
                            [f"来源:{PUBLISHER}发布时间:2014-04-02 10:00字号:【 视力保护色:"],
                            ["分享到：", "版权所有：深圳市科技创新委员会  粤ICP备05023424号"]),
    # Labels and values on lines of their own, full-width colons, a Chinese date.
    "several-lines": ([], ["信息来源：", PUBLISHER, "发布日期：", "2014年04月02日", "【字体：大 中 小】 【打印】 【关闭】"], []),
    # Date first, then the source; page controls on a line of their own, footer links after the contacts.
    "date-first": (["首页 > 信息公开 > 规划计划"],
                   [f"发布日期：2014/04/02 09:30:00  来源：{PUBLISHER}", "浏览次数：1024 【打印】【关闭】"],
                   ["上一篇：深圳市科技创新委员会2013年度公共服务白皮书", "相关链接"]),
}


def text_with_chrome(kind: str) -> bytes:
    before, publication, after = TEXT_CHROME[kind]
    parts = seed_parts()
    lines = [*before, parts.title, "", *publication, "", *_flat(parts), *after]
    return "\n".join(lines).encode("utf-8")


# --- the web page ---------------------------------------------------------------------------------

def _p(line: str, tag: str = "p") -> str:
    return f"<{tag}>{html.escape(line, quote=False)}</{tag}>"


def _task_rows(parts: SeedParts, spans: bool) -> str:
    rows = []
    for t in parts.tasks:
        if not spans:   # one row per task; the target and quarters are paragraphs of the middle cell
            middle = "".join(_p(x) for x in [t["target"], *t["quarters"]])
            rows.append(f"<tr><td>{html.escape(t['task'])}</td><td>{middle}</td><td>{html.escape(t['divisions'])}</td></tr>")
            continue
        n = 1 + len(t["quarters"])    # task and divisions span the target row and the quarters' rows
        rows.append(f'<tr><td rowspan="{n}">{html.escape(t["task"])}</td><td>{html.escape(t["target"])}</td>'
                    f'<td rowspan="{n}"><span>{html.escape(t["divisions"])}</span></td></tr>')
        rows += [f"<tr><td>{html.escape(q)}</td></tr>" for q in t["quarters"]]
    return "\n".join(rows)


def web_page(encoding: str = "utf-8", spans: bool = False) -> bytes:
    """The page as a browser saves it: head, scripts, navigation, breadcrumb, the paper, the site's footer."""
    parts = seed_parts()
    heading = (f'<tr><td colspan="3"><b>{html.escape(parts.tasks_heading)}</b></td></tr>' if spans
               else "")
    table = (f'<table border="1" cellspacing="0">\n{heading}\n<tr>{"".join(_p(h, "th") for h in parts.table_header)}</tr>\n'
             f"{_task_rows(parts, spans)}\n</table>")
    intro = "\n".join(_p(x) for x in parts.intro)
    rest = "\n".join(_p(x) for x in parts.rest)
    charset = "gb2312" if encoding == "gbk" else encoding
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{html.escape(parts.title)}-深圳市科技创新委员会</title>
<style>.nav {{ color: red }} p {{ text-indent: 2em }}</style>
<script type="text/javascript">var title = "公共服务白皮书"; document.write("<p>不是正文</p>");</script>
</head><body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></nav>
<div class="position">您现在的位置 : <a href="/">首页</a> &gt; <a>政务公开</a> &gt; <a>规划计划</a> &gt; 公共服务白皮书</div>
<div class="content">
<h1>{html.escape(parts.title)}</h1>
<div class="info">信息来源:{PUBLISHER} 信息提供日期:2014-04-02 【字体:<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div style="display:none">隐藏的文字</div>
<!-- 正文开始 -->
{intro}
{"" if spans else _p(parts.tasks_heading)}
{table}
{rest}
</div>
<div class="footer"><p>【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</p>
<p>版权所有：深圳市科技创新委员会 地址：深圳市福田区 粤ICP备05023424号</p></div>
<script>console.log("统计代码");</script>
</body></html>
"""
    return page.encode("gbk", errors="xmlcharrefreplace") if encoding == "gbk" else page.encode(encoding)


# --- Word --------------------------------------------------------------------------------------------

def word_document() -> bytes:
    """The paper as a .docx: a paragraph per line, section 三 as a Word table with merged cells."""
    parts = seed_parts()
    document = docx.Document()
    document.add_heading(parts.title, level=1)
    document.add_paragraph(f"信息来源：{PUBLISHER}")
    document.add_paragraph("2014年04月02日")
    for line in [*parts.intro, parts.tasks_heading]:
        document.add_paragraph(line)
    rows = 1 + sum(1 + len(t["quarters"]) for t in parts.tasks)
    table = document.add_table(rows=rows, cols=3)
    for cell, text in zip(table.rows[0].cells, parts.table_header):
        cell.text = text
    r = 1
    for t in parts.tasks:
        n = 1 + len(t["quarters"])
        table.cell(r, 0).merge(table.cell(r + n - 1, 0)).text = t["task"]
        table.cell(r, 2).merge(table.cell(r + n - 1, 2)).text = t["divisions"]
        for i, text in enumerate([t["target"], *t["quarters"]]):
            table.cell(r + i, 1).text = text
        r += n
    for line in parts.rest:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FORMS = {
    **{f"text-{kind}": ("txt", lambda kind=kind: text_with_chrome(kind)) for kind in TEXT_CHROME},
    "html-utf8": ("html", lambda: web_page("utf-8")),
    "html-gbk-spans": ("htm", lambda: web_page("gbk", spans=True)),
    "docx": ("docx", word_document),
}
