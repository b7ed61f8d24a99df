"""The monitoring's computation engine: the recomputation of a year (`recompute.py`) over numpy columns.

`formula.py` parses and evaluates the indicators' safe formulas, `computing.py` is the Decimal arithmetic
of the index (normalisation, composite, medians, ranks), `columns.py` the same arithmetic on whole
columns of scaled integers (exactly the Decimal results), `derivations.py` the registry of derived data
elements (aggregate queries per year), `bulk.py` reads and writes rows as columns (COPY on PostgreSQL).
`services.values_recompute` is the entry point; pages read the results through `selectors`.
"""
