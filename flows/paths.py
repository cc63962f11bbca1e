"""Where things live. Imports nothing else from the project, so every module can use it."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
WHITEPAPERS = RAW / "whitepapers"
UPDATES = RAW / "updates"
LOOKUPS = RAW / "lookups"
CURATED = REPO / "curated"
SQL = REPO / "sql"
EXAMPLES = REPO / "examples"
