"""The `int` path converter, bounded to what a database id can be.

Django's `<int:pk>` takes any number of digits; a path id beyond 64 bits then reaches the database, where
SQLite raises OverflowError (a 500) on a foreign-key lookup. The bounded converter refuses it at
resolve time, so such a path is a 404 like any other missing object. It replaces Django's own `int`
converter (registered in `CoreConfig.ready`) so that every URL of every app, present and future, is
covered without writing a different converter name in each urls.py.
"""

from __future__ import annotations

import warnings

from django.urls import converters

#: The largest id a database row can have (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class BoundedIntConverter(converters.IntConverter):
    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is beyond a 64-bit id")  # ValueError = «does not match»: a 404
        return number


def register() -> None:
    """Make `<int:…>` bounded. Django 5.2 warns that overriding a converter is deprecated (6.0 will want
    a new name); the project stays on 5.2 LTS, and one bounded `int` beats a new name in every urls.py."""
    if isinstance(converters.get_converters().get("int"), BoundedIntConverter):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converters.register_converter(BoundedIntConverter, "int")
