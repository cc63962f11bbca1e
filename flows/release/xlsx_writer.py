"""A small, fast .xlsx writer for the release workbook: whole columns turned into cell XML by Arrow kernels.

openpyxl builds an object per cell, which for a million-row table takes minutes; here each column becomes its
cells' XML in one vectorised pass and rows are streamed into the zip in chunks, so memory stays flat. The
workbook holds what openpyxl's would: text always as inline strings (never a formula), numbers, booleans,
dates with a yyyy-mm-dd format, the header row frozen. Pure: frames in, one file out.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

SHEET_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet, the header included: a table with more data rows than SHEET_MAX_ROWS - 1 gets no sheet."""
CHUNK_ROWS = 50_000
EXCEL_EPOCH = dt.date(1899, 12, 30)
_EMPTY = "<c/>"
_TEXT_OPEN, _TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_FROZEN = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>')
_STYLES = (_HEAD + f'<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def text_cell(value: str) -> str:
    """One cell of text, stored as an inline string so that '=1+1' stays text."""
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'


def _escape(value: str) -> str:
    return escape(value).replace("\r", "&#13;")


def _escaped_text(arr: pyarrow.Array) -> pyarrow.Array:
    escaped = arr.cast(pyarrow.string())
    present = _bytes_present(escaped)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        if present[ord(raw)]:   # each replacement copies every value: a column of ids or prose needs none of them
            escaped = pc.replace_substring(escaped, raw, entity)
    return escaped


def _bytes_present(texts: pyarrow.Array) -> np.ndarray:
    """Which of the 256 byte values occur in the strings' bytes (of the slice only, not the whole data buffer)."""
    seen = np.zeros(256, dtype=bool)
    if texts.buffers()[2] is not None and len(texts):
        raw = np.frombuffer(joined_bytes(texts), dtype=np.uint8)
        for byte in b"&<>\r":
            seen[byte] = bool(np.any(raw == byte))
    return seen


def _number_text(series: pd.Series) -> pyarrow.Array:
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    mask = np.isnan(values)
    whole = (~mask) & (np.abs(values) < 2**53) & (values == np.round(values))
    if (whole | mask).all():   # counts and ids: Arrow's integer formatting is many times numpy's astype(str)
        return pyarrow.array(np.where(whole, values, 0).astype("int64"), mask=mask).cast(pyarrow.string())
    # Figures repeat a few hundred distinct values over a million rows: each distinct one is formatted once.
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    return _float_text(distinct).take(pyarrow.array(codes, mask=codes < 0))


def _float_text(values: np.ndarray) -> pyarrow.Array:
    """Each float (none NaN) as the workbook writes it: integral ones under 2**53 without ".0", others numpy's str."""
    whole = (np.abs(values) < 2**53) & (values == np.round(values))
    return pyarrow.array(np.where(whole, np.where(whole, values, 0).astype("int64").astype(str), values.astype(str)))


def _excel_days(series: pd.Series) -> pyarrow.Array:
    """Days since Excel's epoch for each date (a datetime counts as its date), null for a missing one."""
    try:   # a column of dates (or all null) converts in C; a datetime or anything odder goes value by value
        days = pyarrow.array(series, from_pandas=True)
    except (pyarrow.ArrowException, TypeError, ValueError):
        days = None
    if days is not None and days.type in (pyarrow.date32(), pyarrow.null()):
        return pc.add(days.cast(pyarrow.int32()).cast(pyarrow.int64()), (dt.date(1970, 1, 1) - EXCEL_EPOCH).days)
    return pyarrow.array([None if v is None or pd.isna(v) else
                          ((v.date() if isinstance(v, dt.datetime) else v) - EXCEL_EPOCH).days
                          for v in series.tolist()], pyarrow.int64())


def text_array(series: pd.Series) -> pyarrow.Array:
    """A text column as one Arrow string array, nulls for missing values, without a Python object per cell."""
    arr = pyarrow.array(series, from_pandas=True)
    if isinstance(arr, pyarrow.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pyarrow.string())


def column_cells(series: pd.Series, kind: str) -> pyarrow.Array:
    """The XML of every cell of one column (kind as the codebook types it); a null is an empty <c/>."""
    parts = _cell_parts(series, kind)
    if len(parts) == 1 and isinstance(parts[0], str):
        return pyarrow.array([parts[0]] * len(series), pyarrow.string())
    return pc.fill_null(pc.binary_join_element_wise(*parts, ""), _EMPTY)


def _cell_parts(series: pd.Series, kind: str) -> list:
    """The cells of one column as pieces of the row's join (_rows_xml): the cell's opening and closing text around
    the values when none is null (so a million cells are not joined twice), else one array of whole cells whose
    nulls the row's join writes as <c/>, or just "<c/>" for a column without a value."""
    if kind == "string":
        values, cell = _escaped_text(text_array(series)), (_TEXT_OPEN, _TEXT_CLOSE)
    elif kind in ("integer", "number"):
        values, cell = _number_text(series), ("<c><v>", "</v></c>")
    elif kind == "boolean":
        if series.dtype == bool or isinstance(series.dtype, pd.BooleanDtype):
            flags = pyarrow.array(series, type=pyarrow.bool_(), from_pandas=True)
        else:
            flags = pyarrow.array(series.astype(object).where(series.notna(), None).tolist(), pyarrow.bool_())
        return [pc.if_else(flags, '<c t="b"><v>1</v></c>', '<c t="b"><v>0</v></c>')]
    elif kind == "date":
        values, cell = _excel_days(series).cast(pyarrow.string()), ('<c s="1"><v>', "</v></c>")
    else:
        raise ValueError(f"no spreadsheet cell for column type {kind!r}")
    if not values.null_count:
        return [cell[0], values, cell[1]]
    if values.null_count == len(values):
        return [_EMPTY]
    return [pc.binary_join_element_wise(cell[0], values, cell[1], "")]


def joined_bytes(texts: pyarrow.Array) -> memoryview:
    """The UTF-8 of every string of the array end to end, as one slice of its data buffer: no Python string per
    element. The array must hold no nulls."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32, count=len(texts) + 1, offset=texts.offset * 4)
    return memoryview(texts.buffers()[2])[offsets[0]:offsets[-1]]


def _rows_xml(parts: list, first_row: int, count: int) -> memoryview:
    numbers = pyarrow.array(np.arange(first_row, first_row + count)).cast(pyarrow.string())
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *parts, "</row>", "",
                                       null_handling="replace", null_replacement=_EMPTY)
    return joined_bytes(rows)


def write_sheet(archive: zipfile.ZipFile, member: str, header: list[str], frame: pd.DataFrame | None,
                kinds: list[str], plain_rows: list[list] | None = None) -> None:
    """One worksheet: a header of text, then the frame's rows (or plain rows of text and None) in chunks."""
    with archive.open(member, "w", force_zip64=True) as out:
        out.write(f'{_HEAD}<worksheet {_NS}>{_FROZEN}<sheetData>'.encode())
        out.write(("<row r=\"1\">" + "".join(text_cell(h) for h in header) + "</row>").encode())
        if plain_rows is not None:
            for n, row in enumerate(plain_rows, start=2):
                cells = "".join("<c/>" if v is None else text_cell(str(v)) for v in row)
                out.write(f'<row r="{n}">{cells}</row>'.encode())
        elif frame is not None:
            for start in range(0, len(frame), CHUNK_ROWS):
                chunk = frame.iloc[start:start + CHUNK_ROWS]
                parts = [part for name, kind in zip(header, kinds) for part in _cell_parts(chunk[name], kind)]
                out.write(_rows_xml(parts, start + 2, len(chunk)))
        out.write(b"</sheetData></worksheet>")


def write_workbook(path: Path, sheets: list[tuple[str, list[str], pd.DataFrame | None, list[str], list[list] | None]],
                   *, properties: dict[str, str] | None = None, active: int = 0) -> None:
    """sheets: (name, header, frame or None, column kinds, plain text rows or None), in workbook order.

    properties: Dublin Core document properties (title, subject, identifier, description, keywords, created) written to
    docProps/core.xml, which Excel and WPS show under File > Info; active: the sheet the workbook opens on (0-based).
    Raises ValueError for a sheet name over 31 characters (table names come from the schemas: the code's error).
    """
    for name, *_ in sheets:
        if len(name) > 31:
            raise ValueError(f"{name}: a spreadsheet sheet name has at most 31 characters")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
        core = _core_properties(properties) if properties else ""
        if core:
            overrides += ('<Override PartName="/docProps/core.xml" ContentType="application/'
                          'vnd.openxmlformats-package.core-properties+xml"/>')
        archive.writestr("[Content_Types].xml", _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         '<Override PartName="/xl/styles.xml" ContentType="application/'
                         f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>')
        archive.writestr("_rels/.rels", _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                         'officeDocument" Target="xl/workbook.xml"/>'
                         + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                            'metadata/core-properties" Target="docProps/core.xml"/>' if core else "") + '</Relationships>')
        if core:
            archive.writestr("docProps/core.xml", core)
        entries = "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                          for i, (name, *_rest) in enumerate(sheets, start=1))
        views = f'<bookViews><workbookView activeTab="{active}"/></bookViews>' if active else ""
        archive.writestr("xl/workbook.xml", f'{_HEAD}<workbook {_NS} {_REL_NS}>{views}<sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                       f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/styles" Target="styles.xml"/>')
        archive.writestr("xl/_rels/workbook.xml.rels", _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/'
                         f'package/2006/relationships">{rels}</Relationships>')
        archive.writestr("xl/styles.xml", _STYLES)
        for i, (_, header, frame, kinds, plain) in enumerate(sheets, start=1):
            write_sheet(archive, f"xl/worksheets/sheet{i}.xml", header, frame, kinds, plain)


def _core_properties(properties: dict[str, str]) -> str:
    """docProps/core.xml: each property a Dublin Core element (dc:title …; cp:keywords), text escaped."""
    names = {"title": "dc:title", "subject": "dc:subject", "identifier": "dc:identifier", "description": "dc:description",
             "keywords": "cp:keywords"}
    body = "".join(f"<{names[k]}>{escape(v)}</{names[k]}>" for k, v in properties.items() if k in names and v)
    if properties.get("created"):   # W3CDTF, as Excel writes it; without it readers show the time they opened it
        body += f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(properties["created"])}</dcterms:created>'

    return (_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}</cp:coreProperties>')

