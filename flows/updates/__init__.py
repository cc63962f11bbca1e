"""Taking in progress updates: files in raw/updates/<document_id>/ → the `updates` and `update_rejections` tables.

Takes the update files and the white papers' tables; gives accepted reports, every rejected row or file with all
its reasons, quality notes and a count per file. One row's path, one module after the other: read.py (a file
into rows of text cells, under one guard and the budget of limits.py; xlsx.py reads workbooks) → columns.py (those rows as columns) → format.py (headers and spellings) →
rules.py (one report against its paper) → batch.py (the same rules over every row at once, in DuckDB:
sql/rules/update_checks.sql on the relations of rule_tables.py) → settle.py (duplicates and conflicts). Open ingest.py first: it runs that path over every file. template.py writes a ready-to-fill sheet.
reports/ reads the progress reports agencies publish (进展情况: text, web page, Word) into the same rows.
"""
