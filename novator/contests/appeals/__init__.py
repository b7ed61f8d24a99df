"""Appeals against published results: an applicant's coordinator appeals within the contest's period of
working days; the chair and the members of the commission who did not score the application review it
(`workflow.py`); an upheld appeal changes the total, the published outcome is re-ranked and, when the
awarded set changes, an amending order is drafted (the expertise app's documents)."""
