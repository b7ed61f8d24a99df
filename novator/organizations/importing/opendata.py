"""Reading Rosobrnadzor's open data, the registry of organisations with state accreditation, into rows.

The file (`OpenData` → `Certificates` → `Certificate`, over a gigabyte for the whole country, usually a
ZIP) is parsed by lxml with a *target*: no tree is built at all, the target keeps only the few fields of
a certificate and of its `ActualEducationOrganization` and drops everything else (supplements,
programmes, decisions) as it goes, so memory stays flat whatever the file's size. Entities are not
expanded, nothing is fetched from the network and a file with a DTD is refused (an entity bomb cannot
get in). Certificates of other regions are dropped as soon as they end.

One row per registry organisation (`ActualEducationOrganization/Id`) of the region with at least one
valid certificate: duplicate certificates collapse into one, an organisation whose certificates are all
no longer valid gives no row. The rows have the columns of the CSV import (`columns.COLUMNS`) and go
through the same plan, preview and confirmation; the municipality comes from the address
(`places.PlaceIndex`), and a row whose address names no known municipality is rejected with the reason.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from novator.core.text import fold

from ..models import Municipality, Region
from .columns import parse_kind, parse_subtype
from .places import PlaceIndex
from .reader import ImportFileError, Table

_CHUNK = 1 << 20
#: The certificate's own fields that are kept.
_CERT_FIELDS = {"Id", "StatusName", "RegionCode", "RegionName", "IssueDate", "EndDate"}
#: The fields of the certificate's ActualEducationOrganization that are kept.
_ORG_FIELDS = {
    "Id",
    "FullName",
    "ShortName",
    "HeadEduOrgId",
    "IsBranch",
    "PostAddress",
    "Phone",
    "Email",
    "WebSite",
    "OGRN",
    "INN",
    "KPP",
    "HeadPost",
    "HeadName",
    "KindName",
    "TypeName",
}
#: The columns of the rows, as `columns.COLUMNS` names them; «oktmo» is filled from the address.
OPENDATA_COLUMNS = (
    "inn",
    "ogrn",
    "kpp",
    "full_name",
    "short_name",
    "kind",
    "subtype",
    "oktmo",
    "address",
    "head_name",
    "head_position",
    "phone",
    "email",
    "website",
    "parent_inn",
    "parent_kpp",
)
_XML_START = (b"<?xml", b"\xef\xbb\xbf<?xml", b"<OpenData", b"\xef\xbb\xbf<OpenData")


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "NOVATOR_OPENDATA_MAX_UNZIPPED_BYTES", 16 * 2**30))


def max_zip_ratio() -> int:
    return int(settings.NOVATOR_UPLOAD_MAX_ZIP_RATIO)


def is_opendata(head: bytes) -> bool:
    """Whether the first bytes of a file are XML or a ZIP (the forms the registry is published in)."""
    return head.lstrip().startswith(_XML_START) or head.startswith(b"PK\x03\x04")


def is_opendata_file(path: Path) -> bool:
    """An XML file, or a ZIP that is no Office document: what `read_opendata` reads (not CSV/XLSX)."""
    with path.open("rb") as raw:
        head = raw.read(64)
        if not head.startswith(b"PK"):
            return head.lstrip().startswith(_XML_START)
        try:
            with zipfile.ZipFile(raw) as archive:
                return "[Content_Types].xml" not in archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return False


def not_opendata_error() -> ImportFileError:
    return ImportFileError(
        _(
            "This is not the open data of the registry of accredited organisations: an XML file with "
            "<OpenData> and <Certificates> (or a ZIP with that one file) is expected."
        )
    )


def damaged_error() -> ImportFileError:
    return ImportFileError(
        _(
            "The XML file is damaged or cut short (it may not have been downloaded completely); "
            "download it again. Nothing was imported."
        )
    )


class _Refused(Exception):
    """Raised inside the parser's target; carries the ImportFileError out of lxml."""

    def __init__(self, error: ImportFileError) -> None:
        self.error = error


@dataclass
class Certificate:
    number: int
    fields: dict[str, str]
    org: dict[str, str]


class _Target:
    """lxml parser target: collects certificates' fields, builds nothing else."""

    def __init__(self) -> None:
        self.path: list[str] = []
        self.text: list[str] = []
        self.cert: dict[str, str] = {}
        self.org: dict[str, str] = {}
        self.done: list[Certificate] = []
        self.count = 0
        self.root_seen = False

    def doctype(self, *_args: Any) -> None:
        raise _Refused(
            ImportFileError(
                _(
                    "The XML file declares a DTD or entities, which the registry's open data never has; "
                    "it was refused."
                )
            )
        )

    def start(self, tag: str, _attrib: Any, _nsmap: Any = None) -> None:
        name = tag.rpartition("}")[2]
        if not self.root_seen:
            self.root_seen = True
            if name != "OpenData":
                raise _Refused(not_opendata_error())
        self.path.append(name)
        self.text.clear()

    def data(self, text: str) -> None:
        if len(self.path) in (4, 5):
            self.text.append(text)

    def end(self, tag: str) -> None:
        depth = len(self.path)
        name = self.path.pop()
        # OpenData(1) / Certificates(2) / Certificate(3) / field(4) / ActualEducationOrganization field(5)
        if depth == 4 and name in _CERT_FIELDS and self.path[1] == "Certificates":
            self.cert[name] = "".join(self.text).strip()
        elif depth == 5 and self.path[3] == "ActualEducationOrganization" and name in _ORG_FIELDS:
            self.org[name] = "".join(self.text).strip()
        elif depth == 3 and name == "Certificate":
            self.count += 1
            self.done.append(Certificate(self.count, self.cert, self.org))
            self.cert, self.org = {}, {}
        self.text.clear()

    def close(self) -> None:
        return None


@contextmanager
def _open_xml(source: Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """The XML stream of a file: the file itself, or the one XML file inside a ZIP."""
    with source.open("rb") if isinstance(source, Path) else _keep_open(source) as raw:
        head = raw.read(64)
        raw.seek(0)
        if not head.strip():
            raise ImportFileError(_("The file is empty."))
        if not head.startswith(b"PK"):
            if not is_opendata(head):
                raise not_opendata_error()
            yield raw
            return
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ImportFileError(_("The ZIP archive is damaged; download it again.")) from exc
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1 or not members[0].filename.lower().endswith(".xml"):
                raise ImportFileError(
                    _(
                        "The ZIP archive must hold exactly one XML file, the registry's open data; it "
                        "holds %(count)d files."
                    )
                    % {"count": len(members)}
                )
            member = members[0]
            if member.file_size > max_unzipped_bytes():
                raise ImportFileError(
                    _("The archive unpacks to more than %(limit)s and was not accepted.")
                    % {"limit": filesizeformat(max_unzipped_bytes())}
                )
            squeezed = member.file_size > max_zip_ratio() * max(1, member.compress_size)
            if member.file_size > 1 << 20 and squeezed:
                raise ImportFileError(
                    _(
                        "The archive unpacks to more than %(ratio)s times its size, as a «zip bomb» does, "
                        "and was not accepted."
                    )
                    % {"ratio": max_zip_ratio()}
                )
            if member.flag_bits & 0x1:
                raise ImportFileError(_("The ZIP archive is encrypted; unpack it and upload the XML file."))
            with archive.open(member) as stream:
                yield stream


@contextmanager
def _keep_open(source: IO[bytes]) -> Iterator[IO[bytes]]:
    yield source


def _xml_size(stream: IO[bytes]) -> int:
    """The size of the XML being read: the unpacked size of a ZIP member, else the file's."""
    size = getattr(stream, "_orig_file_size", None) or getattr(stream, "_left", None)  # zipfile.ZipExtFile
    if size is None:
        try:
            size = os.fstat(stream.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            size = 0
    return int(size)


def iter_certificates(
    source: Path | IO[bytes], *, on_progress: Callable[[int, int], None] | None = None
) -> Iterator[Certificate]:
    """Every certificate of the file, in order, with its own and its organisation's fields.
    `on_progress(bytes read, bytes in all)` is called after each megabyte of XML."""
    target = _Target()
    parser = etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        with _open_xml(source) as stream:
            total, done = _xml_size(stream), 0
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
                if on_progress is not None:
                    done += len(chunk)
                    on_progress(done, max(total, done))
                yield from target.done
                target.done.clear()
            parser.close()
            yield from target.done
    except _Refused as exc:
        raise exc.error from None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc.__context__, _Refused):
            raise exc.__context__.error from None
        raise damaged_error() from exc
    if not target.root_seen:
        raise not_opendata_error()


def _is_valid(status: str) -> bool:
    """«Действующее» (valid); «Недействующее», «Приостановлено», «Лишено» … are not."""
    folded = fold(status)
    return folded.startswith("действующ")


def _matches_region(cert: dict[str, str], region: str) -> bool:
    wanted = fold(region)
    code = cert.get("RegionCode", "").strip()
    if wanted.isdigit():
        return code.lstrip("0") == wanted.lstrip("0") and code != ""
    return fold(cert.get("RegionName", "")) == wanted


def _row_cells(org: dict[str, str], oktmo: str, parent_inn: str, parent_kpp: str) -> list[str]:
    values = {
        "inn": org.get("INN", ""),
        "ogrn": org.get("OGRN", ""),
        "kpp": org.get("KPP", ""),
        "full_name": org.get("FullName", ""),
        "short_name": org.get("ShortName", "") or org.get("FullName", ""),
        # unknown words are left out: the plan then tells the subtype from the name
        "kind": org.get("TypeName", "") if parse_kind(org.get("TypeName", "")) else "",
        "subtype": org.get("KindName", "") if parse_subtype(org.get("KindName", "")) else "",
        "oktmo": oktmo,
        "address": org.get("PostAddress", ""),
        "head_name": org.get("HeadName", ""),
        "head_position": org.get("HeadPost", ""),
        "phone": org.get("Phone", ""),
        "email": org.get("Email", ""),
        "website": org.get("WebSite", ""),
        "parent_inn": parent_inn,
        "parent_kpp": parent_kpp,
    }
    return [values[key] for key in OPENDATA_COLUMNS]


def read_opendata(
    source: Path | IO[bytes], *, region: str, on_progress: Callable[[int, int], None] | None = None
) -> Table:
    """The organisations of one region (`RegionCode` «23» or `RegionName` «Краснодарский край»).
    `on_progress(bytes read, bytes in all)` follows the reading (the web import's progress bar)."""
    region = region.strip()
    if not region:
        raise ImportFileError(_("Choose the region to import: its code in the file (e.g. 23) or its name."))
    chosen: dict[str, Certificate] = {}  # organisation Id → its best certificate
    first_seen: dict[str, int] = {}
    region_names: set[str] = set()
    for cert in iter_certificates(source, on_progress=on_progress):
        if not _matches_region(cert.fields, region):
            continue
        region_names.add(cert.fields.get("RegionName", ""))
        org_id = cert.org.get("Id") or f"cert:{cert.fields.get('Id', cert.number)}"
        first_seen.setdefault(org_id, cert.number)
        if not _is_valid(cert.fields.get("StatusName", "")) or not cert.org.get("INN"):
            continue
        known = chosen.get(org_id)
        if known is None or _issued(cert) >= _issued(known):
            chosen[org_id] = cert
    if not first_seen:
        raise ImportFileError(
            _("The file has no certificates of region «%(region)s». Check the region's code or name.")
            % {"region": region}
        )
    index = _municipalities(region_names)
    columns = {key: i for i, key in enumerate(OPENDATA_COLUMNS)}
    rows: list[tuple[int, list[str]]] = []
    errors: dict[int, str] = {}
    # parents before their branches, then in the file's order
    ordered = sorted(
        chosen.items(), key=lambda item: (item[1].org.get("IsBranch") == "1", first_seen[item[0]])
    )
    for org_id, cert in ordered:
        org = cert.org
        number = first_seen[org_id]
        address = org.get("PostAddress", "")
        municipality = index.find(address)
        parent_inn = parent_kpp = ""
        if org.get("IsBranch") == "1":
            # A branch: its parent's ИНН and ОГРН, its own КПП, the municipality of its own address. The
            # parent is the organisation `HeadEduOrgId` when the file has it (its row comes first, see
            # the order above), else the head organisation of the branch's ИНН already in the registry.
            parent = chosen.get(org.get("HeadEduOrgId", ""))
            if parent is not None:
                parent_inn, parent_kpp = parent.org.get("INN", ""), parent.org.get("KPP", "")
            else:
                parent_inn = org.get("INN", "")
        rows.append(
            (number, _row_cells(org, municipality.oktmo if municipality else "", parent_inn, parent_kpp))
        )
        if municipality is None:
            errors[number] = _(
                "The municipality of the address «%(address)s» is unknown: add it to the registry's "
                "municipalities (manage.py import_municipalities) and run the import again."
            ) % {"address": address or "—"}
    notices = []
    skipped = len(first_seen) - len(chosen)
    if skipped:
        notices.append(
            ngettext(
                "%(count)d organisation has no valid certificate and was skipped.",
                "%(count)d organisations have no valid certificate and were skipped.",
                skipped,
            )
            % {"count": skipped}
        )
    return Table("xml", 0, columns, [], rows, notices, errors)


def _issued(cert: Certificate) -> str:
    """IssueDate as a sortable text (dd.mm.yyyy or ISO in the file)."""
    text = cert.fields.get("IssueDate", "")
    if len(text) >= 10 and text[2] == "." and text[5] == ".":
        return f"{text[6:10]}-{text[3:5]}-{text[0:2]}"
    return text[:10]


def _municipalities(region_names: set[str]) -> PlaceIndex[Municipality]:
    """The municipalities of the file's region when the registry has that region, else all of them."""
    folded = {fold(n) for n in region_names if n}
    regions = [r.pk for r in Region.objects.all() if fold(r.name) in folded]
    queryset = Municipality.objects.all()
    if regions:
        queryset = queryset.filter(region_id__in=regions)
    return PlaceIndex(list(queryset), lambda m: m.name)
