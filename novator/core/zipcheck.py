"""ZIP-based uploads (DOCX, XLSX, ODT, the registry's XLSX) checked before any parser opens them.

`inspect_zip` reads the central directory and refuses an archive whose declared unpacked size or
compression ratio is absurd (settings `NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES`, `NOVATOR_UPLOAD_MAX_ZIP_RATIO`).
Then it inflates every member itself, in bounded chunks, and refuses one that inflates to more than its
header declares: `zipfile` (and so openpyxl and docxtpl) inflates a whole member into memory before cutting
it to the declared size, so a lying header is no bound on memory until this check has passed.

While inflating it looks for macros where Office and LibreOffice look for them, whatever the parts are
called:

- OOXML: the content types in `[Content_Types].xml` (VBA project, VBA data, ActiveX, macro-enabled main
  parts, Excel 4.0 macro sheets, key maps) and the relationship types in every `*.rels`;
- ODF: Basic and script libraries (`Basic/`, `Scripts/`), script event listeners, script elements and
  script links (`vnd.sun.star.script:`, `macro://`) in any XML member (content.xml, styles.xml, embedded
  objects, menus and toolbars);
- any OLE member (an embedded object, or a VBA project at an innocent name) that holds a VBA project.
"""

from __future__ import annotations

import struct
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

#: More parts than this is no office document (and a central directory of millions of entries is an attack).
MAX_ZIP_MEMBERS = 5000
#: Below this unpacked size the compression ratio is not judged: small XML parts squeeze very well.
RATIO_FLOOR = 1024 * 1024
#: [Content_Types].xml and the *.rels parts are parsed element by element; beyond this they are no document's.
MAX_PACKAGE_XML = 8 * 1024 * 1024
_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The storage of a VBA project inside an OLE file (Word's Macros/VBA, Excel's _VBA_PROJECT_CUR, and
#: vbaProject.bin of OOXML), as its UTF-16LE directory entry.
VBA_MARKER = "_VBA_PROJECT".encode("utf-16-le")

#: Substrings of OOXML content types (lower case) of parts that carry or run code.
_MACRO_CONTENT_TYPES = (
    "vbaproject",  # application/vnd.ms-office.vbaProject, …vbaProjectSignature
    "vbadata",  # application/vnd.ms-word.vbaData+xml
    "activex",  # application/vnd.ms-office.activeX(+xml)
    "macroenabled",  # the main parts of .docm/.dotm/.xlsm/.xltm/.xlam/.pptm/.ppsm/.potm
    "macrosheet",  # Excel 4.0 macro sheets (…excel.macrosheet+xml, …intlmacrosheet+xml)
    "keymapcustomizations",  # Word's key bindings to macros
)
#: Last segments (lower case) of OOXML relationship types that point to code.
_MACRO_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "vbaprojectsignature",
        "wordvbadata",
        "control",  # an ActiveX control in a document
        "activexcontrolbinary",
        "xlmacrosheet",
        "xlintlmacrosheet",
        "keymapcustomizations",
    }
)
_ODF_SCRIPT_FOLDERS = ("basic/", "scripts/")
_ODF_SCRIPT_ELEMENTS = frozenset({"event-listener", "script"})
_SCRIPT_URLS = ("vnd.sun.star.script:", "macro://")
#: Parts of a Basic library folder that exist without any code in it.
_ODF_EMPTY_LIBRARY = ("script-lc.xml", "script-lb.xml")

MACROS_MESSAGE = _("Office documents with macros are not accepted.")


@dataclass
class ZipContents:
    """What the checked archive holds: member names, OOXML content types, the ODF mimetype."""

    names: set[str] = field(default_factory=set)
    content_types: set[str] = field(default_factory=set)
    odf_mimetype: str | None = None

    @property
    def is_ooxml(self) -> bool:
        return "[Content_Types].xml" in self.names


class _Macros(Exception):
    """A macro was found; turned into the ValidationError of MACROS_MESSAGE."""


def upload_limits() -> tuple[int, int]:
    """The unpacked-size limit (bytes) and the compression-ratio limit of uploaded documents."""
    return int(settings.NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES), int(settings.NOVATOR_UPLOAD_MAX_ZIP_RATIO)


def inspect_zip(
    fileobj: IO[bytes],
    *,
    max_unzipped: int | None = None,
    max_ratio: int | None = None,
    refuse_macros: bool = True,
) -> ZipContents | None:
    """Check a ZIP archive before it is parsed; None when it is no ZIP at all.

    Raises ValidationError (a clear message, code zip_too_large, zip_ratio, zip_members, zip_forged,
    zip_damaged, zip_encrypted or macros) and leaves the file at position 0.
    """
    default_unzipped, default_ratio = upload_limits()
    limit = default_unzipped if max_unzipped is None else max_unzipped
    ratio = default_ratio if max_ratio is None else max_ratio
    fileobj.seek(0)
    try:
        try:
            with zipfile.ZipFile(fileobj) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, struct.error):
            return None
        _check_declared(members, limit=limit, ratio=ratio)
        contents = ZipContents(names={m.filename for m in members})
        try:
            if refuse_macros:
                _check_names(contents)
            for member in members:
                if member.is_dir():
                    continue
                sinks = _sinks(member, contents, refuse_macros)
                _inflate(fileobj, member, sinks)
                if any(isinstance(sink, _OdfScan) and sink.suspect for sink in sinks):
                    # something that may be a script: parse the member to be sure (entities resolved)
                    _inflate(fileobj, member, [_xml_sink(_odf_handler)])
        except _Macros:
            raise ValidationError(MACROS_MESSAGE, code="macros") from None
        except xml.parsers.expat.ExpatError as exc:
            raise _damaged() from exc
        return contents
    finally:
        fileobj.seek(0)


def _check_declared(members: list[zipfile.ZipInfo], *, limit: int, ratio: int) -> None:
    """The central directory's declared sizes: total unpacked size, ratio of the whole and of each member."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise ValidationError(
            _("The file holds more than %(count)s parts and was not accepted."),
            code="zip_members",
            params={"count": MAX_ZIP_MEMBERS},
        )
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > limit:
        raise ValidationError(
            _(
                "The file unpacks to more than %(limit)s and was not accepted. Reduce the pictures in it "
                "or split it into several files."
            ),
            code="zip_too_large",
            params={"limit": filesizeformat(limit)},
        )
    squeezed = unpacked > RATIO_FLOOR and unpacked > ratio * max(1, packed)
    if squeezed or any(
        m.file_size > RATIO_FLOOR and m.file_size > ratio * max(1, m.compress_size) for m in members
    ):
        raise ValidationError(
            _(
                "The file unpacks to more than %(ratio)s times its size, as a «zip bomb» does, and was not "
                "accepted."
            ),
            code="zip_ratio",
            params={"ratio": ratio},
        )


def _damaged() -> ValidationError:
    return ValidationError(
        _("The file is damaged: its parts do not match the archive's table of contents. Save it again."),
        code="zip_damaged",
    )


def _check_names(contents: ZipContents) -> None:
    lowered = {name.lower() for name in contents.names}
    if "mimetype" in contents.names and any(
        n.startswith(_ODF_SCRIPT_FOLDERS) and not n.endswith(("/", *_ODF_EMPTY_LIBRARY)) for n in lowered
    ):
        raise _Macros
    # A VBA project or ActiveX part under its usual name, even when no content type declares it.
    if any(n.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in n for n in lowered):
        raise _Macros


Sink = Callable[[bytes], None]


def _sinks(member: zipfile.ZipInfo, contents: ZipContents, refuse_macros: bool) -> list[Sink]:
    """What looks at a member's bytes while it is inflated; each sink is called with every chunk."""
    name = member.filename
    sinks: list[Sink] = []
    if name == "mimetype" and member.file_size <= 200:
        sinks.append(_MimetypeSink(contents))
    is_rels = refuse_macros and name.lower().endswith(".rels")
    if (name == "[Content_Types].xml" or is_rels) and member.file_size > MAX_PACKAGE_XML:
        raise _damaged()  # parsed element by element below: a few kilobytes in any real document
    if name == "[Content_Types].xml":
        sinks.append(_xml_sink(_content_types_handler(contents, refuse_macros)))
    if not refuse_macros:
        return sinks
    if is_rels:
        sinks.append(_xml_sink(_relationships_handler))
    if "mimetype" in contents.names and name.lower().endswith(".xml"):
        sinks.append(_OdfScan())
    sinks.append(_OleSink())
    return sinks


def _inflate(fileobj: IO[bytes], member: zipfile.ZipInfo, sinks: list[Sink]) -> None:
    """Inflate one member from its local header on, never more than its declared size, checking the CRC."""
    if member.flag_bits & 0x1:
        raise ValidationError(
            _("Password-protected files are not accepted: remove the password and upload the file again."),
            code="zip_encrypted",
        )
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # bzip2 and LZMA inflate without a bound on output; office documents never use them
        raise _damaged()
    fileobj.seek(member.header_offset)
    header = fileobj.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        raise _damaged()
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise _damaged()
    fileobj.seek(member.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if member.compress_type == zipfile.ZIP_DEFLATED else None
    remaining, produced, crc = member.compress_size, 0, 0
    try:
        while True:
            if inflater is not None and inflater.unconsumed_tail:
                out = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            elif remaining > 0:
                raw = fileobj.read(min(_CHUNK, remaining))
                if not raw:
                    raise _damaged()
                remaining -= len(raw)
                out = raw if inflater is None else inflater.decompress(raw, _CHUNK)
            else:
                break
            produced += len(out)
            if produced > member.file_size:
                raise ValidationError(
                    _(
                        "The file was not accepted: a part inside it unpacks to more than the archive "
                        "declares (a forged archive)."
                    ),
                    code="zip_forged",
                )
            crc = zlib.crc32(out, crc)
            for sink in sinks:
                sink(out)
            if inflater is not None and inflater.eof:
                break
    except zlib.error as exc:
        raise _damaged() from exc
    if (inflater is not None and not inflater.eof) or produced != member.file_size or crc != member.CRC:
        raise _damaged()
    for sink in sinks:
        sink(b"")  # the end: XML parsers check that the document is complete


class _MimetypeSink:
    def __init__(self, contents: ZipContents) -> None:
        self.contents = contents
        self.data = b""

    def __call__(self, chunk: bytes) -> None:
        self.data += chunk
        self.contents.odf_mimetype = self.data.decode("ascii", "replace").strip()


class _OleSink:
    """An OLE member (an embedded object, or a VBA project under any name) holding a VBA project."""

    def __init__(self) -> None:
        self.started = False
        self.ole = False
        self.tail = b""

    def __call__(self, chunk: bytes) -> None:
        if not self.started:
            if not chunk:
                return
            self.started = True
            self.ole = chunk.startswith(OLE_MAGIC)
        if not self.ole:
            return
        window = self.tail + chunk
        if VBA_MARKER in window:
            raise _Macros
        self.tail = window[-(len(VBA_MARKER) - 1) :]


class _OdfScan:
    """A fast look at an ODF XML member for anything that may be a script; `_odf_handler` decides.

    Parsing every element in Python takes seconds for a long document; element names cannot be escaped,
    and attribute values can hide a scheme only behind a numeric character reference or an entity of a
    DOCTYPE, so a member without any of these (the usual case) has no script.
    """

    #: Literal markers, looked for in the lower-cased bytes (fast); the script element is checked apart.
    SUSPECT = (b"event-listener", b"macro-name", b"vnd.sun.star.script", b"macro:", b"&#", b"<!doctype")

    def __init__(self) -> None:
        self.suspect = False
        self.tail = b""

    def __call__(self, chunk: bytes) -> None:
        if self.suspect or not chunk:
            return
        window = self.tail + chunk.lower()
        self.suspect = any(marker in window for marker in self.SUSPECT) or _has_script_element(window)
        self.tail = window[-32:]


def _has_script_element(window: bytes) -> bool:
    """`<script …>` or `<prefix:script …>` (not `<office:scripts/>`, which every LibreOffice file has)."""
    position = window.find(b"script")
    while position != -1:
        before, after = window[position - 1 : position], window[position + 6 : position + 7]
        if before in (b":", b"<") and after in (b" ", b"\t", b"\n", b"\r", b"/", b">"):
            return True
        position = window.find(b"script", position + 1)
    return False


def _xml_sink(handler: Callable[[str, dict[str, str]], None]) -> Sink:
    """Feed a member to expat (no namespace processing: elements by their local name, any prefix)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = handler
    fed = done = False

    def feed(chunk: bytes) -> None:
        nonlocal fed, done
        if done or not (chunk or fed):
            return  # an empty member is not parsed
        fed, done = True, not chunk
        parser.Parse(chunk, done)

    return feed


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1].lower()


def _content_types_handler(
    contents: ZipContents, refuse_macros: bool
) -> Callable[[str, dict[str, str]], None]:
    def handler(name: str, attributes: dict[str, str]) -> None:
        if _local(name) not in ("default", "override"):
            return
        content_type = attributes.get("ContentType", "").strip().lower()
        contents.content_types.add(content_type)
        if refuse_macros and any(marker in content_type for marker in _MACRO_CONTENT_TYPES):
            raise _Macros

    return handler


def _relationships_handler(name: str, attributes: dict[str, str]) -> None:
    if _local(name) != "relationship":
        return
    kind = attributes.get("Type", "").strip().rstrip("/").rsplit("/", 1)[-1].lower()
    if kind in _MACRO_RELATIONSHIPS:
        raise _Macros


def _odf_handler(name: str, attributes: dict[str, str]) -> None:
    if _local(name) in _ODF_SCRIPT_ELEMENTS:
        raise _Macros
    for attribute, value in attributes.items():
        if _local(attribute) == "macro-name" or value.strip().lower().startswith(_SCRIPT_URLS):
            raise _Macros
