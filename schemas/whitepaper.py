"""Tables parsed from one white paper (公共服务白皮书). Each column is described here and nowhere else."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._fields import ID_SLUG, Date, field, table_meta

DOC_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TASK_ID = r"^[a-z0-9-]+-\d{2,}$"


def source_start():
    """The offset columns every row taken from the text carries (a fresh Field per model, as Pandera needs)."""
    return field("原文起始位置(字符)", "Character offset where this row's passage starts in the canonical text "
                 "(sources/<document_id>.txt): text[source_start:source_end] is the passage.", ge=0)


def source_end():
    return field("原文结束位置(字符)", "Character offset just past the end of this row's passage in the canonical text.", ge=0)


def unofficial_en(zh: str, column: str, what: str) -> "pa.Field":
    """A *_en column: the project's own translation of a Chinese column, labelled unofficial wherever it is described."""
    return field(f"{zh}(英文,非官方译文)", f"{what} in English: an UNOFFICIAL translation by this project, not the publisher's, "
                 f"from raw/lookups/translations.csv matched to {column} character for character; null when {column} is "
                 "null or has no reviewed translation (then quality_notes has an untranslated_text note for the document).",
                 nullable=True)


def _ref(table: str, *cols: str, to: tuple[str, ...] | None = None) -> dict:
    return {"fields": list(cols), "reference": {"resource": table, "fields": list(to or cols)}}


class Documents(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "Document id, e.g. szsti-2014: the sidecar's document_id, else the file name in raw/whitepapers made into an id (lower case, ASCII, hyphens; Chinese as pinyin).", unique=True, str_matches=DOC_ID)
    agency_id: Series[str] = field("机构编号", "Agency id: the document id without its year, e.g. szsti.", str_matches=ID_SLUG)
    title_zh: Series[str] = field("标题", "Title as printed on the first line.")
    title_en: Series[str] = field("英文标题", "English title from the paper's citation sidecar (title_en in raw/whitepapers/<document_id>.meta.yaml); the paper prints none, so it is an UNOFFICIAL translation; null when the sidecar gives none.", nullable=True)
    agency_zh: Series[str] = field("发布机构(标题中)", "Agency named in the title, before the year.")
    publisher_zh: Series[str] = field("信息来源", "Publisher as printed after 信息来源 or 来源 (source) on the web page's publication line; null when the paper names none.", nullable=True)
    published_date: Series[Date] = field("发布日期", "Publication date printed under the title (信息提供日期, 发布时间, 发布日期 or a date line; a time is left out); null when none.", nullable=True)
    plan_year: Series[int] = field("计划年度", "Year whose tasks the paper sets (section 三).", ge=1990, le=2100)
    review_year: Series[int] = field("回顾年度", "Year whose results the paper reviews (section 二).", ge=1990, le=2100)
    source_file: Series[str] = field("原始文件", "Path of the raw file, relative to the repository.")
    source_sha256: Series[str] = field("原始文件SHA-256", "SHA-256 of the raw file's bytes, as committed.", str_matches=r"^[0-9a-f]{64}$")
    source_format: Series[str] = field("原始文件格式", "Form the paper was read from: text (page text, .txt), html (the web page, .html/.htm) or docx (Word); for html and docx the release keeps the original as sources/<document_id>.<extension>.", isin=["text", "html", "docx"])
    source_encoding: Series[str] = field("原始编码", "Encoding the raw file was decoded from (utf-8 for a Word document).", isin=["utf-8", "utf-8-sig", "gb18030"])
    text_sha256: Series[str] = field("规范文本SHA-256", "SHA-256 of the canonical text (UTF-8, no BOM, \\n line endings) that the offsets index: the decoded file, or for html and docx the text extracted from it, one paragraph or table cell per line.", str_matches=r"^[0-9a-f]{64}$")
    text_chars: Series[int] = field("规范文本字符数", "Length of the canonical text in characters.", ge=1)
    source_url: Series[str] = field("原始网址", "Where the paper was published, from the sidecar metadata.", nullable=True)
    retrieved_date: Series[Date] = field("获取日期", "Date the copy was taken, from the sidecar metadata.", nullable=True)
    license_note: Series[str] = field("许可说明", "Licence or terms of reuse, from the sidecar metadata.", nullable=True)
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "documents"
        strict = True
        coerce = False
        metadata = table_meta("白皮书", "One row per white paper.", ["document_id"])


class Responsibilities(pa.DataFrameModel):
    responsibility_id: Series[str] = field("职责编号", "Responsibility id: <document_id>-r<seq>.", unique=True)
    document_id: Series[str] = field("文件编号", "Document the duty is listed in.")
    responsibility_seq: Series[int] = field("职责序号", "Number of the duty in section 一, (一)=1.", ge=1)
    text_zh: Series[str] = field("职责内容", "The duty as written, without its (一) number.")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "responsibilities"
        strict = True
        metadata = table_meta("工作职责", "One row per numbered duty in section 一 (responsibilities).",
                              ["responsibility_id"], [_ref("documents", "document_id")])
        unique = ["document_id", "responsibility_seq"]


class ReviewSections(pa.DataFrameModel):
    section_id: Series[str] = field("回顾段落编号", "Review section id: <document_id>-s<seq>.", unique=True)
    document_id: Series[str] = field("文件编号", "Document the review belongs to.")
    section_seq: Series[int] = field("回顾段落序号", "0 for the introduction of section 二, then (一)=1, (二)=2 ...", ge=0)
    heading_zh: Series[str] = field("小标题", "Heading of the paragraph group as written; null for the introduction.", nullable=True)
    text_zh: Series[str] = field("内容", "Paragraphs of the group as written, joined by blank lines as in the source.")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "review_sections"
        strict = True
        metadata = table_meta("上年度完成情况", "One row per paragraph group of the previous-year review (section 二), the introduction included.",
                              ["section_id"], [_ref("documents", "document_id")])
        unique = ["document_id", "section_seq"]


class Indicators(pa.DataFrameModel):
    indicator_id: Series[str] = field("指标编号", "Indicator id: <document_id>-i<seq>.", unique=True)
    document_id: Series[str] = field("文件编号", "Document reporting the figure.")
    section_id: Series[str] = field("回顾段落编号", "Review section the figure is reported in.")
    section_seq: Series[int] = field("回顾段落序号", "Sequence of that review section (0 = introduction).", ge=0)
    indicator_seq: Series[int] = field("指标序号", "Order of the figure within the document.", ge=1)
    metric_zh: Series[str] = field("指标名称", "What is counted, taken from the words around the figure (derived; the source words are in value_text_zh and the offsets).")
    metric_en: Series[str] = unofficial_en("指标名称", "metric_zh", "What is counted")
    value: Series[float] = field("数值", "The figure in base units: 1.4万亿元 is 1.4e12 元, 接近5万人 is 50000 人, 4% is 4.")
    unit_zh: Series[str] = field("单位", "Unit as written after multipliers are removed: 元, %, 家, 个, 项, 名, 人 ...")
    qualifier: Series[str] = field("限定词", "How exact the figure is: exact; approx (约); over (超过, strictly more); at_least (以上, 不少于); nearly (接近, just under).",
                                   isin=["exact", "approx", "over", "at_least", "nearly"])
    is_cumulative: Series[bool] = field("是否累计", "True when the figure is a cumulative total (累计).")
    value_text_zh: Series[str] = field("原文数值", "The figure exactly as written, qualifier included, e.g. 约1.4万亿元.")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "indicators"
        strict = True
        metadata = table_meta("上年度指标", "One row per number reported in the previous-year review.",
                              ["indicator_id"], [_ref("documents", "document_id"), _ref("review_sections", "section_id")])


class Tasks(pa.DataFrameModel):
    task_id: Series[str] = field("任务编号", "Task id: <document_id>-<two-digit seq>, e.g. szsti-2014-03.", unique=True, str_matches=TASK_ID)
    document_id: Series[str] = field("文件编号", "Document setting the task.")
    task_seq: Series[int] = field("任务序号", "Number of the task in section 三, (三)=3.", ge=1)
    title_zh: Series[str] = field("工作任务", "Task as written, without its number and category.")
    title_en: Series[str] = unofficial_en("工作任务", "title_zh", "The task")
    category_zh: Series[str] = field("任务类别", "Category printed after the title, e.g. 市政府重点工作; null when none.", nullable=True)
    category_en: Series[str] = field("任务类别(英文)", "English name of the category from raw/lookups/categories.csv: an UNOFFICIAL translation by this project; null when not in it.", nullable=True)
    target_zh: Series[str] = field("目标", "Target as written after 目标:; null when the paper gives none.", nullable=True)
    target_en: Series[str] = unofficial_en("目标", "target_zh", "The target")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "tasks"
        strict = True
        metadata = table_meta("年度工作任务", "One row per numbered task in section 三 (this year's tasks).",
                              ["task_id"], [_ref("documents", "document_id")])
        unique = ["document_id", "task_seq"]


class Milestones(pa.DataFrameModel):
    milestone_id: Series[str] = field("进度节点编号", "Milestone id: <task_id>-q<quarter>.", unique=True, str_matches=r"^[a-z0-9-]+-q[1-4]$")
    task_id: Series[str] = field("任务编号", "Task the milestone belongs to.")
    document_id: Series[str] = field("文件编号", "Document setting the milestone.")
    quarter: Series[int] = field("季度", "Quarter of the plan year, 1-4 (第一季度 = 1).", isin=[1, 2, 3, 4])
    due_date: Series[Date] = field("到期日", "Last day of that quarter of the plan year.")
    text_zh: Series[str] = field("进度内容", "What is due that quarter, as written; null where the paper leaves it empty.", nullable=True)
    text_en: Series[str] = unofficial_en("进度内容", "text_zh", "What is due that quarter")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "milestones"
        strict = True
        metadata = table_meta("季度进度", "One row per task and quarter (quarterly milestones).",
                              ["milestone_id"], [_ref("tasks", "task_id"), _ref("documents", "document_id")])
        unique = ["task_id", "quarter"]


class Departments(pa.DataFrameModel):
    department_id: Series[str] = field("部门编号", "Division id: <agency_id>-<ASCII slug>, from raw/lookups/departments.csv or the pinyin of the name.", unique=True, str_matches=ID_SLUG)
    agency_id: Series[str] = field("机构编号", "Agency the division belongs to.", str_matches=ID_SLUG)
    name_zh: Series[str] = field("部门名称", "Division name as printed.")
    name_en: Series[str] = field("部门名称(英文)", "English name from raw/lookups/departments.csv: an UNOFFICIAL translation by this project, not the agency's own; null when not in it.", nullable=True)

    class Config:
        name = "departments"
        strict = True
        metadata = table_meta("责任部门", "One row per division named as responsible for a task.", ["department_id"])
        unique = ["agency_id", "name_zh"]


class TaskDepartments(pa.DataFrameModel):
    task_id: Series[str] = field("任务编号", "Task.")
    department_id: Series[str] = field("部门编号", "Division responsible for it.")
    role: Series[str] = field("角色", "lead (牵头, or the only division named) or support (配合).", isin=["lead", "support"])
    department_seq: Series[int] = field("部门顺序", "Order in which the division is named for the task.", ge=1)
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "task_departments"
        strict = True
        metadata = table_meta("任务责任部门", "One row per task and responsible division.", ["task_id", "department_id"],
                              [_ref("tasks", "task_id"), _ref("departments", "department_id")])
        unique = ["task_id", "department_id"]


class Targets(pa.DataFrameModel):
    target_id: Series[str] = field("量化目标编号", "Target id: <task_id>-t<n> for the task's target, <milestone_id>-t<n> for a milestone's.", unique=True)
    task_id: Series[str] = field("任务编号", "Task the target belongs to.")
    milestone_id: Series[str] = field("进度节点编号", "Milestone stating the target; null for the task-level target.", nullable=True)
    metric_zh: Series[str] = field("指标名称", "What is counted, taken from the words around the number (derived).")
    comparator: Series[str] = field("比较方式", "> for 超过 (more than); >= for 以上/不少于 (at least); = for a bare number; between for a range like 2-3个. "
                                    "In data/targets.csv a lone = is written '= (the CSV formula guard: strip one leading ' "
                                    "to compare); Parquet, DuckDB and the workbook hold =.",
                                    isin=[">", ">=", "=", "<", "<=", "between"])
    target_value: Series[float] = field("目标值", "The number in base units (the lower bound of a range).")
    target_value_max: Series[float] = field("目标上限", "Upper bound of a range such as 2-3个; null otherwise.", nullable=True)
    unit_zh: Series[str] = field("单位", "Unit as written after multipliers are removed.")
    value_text_zh: Series[str] = field("原文数值", "The quantity exactly as written, e.g. 50个以上.")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "targets"
        strict = True
        metadata = table_meta("量化目标", "One row per quantified target in a task's target or in a milestone.", ["target_id"],
                              [_ref("tasks", "task_id"), _ref("milestones", "milestone_id")])


class Contacts(pa.DataFrameModel):
    contact_id: Series[str] = field("渠道编号", "Contact id: <document_id>-c<seq>.", unique=True)
    document_id: Series[str] = field("文件编号", "Document listing the channel.")
    contact_seq: Series[int] = field("渠道序号", "Number of the channel in section 四.", ge=1)
    channel: Series[str] = field("渠道类型", "website, email, phone, mail or other.", isin=["website", "email", "phone", "mail", "other"])
    value: Series[str] = field("渠道", "The address, e-mail or number itself, as written.")
    text_zh: Series[str] = field("原文", "The item as written, without its number.")
    source_start: Series[int] = source_start()
    source_end: Series[int] = source_end()

    class Config:
        name = "contacts"
        strict = True
        metadata = table_meta("公众参与监督渠道", "One row per public participation and oversight channel (section 四).",
                              ["contact_id"], [_ref("documents", "document_id")])
        unique = ["document_id", "contact_seq"]


class QualityNotes(pa.DataFrameModel):
    note_id: Series[str] = field("质量说明编号", "Note id: <document_id>-n<seq>, or <source>-n<seq> for notes on other inputs.", unique=True)
    document_id: Series[str] = field("文件编号", "Document the note is about; null for a file in raw/whitepapers/ that was refused (not a white paper in an accepted form), which is no document.", nullable=True)
    table_name: Series[str] = field("表名", "Table holding the row the note is about.")
    row_id: Series[str] = field("行编号", "Primary key of that row; null for a note about the file as a whole.", nullable=True)
    flag: Series[str] = field("问题类型", "Kind of anomaly, a short snake_case code such as empty_milestone or duplicate_milestone_text.", str_matches=r"^[a-z][a-z0-9_]*$")
    detail: Series[str] = field("说明", "What was found, in words, quoting the source where it helps. Nothing is changed because of a note.")
    source_start: Series[pd.Int64Dtype] = field("原文起始位置(字符)", "Offset in the canonical text where the anomaly starts; null when it has no single place.", nullable=True, ge=0)
    source_end: Series[pd.Int64Dtype] = field("原文结束位置(字符)", "Offset just past the end of the anomaly; null when it has no single place.", nullable=True, ge=0)

    class Config:
        name = "quality_notes"
        strict = True
        metadata = table_meta("数据质量说明", "One row per anomaly found in a source; anomalies are recorded, never silently fixed.",
                              ["note_id"], [_ref("documents", "document_id")])


class DocumentRejections(pa.DataFrameModel):
    source_file: Series[str] = field("原始文件", "The file under raw/whitepapers/ that was not parsed, relative to the raw folder "
                                     "(raw/whitepapers/<file>).", unique=True)
    document_id: Series[str] = field("文件编号", "Document id the file would have given (its stem; for a sidecar, its "
                                     "name without .meta.yaml).")
    line: Series[pd.Int64Dtype] = field("行号", "Line of the file where the rule failed, as an editor numbers it; null when the "
                                        "problem is the file as a whole.", nullable=True, ge=1)
    rule: Series[str] = field("规则", "Short code of the rule the file broke: not_in_template, undecodable, invalid_tables, "
                              "oversized, symlink, not_a_file, hidden_file, sidecar, parser_error, empty (no bytes, or only "
                              "whitespace: not undecodable), html_too_deep (a web page nested more than 256 elements deep, "
                              "past which lxml's parser stops); for an entry that is no "
                              "paper at all: unsupported_format (a form not read: .doc, .wps, .pdf…), folder, "
                              "temporary_file (~$…), orphan_sidecar (a .meta.yaml with no paper), not_a_whitepaper "
                              "(readable, but another document).", str_matches=r"^[a-z][a-z0-9_]*$")
    reason: Series[str] = field("原因", "What was found and what the template expects, in one line.")
    outcome: Series[str] = field("处理结果", "carried_forward: the previous release's rows of this document are published "
                                 "unchanged; left_out: the document is not in this release.",
                                 isin=["carried_forward", "left_out"])
    carried_from: Series[str] = field("沿用自发布", "Release whose rows were carried forward; null when left out.", nullable=True)

    class Config:
        name = "document_rejections"
        strict = True
        metadata = table_meta("未能解析的白皮书", "One row per entry of raw/whitepapers/ that was refused: a paper that could not "
                              "be parsed or read, or anything that is no paper in an accepted form (a .wps, a folder, a "
                              "sidecar alone); quarantined, never the night's failure.", ["source_file"])


WHITEPAPER_TABLES = {m.Config.name: m for m in (
    Documents, Responsibilities, ReviewSections, Indicators, Tasks, Milestones,
    Departments, TaskDepartments, Targets, Contacts, QualityNotes, DocumentRejections,
)}
