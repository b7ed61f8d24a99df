"""A real OpenID Connect provider for the tests (django-oidc-provider), run as a second server process by
the ``oidc_provider`` fixture of tests/oidc_provider/fixtures.py: its own tiny Django project with its own
SQLite file, not a mock of HTTP calls."""
