"""Reading white papers: a raw file in raw/whitepapers/ → the tables of schemas/whitepaper.py.

Takes a paper's bytes in any form agencies publish it in (page text, the web page, Word; forms.py), its
.meta.yaml sidecar and the reviewed lookups under raw/lookups/; gives documents, responsibilities,
review_sections, indicators, tasks, milestones, departments, task_departments, targets, contacts and
quality_notes, every row with offsets into the canonical text. Open parse.py first: forms.py turns a file into
canonical text (text.py decodes page text, html_page.py and word.py extract a web page's or a Word document's
lines, layout.py orders table cells), header.py reads the title and publication lines and skips the site's
chrome, source_doc.py keeps lines with offsets, tasks.py reads section 三's table, contacts.py section 四,
quantities.py numbers with units, lookups.py the English names (and total ids for divisions they do not know),
sidecar.py the citation sidecar and the document id; settle.py makes one document of one paper across files.
quarantine.py turns a paper that cannot be parsed into a document_rejections row and carries its previous
release's rows forward. The readers (forms.read_text) are meant for other stages too.
"""
