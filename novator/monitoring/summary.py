"""The printable one-page summary of a municipality (or the region) for a meeting: a PDF rendered by
WeasyPrint from an HTML template, like the event certificates (`novator/events/certificates.py`).
Charts are drawn as inline SVG bars by the template; nothing is fetched from the network."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from novator.organizations.models import Municipality, Region

from . import selectors
from .models import INDEX_CODE, IndicatorValue, Level, MonitoringYear

#: Rows of a ranking that still fit on the page with the rest of the summary.
MAX_ROWS = 20

CSS = """
@page { size: A4 portrait; margin: 12mm 12mm 14mm; @bottom-right { content: counter(page); font-size: 7pt; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 8.5pt; color: #1b2a41; }
h1 { font-size: 14pt; margin: 0 0 1mm; color: #1b4f8a; }
h2 { font-size: 10pt; margin: 4mm 0 1.5mm; color: #1b4f8a; }
.sub { color: #555; margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; }
table.figures { border-collapse: separate; border-spacing: 2mm 0; margin: 0 -2mm 2mm; }
td.figure { border: 0.3mm solid #c8d3e0; border-radius: 1.5mm; padding: 2mm 3mm; vertical-align: top; }
.figure b { display: block; font-size: 15pt; }
table.layout > tbody > tr > td.half { width: 50%; vertical-align: top; border: 0; padding: 0 2mm 0 0; }
table.layout td.half + td.half { padding: 0 0 0 2mm; }
th, td { border-bottom: 0.2mm solid #dde3ea; padding: 0.8mm 1.2mm; text-align: left; vertical-align: middle; }
th { background: #eef2f7; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; }
td.name { font-size: 7.5pt; }
table.layout td.half:first-child { width: 44%; } table.layout td.half + td.half { width: 56%; }
.up { color: #146c43; } .down { color: #b02a37; }
.more, footer { color: #666; font-size: 7.5pt; margin-top: 1mm; }
footer { margin-top: 4mm; border-top: 0.2mm solid #c8d3e0; padding-top: 1.5mm; }
"""


def _n(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def municipality_summary(
    municipality: Municipality,
    year: MonitoringYear,
    previous: MonitoringYear | None,
    overview: dict[str, Any],
) -> dict[str, Any]:
    """What the one-page PDF of a municipality shows (one query besides the overview's)."""
    ranked = IndicatorValue.objects.filter(
        academic_year=year.academic_year,
        level=Level.MUNICIPALITY,
        region_id=municipality.region_id,
        indicator__code=INDEX_CODE,
    ).count()
    table: selectors.Table = overview["summary"]
    index_row = overview.get("index_row")
    figures: list[tuple[str, Any, str]] = [
        (_("Median index"), index_row[1] if index_row else None, ""),
    ]
    if previous is not None:
        change = index_row[3] if index_row else None
        figures.append(
            (
                _("Change since %(year)s") % {"year": previous.academic_year},
                None if change is None else ("+" if change > 0 else "") + number_format(change, 1),
                "",
            )
        )
    figures.append(
        (
            _("Place in the region"),
            overview.get("place"),
            _("of %(count)s") % {"count": ranked} if overview.get("place") else "",
        )
    )
    context: dict[str, Any] = {
        "title": str(municipality),
        "year": year,
        "today": timezone.localdate(),
        "figures": figures,
        "medians_title": _("Medians of the municipality"),
        "medians": table,
        "has_change": previous is not None,
    }
    if overview["detail"]:
        rows = overview["ranking"].rows
        context.update(
            bars_title=_("Ranking of organisations by the index"),
            bars_label=_("Organisation"),
            bars=[(r[0], r[1], r[2], r[4] if previous else None) for r in rows[:MAX_ROWS]],
            bars_change=previous is not None,
            more=max(0, len(rows) - MAX_ROWS),
            figures=[*figures, (_("Organisations with an index"), len(rows), "")],
        )
        completion: selectors.Table = overview["completion"]["table"]
        if completion.rows:  # the latest campaigns of the year, so that the page stays one
            context["completion"] = selectors.Table(
                title=completion.title, headers=completion.headers, rows=completion.rows[-4:]
            )
    return context


def region_summary(region: Region, year: MonitoringYear, years: list[MonitoringYear]) -> dict[str, Any]:
    """What the one-page PDF of the region shows: the municipalities' medians of the index, the region's
    index over the years and its medians of every indicator (three queries)."""
    overview = selectors.region_overview(region, year, years)
    inds = selectors.indicators()
    region_rows = {
        r.indicator.code: r.value
        for r in IndicatorValue.objects.filter(
            academic_year=year.academic_year, level=Level.REGION, region=region
        ).select_related("indicator")
    }
    medians = selectors.Table(title=str(region), headers=[_("Indicator"), year.academic_year])
    for ind in inds:
        medians.rows.append([ind.name, _n(region_rows.get(ind.code))])
    chart = overview["chart"]
    trend = ", ".join(
        f"{label}: {number_format(value, 1)}"
        for label, value in zip(chart["years"], chart["trend"], strict=True)
        if value is not None
    )
    return {
        "title": str(region),
        "year": year,
        "today": timezone.localdate(),
        "figures": [
            (_("Median index of the region"), _n(region_rows.get(INDEX_CODE)), ""),
            (_("Municipalities"), len(chart["names"]), ""),
            (_("The index over the years"), trend or None, ""),
        ],
        "medians_title": _("Medians of the region"),
        "medians": medians,
        "has_change": False,
        "bars_title": _("Municipalities side by side"),
        "bars_label": _("Municipality"),
        "bars": [
            (position, name, value, None)
            for position, (name, value) in enumerate(
                zip(chart["names"], chart["values"], strict=True), start=1
            )
        ][:MAX_ROWS],
        "bars_change": False,
        "more": max(0, len(chart["names"]) - MAX_ROWS),
    }


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(_("External resources are not loaded into the summary."))


def document(context: dict[str, Any]) -> Any:
    """The laid-out document (its `.pages` tell whether the summary kept to one page)."""
    import weasyprint

    html = render_to_string("monitoring/summary_pdf.html", context)
    return weasyprint.HTML(string=html, url_fetcher=_no_fetch).render(
        stylesheets=[weasyprint.CSS(string=CSS)]
    )


def render_pdf(context: dict[str, Any]) -> bytes:
    pdf: bytes = document(context).write_pdf()
    return pdf
