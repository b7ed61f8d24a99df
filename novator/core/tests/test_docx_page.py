"""Documents are built on A4, not python-docx's default US Letter (an office prints and signs A4)."""

from __future__ import annotations

from novator.core.docx_build import document


def test_a_document_is_a4_portrait_and_landscape():
    portrait = document().sections[0]
    assert (round(portrait.page_width.cm, 1), round(portrait.page_height.cm, 1)) == (21.0, 29.7)
    landscape = document(landscape=True).sections[0]
    assert (round(landscape.page_width.cm, 1), round(landscape.page_height.cm, 1)) == (29.7, 21.0)
    assert round(landscape.left_margin.cm, 1) == 2.5
