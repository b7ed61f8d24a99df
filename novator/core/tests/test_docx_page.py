"""Documents are laid out per ГОСТ Р 7.0.97-2016: A4, margins 30/10/20/20 mm, Times New Roman 14 (12 in
tables), page numbers from the second page; dates and numbers as «ДД.ММ.ГГГГ № N»."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from docx import Document

from novator.core.docx_build import cite, date_number, document, loop_table, table
from novator.core.docx_check import gost_problems

TEMPLATES = sorted((Path(__file__).resolve().parents[2]).glob("*/docx/**/*.docx"))


def test_a_document_is_a4_portrait_and_landscape():
    portrait = document().sections[0]
    assert (round(portrait.page_width.mm), round(portrait.page_height.mm)) == (210, 297)
    landscape = document(landscape=True).sections[0]
    assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
    assert [round(m.mm) for m in (landscape.left_margin, landscape.right_margin)] == [30, 10]
    assert [round(m.mm) for m in (landscape.top_margin, landscape.bottom_margin)] == [20, 20]


def test_a_built_document_with_tables_passes_the_check():
    doc = document()
    table(doc, ["№", "Организация"], [["1", "МБОУ СОШ № 1"]])
    loop_table(doc, ["№"], ["{{ r }}"], "r in rows")
    assert gost_problems(doc) == []


def test_the_check_sees_a_letter_page_and_wrong_margins():
    letter = Document()  # python-docx's default: US Letter, 1" margins, Calibri 11
    problems = gost_problems(letter)
    assert any("not A4" in p for p in problems)
    assert any("margins" in p for p in problems)
    assert any("font" in p for p in problems)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_committed_template_is_laid_out_per_the_standard(path):
    assert gost_problems(path.read_bytes()) == []


def test_the_committed_templates_are_found():
    assert len(TEMPLATES) >= 12


def test_date_and_number_on_one_line_and_cited_date_first():
    assert date_number(datetime.date(2024, 5, 7), 123) == "07.05.2024 № 123"
    assert cite(datetime.date(2012, 12, 29), "273-ФЗ") == "от 29.12.2012 № 273-ФЗ"
    assert date_number(None, None) == "__.__.20__ № ____"
