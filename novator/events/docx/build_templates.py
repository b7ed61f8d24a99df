"""Build the DOCX template of the proceedings of a conference (docxtpl: Jinja tags inside a Word file).

    .venv/bin/python novator/events/docx/build_templates.py

writes `proceedings.docx` (сборник материалов конференции) next to this script. The generated file is
committed; an office may restyle it in Word as long as the tags stay intact. Its context is built by
`novator.events.proceedings.context`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.text import WD_BREAK

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from novator.core import docx_build as build  # noqa: E402


def build_proceedings(path: Path) -> None:
    document = build.document()
    build.para(document, "{{ organizers }}", center=True)
    build.para(document, "")
    build.para(document, "СБОРНИК МАТЕРИАЛОВ", bold=True, center=True, size=16)
    build.para(document, "{{ kind }}", center=True)
    build.para(document, "«{{ title }}»", bold=True, center=True, size=14)
    build.para(document, "{{ date }}{% if place %}, {{ place }}{% endif %}", center=True)
    build.para(document, "")
    build.para(
        document,
        "В сборник включены тезисы докладов, принятые организационным комитетом. Материалы публикуются "
        "в авторской редакции.",
        italic=True,
        justify=True,
    )
    build.para(document, "Содержание", bold=True).runs[0].add_break(WD_BREAK.LINE)
    build.para(document, "{%p for s in sections %}")
    build.para(document, "{{ s.title }}", bold=True)
    build.para(document, "{%p for t in s.talks %}")
    build.para(document, "{{ t.number }}. {{ t.contents_line }}")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p for s in sections %}")
    build.para(document, "{{ s.title }}", bold=True, center=True, size=14)
    build.para(document, "{%p for t in s.talks %}")
    build.para(document, "{{ t.number }}. {{ t.title }}", bold=True, center=True)
    build.para(document, "{%p for a in t.authors %}")
    build.para(document, "{{ a.line }}", italic=True, center=True)
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p for line in t.paragraphs %}")
    build.para(document, "{{ line }}", justify=True)
    build.para(document, "{%p endfor %}")
    build.para(document, "")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p if not sections %}")
    build.para(document, "Принятых тезисов пока нет.")
    build.para(document, "{%p endif %}")
    document.save(str(path))


if __name__ == "__main__":
    build_proceedings(HERE / "proceedings.docx")
    print("written:", HERE / "proceedings.docx")
