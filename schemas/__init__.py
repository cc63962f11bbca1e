"""Pandera models, one per published table. TABLES is the registry every format is generated from."""

from schemas.whitepaper import WHITEPAPER_TABLES

TABLES = {**WHITEPAPER_TABLES}
