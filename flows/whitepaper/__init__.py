"""Reading white papers: a raw file in raw/whitepapers/ → the tables of schemas/whitepaper.py.

Takes a paper's bytes (and its .meta.yaml sidecar, and the reviewed lookups under raw/lookups/); gives
documents, responsibilities, review_sections, indicators, tasks, milestones, departments, task_departments,
targets, contacts and quality_notes, every row with offsets into the canonical text. Open parse.py first:
text.py decodes, source_doc.py keeps lines with offsets, tasks.py reads section 三's table, quantities.py
reads numbers with units, lookups.py the English names (and total ids for divisions they do not know),
sidecar.py the citation sidecar. quarantine.py turns a paper that cannot be parsed into a document_rejections
row and carries its previous release's rows forward.
"""
