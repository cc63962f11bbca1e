"""The reviewed baselines (raw/lookups/target_baselines.csv) against an edited paper: a row whose target or
indicator is gone, or names another figure now, is left out with a stale_baseline note; the night goes on."""

import datetime as dt

from flows.pipeline import add_summaries
from flows.summaries.views import stale_baseline_notes, target_baselines_table
from flows.tables.validate import validate_tables
from flows.updates.ingest import ingest_updates


def _edited(seed, edit):
    tables = {name: df.copy() for name, df in seed.tables.items()}
    edit(tables)
    return {**tables, "updates": ingest_updates([], tables, dt.date(2015, 1, 31)).updates}


def test_the_seed_has_no_stale_baseline(seed):
    assert len(stale_baseline_notes(seed.tables)) == 0 and len(target_baselines_table(seed.tables)) == 7


def test_a_target_no_longer_parsed_loses_its_baselines_with_a_note_and_the_release_validates(seed):
    def drop(tables):
        targets = tables["targets"]
        tables["targets"] = targets[targets["target_id"] != "szsti-2014-02-q4-t1"].reset_index(drop=True)

    tables = add_summaries(_edited(seed, drop), dt.date(2015, 1, 31))
    assert "szsti-2014-02-q4-t1" not in set(tables["target_baselines"]["target_id"]) and len(tables["target_baselines"]) == 6
    notes = tables["quality_notes"][tables["quality_notes"]["flag"] == "stale_baseline"]
    assert notes[["row_id", "table_name"]].values.tolist() == [["szsti-2014-02-q4-t1", "targets"]]
    assert "no such target" in notes["detail"].iloc[0]
    validate_tables(tables)


def test_a_shifted_indicator_is_never_taken_as_the_baseline(seed):
    def shift(tables):
        indicators = tables["indicators"]
        at = indicators.index[indicators["indicator_id"] == "szsti-2014-i06"]
        indicators.loc[at, "value_text_zh"] = "接近5万人"   # what a renumbered paper would put under this id

    tables = _edited(seed, shift)
    kept = target_baselines_table(tables)
    assert "szsti-2014-i06" not in set(kept["indicator_id"])
    details = stale_baseline_notes(tables)["detail"].tolist()
    assert len(details) == 2 and all("接近5万人" in d for d in details)
