"""Import of the registry of organisations from CSV and XLSX files.

`read_table` turns a file into rows (refusing what is not a table or too big), `build_plan` decides
per row what would happen without writing anything (the preview), `apply_plan` does it through the
services. The page, the background task and the `import_organizations` command all use these three.
"""

from .columns import COLUMNS, EXPORT_HEADERS, FORMULA_TRIGGERS, KIND_WORDS, SUBTYPE_WORDS, bool_text
from .plan import (
    ACTION_LABELS,
    COUNT_KEYS,
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    Plan,
    PlannedRow,
    apply_plan,
    build_plan,
)
from .reader import ImportFileError, Table, max_bytes, read_table, too_large_error

__all__ = [
    "ACTION_LABELS",
    "COLUMNS",
    "COUNT_KEYS",
    "CREATE",
    "EXPORT_HEADERS",
    "FORMULA_TRIGGERS",
    "KIND_WORDS",
    "REJECT",
    "SUBTYPE_WORDS",
    "UNCHANGED",
    "UPDATE",
    "ImportFileError",
    "Plan",
    "PlannedRow",
    "Table",
    "apply_plan",
    "bool_text",
    "build_plan",
    "max_bytes",
    "read_table",
    "too_large_error",
]
