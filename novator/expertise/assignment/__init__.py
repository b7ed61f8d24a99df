"""Who reviews which application: the affinity of experts and applications (`affinity.py`, TF-IDF over
Russian stems), the contest read from the database into the solver's instance (`matching.py`), the
optimal assignment by min-cost flow with its plain-words explanation of an infeasible instance
(`solver/`), and those reasons in the user's language (`reasons.py`). The services
(`services/assignments.py`, `services/proposals.py`) call it; the proposal is computed by a task."""
