"""Uploads for the file checks (the contests' builders: real PDF heads, DOCX zips, macros, an EXE)."""

from novator.contests.tests.files import docx, exe_as_pdf, pdf, png

__all__ = ["docx", "exe_as_pdf", "pdf", "png"]
