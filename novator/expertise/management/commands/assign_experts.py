"""manage.py assign_experts --instance in.json --out out.json [--time-limit S] [--candidates C]

Solves an expert assignment given as JSON (data that comes from elsewhere) with the same optimal
min-cost-flow solver the web application uses, and writes the assignment as JSON. The format is
documented in docs/assignment.md. Bad input and infeasible instances end with a clear message and a
non-zero exit code; nothing is written then.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from novator.expertise.assignment.solver import Infeasible, Instance, TimeLimitExceeded, solve

REQUIRED = ("experts", "applications", "affinity", "k", "max_load")
OPTIONAL = (
    "conflicts",
    "min_load",
    "fixed",
    "expert_municipality",
    "application_municipality",
    "require_external",
)


class Command(BaseCommand):
    help = "Assign experts to applications optimally (min-cost flow) from a JSON instance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", required=True, help="input JSON (see docs/assignment.md)")
        parser.add_argument("--out", required=True, help="where to write the assignment JSON")
        parser.add_argument("--time-limit", type=float, default=None, help="seconds (checked between rounds)")
        parser.add_argument(
            "--candidates", type=int, default=None, help="best experts per application tried first (C)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        time_limit = options["time_limit"]
        if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
            raise CommandError(_("--time-limit must be a positive number of seconds."))
        if options["candidates"] is not None and options["candidates"] < 1:
            raise CommandError(_("--candidates must be at least 1."))
        path = Path(options["instance"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(path)s is not valid JSON: %(error)s (line %(line)d, column %(column)d)")
                % {"path": path, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
            ) from exc

        instance = parse_instance(data)
        try:
            result = solve(instance, candidates=options["candidates"], time_limit=time_limit)
        except Infeasible as exc:
            raise CommandError(str(exc)) from exc
        except TimeLimitExceeded as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(_("Invalid instance: %(error)s") % {"error": exc}) from exc

        out = {
            "assignment": [[e, a] for e, a in result.assignment],
            "objective": result.objective,
            "seconds": round(result.seconds, 4),
        }
        if result.status != "optimal":
            self.stderr.write(
                _(
                    "The time limit stopped the optimality proof: the assignment is complete and valid, "
                    "but may not be optimal."
                )
            )
        out_path = Path(options["out"])
        try:
            out_path.write_text(json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": out_path, "error": exc}
            ) from exc
        self.stdout.write(
            f"assigned {len(result.assignment)} pairs ({len(result.added)} new), "
            f"objective {result.objective:.6f}, {result.seconds:.3f} s, {result.status}"
        )


# ---------------------------------------------------------------------------------------------------
# Validation: every message names the key and, where possible, the offending entry.


def _fail(message: str, **params: Any) -> CommandError:
    """``message`` is already translated (``_("...")`` at the call, so that makemessages finds it)."""
    return CommandError(message % params if params else message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id_list(data: dict[str, Any], key: str) -> list[int]:
    value = data[key]
    if not isinstance(value, list):
        raise _fail(_("«%(key)s» must be a list of integer ids."), key=key)
    bad = [v for v in value if not _is_int(v)]
    if bad:
        raise _fail(
            _("«%(key)s» must contain integer ids only; got %(value)s."), key=key, value=json.dumps(bad[0])
        )
    if len(set(value)) != len(value):
        dup = next(v for v in value if value.count(v) > 1)
        raise _fail(_("«%(key)s» lists id %(id)s more than once."), key=key, id=dup)
    return list(value)


def _key_id(key: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise _fail(_("«%(key)s»: %(raw)s is not an integer id."), key=key, raw=json.dumps(raw)) from None


def _per_id(data: dict[str, Any], key: str, ids: list[int], what: str) -> int | dict[int, int]:
    value = data[key]
    if _is_int(value):
        if value < 0:
            raise _fail(_("«%(key)s» must not be negative (got %(value)s)."), key=key, value=value)
        return int(value)
    if not isinstance(value, dict):
        raise _fail(
            _("«%(key)s» must be a non-negative integer or an object {%(what)s id: integer}."),
            key=key,
            what=what,
        )
    known = set(ids)
    out: dict[int, int] = {}
    for raw, v in value.items():
        i = _key_id(key, raw)
        if i not in known:
            raise _fail(_("«%(key)s» names unknown %(what)s %(id)s."), key=key, what=what, id=i)
        if not _is_int(v) or v < 0:
            raise _fail(
                _("«%(key)s» for %(what)s %(id)s must be a non-negative integer (got %(value)s)."),
                key=key,
                what=what,
                id=i,
                value=json.dumps(v),
            )
        out[i] = int(v)
    missing = [i for i in ids if i not in out]
    if missing:
        raise _fail(
            _("«%(key)s» has no value for %(what)s %(ids)s."),
            key=key,
            what=what,
            ids=", ".join(str(i) for i in missing[:10]) + (" …" if len(missing) > 10 else ""),
        )
    return out


def _pairs(data: dict[str, Any], key: str, experts: set[int], applications: set[int]) -> set[tuple[int, int]]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _fail(_("«%(key)s» must be a list of [expert, application] pairs."), key=key)
    out: set[tuple[int, int]] = set()
    for n, item in enumerate(value, 1):
        if not (isinstance(item, list) and len(item) == 2 and all(_is_int(x) for x in item)):
            raise _fail(
                _("«%(key)s» entry %(n)d must be [expert, application] with integer ids; got %(item)s."),
                key=key,
                n=n,
                item=json.dumps(item),
            )
        e, a = item
        _known(key, n, e, a, experts, applications)
        out.add((e, a))
    return out


def _known(key: str, n: int, e: int, a: int, experts: set[int], applications: set[int]) -> None:
    if e not in experts:
        raise _fail(_("«%(key)s» entry %(n)d names unknown expert %(id)s."), key=key, n=n, id=e)
    if a not in applications:
        raise _fail(_("«%(key)s» entry %(n)d names unknown application %(id)s."), key=key, n=n, id=a)


def _affinity(
    data: dict[str, Any], experts: set[int], applications: set[int]
) -> dict[tuple[int, int], float]:
    value = data["affinity"]
    if not isinstance(value, list):
        raise _fail(_("«affinity» must be a list of [expert, application, value] triples."))
    out: dict[tuple[int, int], float] = {}
    for n, item in enumerate(value, 1):
        ok = (
            isinstance(item, list)
            and len(item) == 3
            and _is_int(item[0])
            and _is_int(item[1])
            and isinstance(item[2], int | float)
            and not isinstance(item[2], bool)
            and math.isfinite(item[2])
        )
        if not ok:
            raise _fail(
                _("«affinity» entry %(n)d must be [expert, application, number]; got %(item)s."),
                n=n,
                item=json.dumps(item),
            )
        e, a, v = item
        _known("affinity", n, e, a, experts, applications)
        if (e, a) in out:
            raise _fail(_("«affinity» gives the pair [%(e)s, %(a)s] twice (entry %(n)d)."), e=e, a=a, n=n)
        out[(e, a)] = float(v)
    return out


def _municipalities(data: dict[str, Any], key: str, ids: set[int], what: str) -> dict[int, Hashable | None]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(_("«%(key)s» must be an object {%(what)s id: municipality id}."), key=key, what=what)
    out: dict[int, Hashable | None] = {}
    for raw, v in value.items():
        i = _key_id(key, raw)
        if i not in ids:
            raise _fail(_("«%(key)s» names unknown %(what)s %(id)s."), key=key, what=what, id=i)
        if v is not None and not (_is_int(v) or isinstance(v, str)):
            raise _fail(
                _("«%(key)s» for %(what)s %(id)s must be an integer, a string or null."),
                key=key,
                what=what,
                id=i,
            )
        out[i] = v
    return out


def parse_instance(data: Any) -> Instance:
    """Check the JSON document and turn it into an :class:`Instance`; raise CommandError on bad input."""
    if not isinstance(data, dict):
        raise _fail(_("The instance must be a JSON object."))
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise _fail(_("Missing keys: %(keys)s."), keys=", ".join(missing))
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise _fail(
            _("Unknown keys: %(keys)s (allowed: %(allowed)s)."),
            keys=", ".join(unknown),
            allowed=", ".join(REQUIRED + OPTIONAL),
        )
    experts = _id_list(data, "experts")
    applications = _id_list(data, "applications")
    e_set, a_set = set(experts), set(applications)
    require_external = data.get("require_external", False)
    if not isinstance(require_external, bool):
        raise _fail(_("«require_external» must be true or false."))
    return Instance(
        experts=experts,
        applications=applications,
        affinity=_affinity(data, e_set, a_set),
        conflicts=_pairs(data, "conflicts", e_set, a_set),
        k=_per_id(data, "k", applications, "application"),
        min_load=_per_id(data, "min_load", experts, "expert") if "min_load" in data else 0,
        max_load=_per_id(data, "max_load", experts, "expert"),
        fixed=_pairs(data, "fixed", e_set, a_set),
        expert_municipality=_municipalities(data, "expert_municipality", e_set, "expert"),
        application_municipality=_municipalities(data, "application_municipality", a_set, "application"),
        require_external=require_external,
    )
