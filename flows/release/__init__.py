"""Publishing: validated tables → a versioned release under curated/releases/<release_id>/, and latest.

Takes every table and the input files; gives the release folder (Parquet and CSV, the workbook, the DuckDB
file, datapackage.json, README.md, sources/, manifest.json), the changes against the previous release, and the
output root's state (latest, LATEST, releases.json, index.html, the lock). Open publish.py first: it stages,
calls one writer per format (files.py, xlsx_writer.py, duckdb_export.py, datapackage.py, readme.py,
manifest.py), verifies, then switches latest (dirs.py). A new output format is a new writer module here.
history.py, prune.py and fingerprint.py (nothing new?) read what is already published; state.py checks the output
root before every run (latest verified against its manifest; latest, LATEST, releases.json and index.html
repaired). xlsx_cells.py is what a workbook cell cannot hold and the stand-in it gets.
"""
