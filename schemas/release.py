"""What changed since the previous release: one row per row added or removed, value changed, or column or table
added, removed or retyped. Computed by flows/release/changes.py before publishing; never part of the content hash.
"""

import pandera.pandas as pa
from pandera.typing import Series

from schemas._fields import field, table_meta

WHOLE = "*"
"""row_key of a change to a table's columns, column_name of a change to a whole row or table."""
CHANGE_TYPES = ["added", "removed", "changed"]


class Changes(pa.DataFrameModel):
    table_name: Series[str] = field("表名", "Published table the change is in.")
    row_key: Series[str] = field("行主键", "Primary key of the row: its value for a one-column key, a JSON array of the "
                                 "values as text for a longer one (e.g. [\"szsti-2014-01\",\"szsti-policy-planning\"]); * when "
                                 "the change is to the table's columns or to the whole table.", str_length={"min_value": 1})
    change_type: Series[str] = field("变更类型", "added: the row, column or table is new; removed: it was in the previous "
                                     "release and is gone; changed: a value (or a column's type) differs.",
                                     isin=CHANGE_TYPES)
    column_name: Series[str] = field("列名", "Column whose value or type changed, or that was added or removed; * when a "
                                     "whole row or table was added or removed.", str_length={"min_value": 1})
    old_value: Series[str] = field("原值", "Value in the previous release, as text (dates ISO, numbers in shortest form, "
                                   "true/false); for a removed row the whole row as a JSON object; for a column its type; "
                                   "for a table its row count. Null when there was none.", nullable=True)
    new_value: Series[str] = field("新值", "Value in this release, written as old_value is; null when there is none.",
                                   nullable=True)

    class Config:
        name = "changes"
        strict = True
        metadata = table_meta("与上一版本的差异", "One row per change against the previous release (previous_release "
                              "in manifest.json): rows added or removed, values changed, columns or tables added, "
                              "removed or retyped. Empty in the first release.",
                              ["table_name", "row_key", "column_name"])


CHANGES_TABLES = {Changes.Config.name: Changes}
