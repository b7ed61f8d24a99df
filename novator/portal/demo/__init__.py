"""Demo data for Novator: the registry of the Vyselki district and its neighbours, staff, demo accounts.

`registry.py` holds the data as plain Python structures, `loader.py` writes it through the services.
Run with `manage.py load_demo` (refused when `settings.NOVATOR_DEMO` is False).
"""
