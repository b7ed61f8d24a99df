"""Contests of two kinds (status contests of organisations, professional contests of persons): their
forms, applications and workflows (`workflow.py`), the ranking rules (`scoring.py`) and diplomas."""
