"""Measuring: synthetic corpora → wall time, CPU time and peak memory of the refresh, behind `whitepaper bench`.

corpus.py writes N papers and M update rows; floor.py times DuckDB reading them with no checks; measure.py times
a command's whole process tree; stages.py times each stage of the plain pipeline in one process; suite.py runs
it all at several sizes. Open suite.py first. Nothing here is imported by the pipeline.
"""
