"""The act of destruction of personal data (акт об уничтожении персональных данных), as a DOCX.

The content follows the requirements to the confirmation of destruction (Приказ Роскомнадзора от
28.10.2022 № 179, п. 3): the operator; the subject (name, as the form asks, and the record's number);
the categories of data destroyed; the information system; the way and the reason of the destruction;
the date; who destroyed them, with places to sign. The act is a legal record in Russian whatever the
language of the page, like the other documents the product prints.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from novator.core import docx_build as build
from novator.core.dates import MOMENT, ddmmyyyy


@dataclass(frozen=True)
class ActContent:
    number: int
    made_at: datetime.datetime
    operator: str
    subject_name: str
    subject_ref: str
    organization: str
    categories: Sequence[str]
    reason: str
    destroyed_by: str
    access_log_entry: int


def build_act(content: ActContent) -> bytes:
    made = timezone.localtime(content.made_at)
    doc = build.document()
    build.para(doc, f"АКТ № {content.number}", bold=True, center=True, size=14)
    build.para(doc, "об уничтожении персональных данных", bold=True, center=True)
    build.para(doc, ddmmyyyy(made), center=True)
    build.table(
        doc,
        ["Сведение", "Значение"],
        [
            ["Оператор персональных данных", content.operator or "_" * 40],
            ["Субъект персональных данных", f"{content.subject_name} ({content.subject_ref})"],
            ["Организация субъекта", content.organization],
            ["Информационная система", "«Новатор» — информационная система персональных данных оператора"],
            ["Способ уничтожения", "обезличивание записей базы данных (замена значений) и удаление файлов"],
            ["Причина уничтожения", content.reason or "—"],
            ["Дата и время уничтожения", date_format(made, MOMENT)],
            ["Уничтожение выполнил", content.destroyed_by],
            [
                "Запись журнала регистрации событий",
                f"журнал обращений к персональным данным, запись № {content.access_log_entry}",
            ],
        ],
    )
    build.para(doc)
    build.para(doc, "Перечень категорий уничтоженных персональных данных:", bold=True)
    for number, category in enumerate(content.categories, start=1):
        build.para(doc, f"{number}. {category}")
    build.para(doc)
    build.para(
        doc,
        "Результаты конкурсов, баллы, регистрации и сертификаты сохранены без связи с именем субъекта "
        "(обезличенные данные). Акт хранится оператором три года.",
        justify=True,
    )
    build.para(doc)
    build.para(doc, "Лицо, уничтожившее персональные данные: ______________ / ______________________ /")
    build.para(doc, "Ответственный за организацию обработки персональных данных: ______________ / ________ /")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
