"""Reading a region's municipalities from the ОКТМО classifier as Rosstat publishes it.

Rosstat's open data «ОКТМО» (rosstat.gov.ru/opendata/7708234640-oktmo) is a CSV without a header,
';'-separated with quoted fields, in Windows-1251 (newer files in UTF-8): the region's code (2 digits),
three 3-digit codes, the check number, the section (1: municipalities, 2: settlements) and the name,
then the centre, notes and change numbers. A municipality (a municipal district or okrug, an urban
okrug) is a row of section 1 with its own first code and zeros after it: 03 612 000 «Выселковский
муниципальный район»; rows whose first code ends in 00 are the headings of the groups.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from .reader import ImportFileError

#: The classifier of the whole country is about 20 MB.
MAX_BYTES = 64 * 2**20
_HEADINGS = ("муниципальные", "городские", "внутригородские", "сельские", "межселенные")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _not_oktmo()


def _not_oktmo() -> ImportFileError:
    return ImportFileError(
        _(
            "This is not Rosstat's ОКТМО classifier: a CSV file with ';' between the code columns, the "
            "section and the name is expected."
        )
    )


def read_oktmo(path: Path, *, region: str) -> list[tuple[str, str]]:
    """(ОКТМО code of 8 digits, name) of the municipalities of the region with ОКТМО code `region`."""
    if not (region.isdigit() and len(region) == 2):
        raise ImportFileError(_("The region's ОКТМО code has two digits, e.g. 03."))
    with path.open("rb") as source:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES or b"\x00" in data:
        raise _not_oktmo()
    rows = csv.reader(io.StringIO(_decode(data), newline=""), delimiter=";")
    found: list[tuple[str, str]] = []
    seen_any = False
    try:
        for cells in rows:
            if len(cells) < 7:
                continue
            ter, kod1, kod2, kod3, _check, section, name = (c.strip() for c in cells[:7])
            if not all(c.isdigit() for c in (ter, kod1, kod2, kod3)) or len(ter) != 2 or len(kod1) != 3:
                continue
            seen_any = True
            if ter != region or section != "1" or kod2 != "000" or kod3 != "000":
                continue
            if kod1 == "000" or kod1.endswith("00") or name.casefold().startswith(_HEADINGS):
                continue
            found.append((f"{ter}{kod1}000", " ".join(name.split())))
    except csv.Error as exc:
        raise _not_oktmo() from exc
    if not seen_any:
        raise _not_oktmo()
    if not found:
        raise ImportFileError(
            _("The classifier has no municipalities of the region with ОКТМО code %(code)s.")
            % {"code": region}
        )
    return found
