"""The release report: a release's own tables → report/index.html, one static bilingual page.

Takes the release folder; gives a self-contained HTML page (templates/, inline SVG charts, no script).
sections.py turns tables into what each part of the page shows, limits.py keeps long lists readable,
charts.py draws. Open build.py first.
"""
