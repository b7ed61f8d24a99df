"""The library of methodological products: products, their adoptions (replication) and the full-text
search over them (`search.py`)."""
