"""Progress reports as agencies publish them (进展情况): a quarterly report → rows of the update format.

Takes a report in raw/updates/<document_id>/ as page text (.txt), a web page (.html/.htm) or Word (.docx), in
either published shape — narrative, item by item (（三）… 进度评价：按进度完成。) or a table (序号 | 工作任务 |
责任单位 | … | 进展情况 | 目标完成情况); gives the rows the contract files give (task, quarter, division, date,
status, note), so the same rules, settling and precedence apply to both. Open read.py first: forms.py gives the
canonical text, header.py the year, quarter and date, items.py the items, match.py ties them to the paper.
"""
