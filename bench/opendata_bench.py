"""The federal registry's open data at national size: reading one region out of a ≥ 1 GB file.

    .venv/bin/python -m bench.opendata_bench [CERTIFICATES]     # default 100,000 certificates, ≥ 1 GB

The generator writes a synthetic file of Rosobrnadzor's shape (`OpenData` → `Certificates` →
`Certificate` with its organisation, supplements with educational programmes, decisions) spread over 85
regions, to BENCH_DIR (default /tmp), kept between runs. Each measurement runs in a fresh process:
a bare lxml `iterparse` over the file (every element built and cleared: the least any streamed reading
costs) and `read_opendata(region="23")` (the import's reading and grouping of one region; the municipality
index is given empty, so the figure has no database in it). Peak memory is sampled from /proc during the
reading; the goals are ≤ 300 MB and ≤ 3× the bare pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGIONS = [f"{n:02d}" for n in range(1, 90) if n not in (80, 81, 82, 84)][:85]
PROGRAMMES = 13  # a school's certificate lists a few, a college's dozens; ~10 KB per certificate


def _inn(serial: int) -> str:
    first9 = f"23{serial % 10_000_000:07d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return first9 + str(sum(int(d) * w for d, w in zip(first9, weights, strict=True)) % 11 % 10)


def _ogrn(serial: int) -> str:
    first12 = f"1022{serial % 100_000_000:08d}"
    return first12 + str(int(first12) % 11 % 10)


def _certificate(n: int) -> str:
    region = REGIONS[n % len(REGIONS)]
    org_id = n if n % 10 else n - 1  # every tenth certificate repeats the organisation of the one before
    inn, ogrn = _inn(org_id), _ogrn(org_id)
    status = "Недействующее" if n % 7 == 0 else "Действующее"
    address = (
        f"35{n % 10000:04d}, Краснодарский край, Выселковский район, ст-ца Выселки, ул. Ленина, д. {n % 200}"
    )
    org = (
        f"<Id>{org_id}</Id><FullName>Муниципальное бюджетное общеобразовательное учреждение средняя "
        f"общеобразовательная школа № {n}</FullName><ShortName>МБОУ СОШ № {n}</ShortName>"
        f"<HeadEduOrgId /><IsBranch>0</IsBranch><PostAddress>{address}</PostAddress>"
        f"<Phone>(86157) 7-{n % 100:02d}-01</Phone><Fax /><Email>school{n}@example.ru</Email>"
        f"<WebSite>school{n}.example.ru</WebSite><OGRN>{ogrn}</OGRN><INN>{inn}</INN><KPP>232801001</KPP>"
        "<HeadPost>Директор</HeadPost><HeadName>Иванова Мария Петровна</HeadName>"
        "<FormName>Муниципальное бюджетное учреждение</FormName>"
        "<KindName>Средняя общеобразовательная школа</KindName>"
        "<TypeName>Общеобразовательная организация</TypeName><RegionName>Регион</RegionName>"
        "<FederalDistrictShortName>ЮФО</FederalDistrictShortName>"
        "<FederalDistrictName>Южный федеральный округ</FederalDistrictName>"
    )
    programmes = "".join(
        f"<EducationalProgram><Id>{n}-{p}</Id><TypeName>Основная образовательная программа</TypeName>"
        f"<EduLevelName>Среднее общее образование</EduLevelName><ProgrammName>Программа {p}</ProgrammName>"
        f"<ProgrammCode>44.02.{p:02d}</ProgrammCode><UGSName>Образование и педагогические науки</UGSName>"
        f"<UGSCode>44.00.00</UGSCode><EduNormativePeriod>2 г. 10 мес.</EduNormativePeriod>"
        "<Qualification>Учитель</Qualification><IsAccredited>1</IsAccredited><IsCanceled>0</IsCanceled>"
        "<IsSuspended>0</IsSuspended></EducationalProgram>"
        for p in range(PROGRAMMES)
    )
    return (
        f"<Certificate><Id>{n}</Id><IsFederal>0</IsFederal><StatusName>{status}</StatusName>"
        "<TypeName>Свидетельство о государственной аккредитации</TypeName>"
        f"<RegionName>Регион {region}</RegionName><RegionCode>{region}</RegionCode>"
        f"<RegNumber>{n:05d}</RegNumber><SerialNumber>23А01</SerialNumber><FormNumber>{n:07d}</FormNumber>"
        f"<IssueDate>01.09.2016</IssueDate><EndDate /><PostAddress>{address}</PostAddress>"
        f"<EduOrgINN>{inn}</EduOrgINN><EduOrgOGRN>{ogrn}</EduOrgOGRN>"
        f"<ActualEducationOrganization>{org}</ActualEducationOrganization>"
        f"<Supplements><Supplement><Id>S{n}</Id><StatusName>Действующее</StatusName><Number>1</Number>"
        f"<ActualEducationOrganization>{org}</ActualEducationOrganization>"
        f"<EducationalPrograms>{programmes}</EducationalPrograms></Supplement></Supplements>"
        f"<Decisions><Decision><Id>D{n}</Id><DecisionTypeName>Переоформление</DecisionTypeName>"
        "<OrderDocumentNumber>1234</OrderDocumentNumber><DecisionDate>01.09.2016</DecisionDate>"
        "</Decision></Decisions></Certificate>\n"
    )


def generate(path: Path, certificates: int) -> Path:
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<OpenData><Certificates>\n')
        for n in range(1, certificates + 1):
            out.write(_certificate(n))
        out.write("</Certificates></OpenData>\n")
    partial.rename(path)
    return path


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _measure(kind: str, path: Path) -> dict[str, Any]:
    """In this (fresh) process: seconds and peak RSS of one pass over the file."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from lxml import etree

    from novator.organizations.importing import opendata
    from novator.organizations.importing.places import PlaceIndex

    peak = [_rss_mb()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    rows = 0
    if kind == "bare":
        for _event, element in etree.iterparse(str(path), events=("end",), resolve_entities=False):
            element.clear()
    else:
        opendata._municipalities = lambda _names: PlaceIndex([])  # type: ignore[assignment]
        rows = len(opendata.read_opendata(path, region="23").rows)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return {"seconds": seconds, "peak_mb": max(peak[0], _rss_mb()), "rows": rows}


def run(certificates: int = 100_000) -> dict[str, Any]:
    directory = Path(os.environ.get("BENCH_DIR", "/tmp"))  # noqa: S108 - a scratch file
    path = directory / f"novator-opendata-{certificates}.xml"
    start = time.perf_counter()
    generate(path, certificates)
    generated = time.perf_counter() - start
    result: dict[str, Any] = {"certificates": certificates, "bytes": path.stat().st_size}
    result["generate"] = generated
    for kind in ("bare", "import"):
        out = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "bench.opendata_bench", "--measure", kind, str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result[kind] = json.loads(out.strip().splitlines()[-1])
    return result


def figures(result: dict[str, Any]) -> list[dict[str, Any]]:
    from bench.report import figure

    scale = f"{result['certificates']} certificates, {result['bytes'] / 2**30:.2f} GB"
    bare, imported = result["bare"], result["import"]
    return [
        figure("import.opendata.region_seconds", scale, imported["seconds"], "s", bare["seconds"]),
        figure("import.opendata.peak_rss", scale, imported["peak_mb"], "MB", 300),
        figure("import.opendata.bare_iterparse_peak_rss", scale, bare["peak_mb"], "MB", 300),
    ]


NOTES = (
    "import.opendata.*: bench/opendata_bench.py — a synthetic national open-data file of the registry of "
    "accredited organisations (≥ 100,000 certificates in 85 regions, ≥ 1 GB): reading and grouping region "
    "23 (`read_opendata`, no database) against a bare lxml iterparse pass over the same file (goal ≤ 3×); "
    "peak RSS of the reading process against the 300 MB goal.",
)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(_measure(sys.argv[2], Path(sys.argv[3]))))
        return
    certificates = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    result = run(certificates)
    print(json.dumps(result, indent=2))
    if certificates >= 100_000:
        from bench.__main__ import NOTES as ALL_NOTES
        from bench.report import write

        write(figures(result), notes=ALL_NOTES)


if __name__ == "__main__":
    main()
