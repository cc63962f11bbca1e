"""Pandera models, one per published table. TABLES is the registry every format is generated from."""

from schemas.release import CHANGES_TABLES
from schemas.summaries import SUMMARY_TABLES
from schemas.updates import UPDATE_TABLES
from schemas.whitepaper import WHITEPAPER_TABLES

TABLES = {**WHITEPAPER_TABLES, **UPDATE_TABLES, **SUMMARY_TABLES, **CHANGES_TABLES}
