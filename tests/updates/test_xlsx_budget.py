"""flows/updates/xlsx.py: the XML nodes of every part are held to a budget before openpyxl parses any: those of rows
and shared strings (which openpyxl streams) to MAX_SHEET_NODES, all others (styles, workbook, comments, drawings…,
which it builds as trees) to MAX_XLSX_NODES; each part as either of openpyxl's parsers would read it."""

import io
import zipfile

import pytest

from flows.updates import limits, xlsx
from flows.updates.read import FileProblem, read_update_file
from tests.updates.fixtures import tiny_workbook as _workbook

SHEET, STYLES, STRINGS = "xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
# The workbook of _workbook(2) has about 700 nodes outside its rows (its theme most) and 60 in them.
OTHER_BUDGET, SHEET_BUDGET = 2_000, 1_000



def _rewrite(data: bytes, changes: dict[str, bytes], added: dict[str, bytes] | None = None) -> bytes:
    """The workbook with the parts named in changes replaced, and those in added added."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, changes.get(info.filename, source.read(info.filename)))
        for name, body in (added or {}).items():
            archive.writestr(name, body)
    return out.getvalue()


def _part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def _with_shared_strings(strings: int) -> bytes:
    """A workbook whose status cell B2… reads shared string 0 ("completed"), its table holding `strings` entries."""
    data = _workbook(1)
    table = (f'<sst xmlns="{MAIN}"><si><t>completed</t></si>'.encode() + b"<si><t>x</t></si>" * (strings - 1)
             + b"</sst>")
    sheet = _part(data, SHEET).replace(b'<c r="E2" t="inlineStr"><is><t>completed</t></is></c>',
                                       b'<c r="E2" t="s"><v>0</v></c>')
    types = _part(data, "[Content_Types].xml").replace(
        b"</Types>", f'<Override PartName="/{STRINGS}" ContentType="{STRINGS_TYPE}"/></Types>'.encode())
    rels = _part(data, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", f'<Relationship Id="rId99" Type="{STRINGS_REL}" Target="sharedStrings.xml"/>'
        "</Relationships>".encode())
    return _rewrite(data, {SHEET: sheet, "[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
                    {STRINGS: table})


def _with_formats(formats: int, before: bytes = b"", encoding: str = "utf-8") -> bytes:
    """A workbook whose styles hold `formats` more cell formats (<xf/>), `before` ahead of its root element."""
    data = _workbook()
    styles = _part(data, STYLES).replace(b"</cellXfs>", b"<xf/>" * formats + b"</cellXfs>")
    body = styles.split(b"?>", 1)[-1].lstrip()
    styles = f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + before + body
    return _rewrite(data, {STYLES: styles.decode("utf-8").encode(encoding)})


def _read(tmp_path, data: bytes):
    path = tmp_path / "q1.xlsx"
    path.write_bytes(data)
    return read_update_file(path)


@pytest.fixture
def budgets(monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_NODES", OTHER_BUDGET)
    monkeypatch.setattr(limits, "MAX_SHEET_NODES", SHEET_BUDGET)


def _no_openpyxl(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("openpyxl must not load a workbook past its budget")
    monkeypatch.setattr(xlsx.openpyxl, "load_workbook", explode)


@pytest.fixture
def no_openpyxl(monkeypatch):
    _no_openpyxl(monkeypatch)


def test_shared_strings_past_the_budget_are_refused_before_openpyxl_reads_them(tmp_path, budgets, monkeypatch):
    table = _read(tmp_path, _with_shared_strings(400))      # 800 nodes in the table: read
    assert not isinstance(table, FileProblem), table
    assert table.rows[0].cells["status"] == "completed"
    _no_openpyxl(monkeypatch)
    problem = _read(tmp_path, _with_shared_strings(600))    # 1,200 nodes in the table
    assert problem == FileProblem(
        "too_large_range", "part xl/sharedStrings.xml takes the workbook past 1,000 XML elements and attributes in "
        "its rows and shared strings; at most that many are read (a sheet of the most cells accepted, 500,000, has "
        "about 3 million): keep only the report table")


def test_shared_strings_or_rows_past_one_a_cell_are_refused(tmp_path, monkeypatch, no_openpyxl):
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    assert _read(tmp_path, _with_shared_strings(41)) == FileProblem(
        "too_large_range", "part xl/sharedStrings.xml takes the workbook past 40 shared strings; at most one a cell is "
        "read: keep only the report table")
    data = _workbook(1)                                     # 10 cells in 2 rows, and 39 rows of a set height
    rows = b"".join(b'<row r="%d" ht="30" customHeight="1"/>' % r for r in range(3, 42))
    sheet = _part(data, SHEET).replace(b"</sheetData>", rows + b"</sheetData>")
    assert _read(tmp_path, _rewrite(data, {SHEET: sheet})) == FileProblem(
        "too_large_range", f"part {SHEET} takes the workbook past 40 rows; at most one a cell is read: keep only the "
        "report table")


def test_rows_count_against_the_sheet_budget_not_the_other(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_NODES", OTHER_BUDGET)
    table = _read(tmp_path, _workbook(150))                 # about 4,500 nodes in its rows: more than OTHER_BUDGET
    assert not isinstance(table, FileProblem), table
    assert len(table.rows) == 150
    monkeypatch.setattr(limits, "MAX_SHEET_NODES", 200)
    _no_openpyxl(monkeypatch)
    problem = _read(tmp_path, _workbook(20))                # 21 rows of 5 cells: about 600 nodes
    assert problem.code == "too_large_range" and problem.message.startswith(f"part {SHEET} takes the workbook past 200")


def test_cell_formats_past_the_budget_are_refused_before_openpyxl_reads_them(tmp_path, budgets, no_openpyxl):
    problem = _read(tmp_path, _with_formats(2_000))
    assert problem == FileProblem(
        "too_large_range", "part xl/styles.xml takes the workbook past 2,000 XML elements and attributes outside its "
        "rows and shared strings (styles, comments, drawings…); at most that many are read (a workbook saved by Excel "
        "or WPS has a few thousand): copy the report table alone into a new workbook and send that")


# Any part openpyxl parses, and any it might be pointed at: the nodes are counted whatever the part is called.
@pytest.mark.parametrize("name,body", [
    ("xl/workbook.xml", None),
    ("xl/comments1.xml", b'<comments xmlns="%s"><commentList>' % MAIN.encode() + b"<comment/>" * 2_000
     + b"</commentList></comments>"),
    ("xl/drawings/drawing1.xml", b"<wsDr>" + b"<a/>" * 2_000 + b"</wsDr>"),
    ("docProps/custom.xml", b"<Properties>" + b"<property/>" * 2_000 + b"</Properties>"),
    ("xl/odd.bin", b"<x>" + b"<!--c-->" * 2_000 + b"</x>"),
], ids=["workbook", "comments", "drawing", "custom_properties", "comments_in_any_part"])
def test_nodes_of_any_part_count_against_the_budget(tmp_path, budgets, no_openpyxl, name, body):
    data = _workbook()
    if body is None:                                        # 2,000 defined names in the workbook part itself
        names = b"<definedNames>" + b'<definedName name="n">A1</definedName>' * 1_000 + b"</definedNames>"
        changes, added = {name: _part(data, name).replace(b"</sheets>", b"</sheets>" + names)}, {}
    else:
        changes, added = {}, {name: body}
    problem = _read(tmp_path, _rewrite(data, changes, added))
    assert problem.code == "too_large_range"
    assert problem.message.startswith(f"part {name} takes the workbook past 2,000")


@pytest.mark.parametrize("before,encoding", [
    (b'<!DOCTYPE styleSheet [<!ENTITY e "">]>', "utf-8"),   # defusedxml's parser refuses it; lxml (openpyxl's) does not
    (b"", "gbk"),                                          # an encoding expat does not read and lxml does
], ids=["doctype", "gbk"])
def test_a_part_expat_cannot_read_is_counted_as_lxml_reads_it(tmp_path, budgets, no_openpyxl, before, encoding):
    # openpyxl parses styles with lxml: what expat stops on is still built, so it must still be counted
    problem = _read(tmp_path, _with_formats(2_000, before, encoding))
    assert problem.code == "too_large_range" and problem.message.startswith(f"part {STYLES} takes the workbook past")


@pytest.mark.parametrize("row", [b'<row r="3">' + b"<x/>" * 31 + b"</row>",
                                 b'<row r="3"><row>' + b"<x/>" * 30 + b"</row></row>"], ids=["row", "row_in_a_row"])
def test_every_child_of_a_row_is_a_cell(tmp_path, monkeypatch, no_openpyxl, row):
    # openpyxl makes a cell of every element in a row, whatever its name, and reads a row inside a row as one too
    monkeypatch.setattr(limits, "MAX_CELLS", 40)
    data = _workbook(1)                                     # 10 cells
    sheet = _part(data, SHEET).replace(b"</sheetData>", row + b"</sheetData>")
    assert _read(tmp_path, _rewrite(data, {SHEET: sheet})) == FileProblem(
        "too_large_range", "the workbook has more than 40 cells; at most that many are read: keep only the report "
        "table")
