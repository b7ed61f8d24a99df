"""Deterministic synthetic data of realistic shape at three scales (see docs/benchmarks.md).

`generate(scale="region", seed=1)` fills the database with regions, municipalities, organisations (valid
ИНН/ОГРН/КПП check digits), staff, users with roles, experts, contests with applications, assignments,
score sheets and scores, the register of statuses, events with registrations, methodological products
with adoptions (and their search index) and three academic years of collected monitoring values.

Rows are built in Python from `random.Random(f"{seed}:{table}")` and inserted in batches with
`executemany` (explicit primary keys, so that foreign keys need no read-back); every column a row does
not name gets its field's default, so the generator survives new fields with defaults. The same scale and
seed give the same rows (the returned digest is a SHA-256 over every inserted row). The generator adds
to a database that has no synthetic data yet: it refuses a second run (`SyntheticExists`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from novator.organizations.identifiers import make_inn, ogrn_check_digit
from novator.organizations.search_text import organization_search_text

from . import names

#: Password of every synthetic user (one salted hash for all of them: hashing 85,000 times takes hours).
PASSWORD = "synthetic-password-1"
#: Every synthetic user's username starts with this.
USER_PREFIX = "syn-"
BATCH = 5000
BASE_DAY = datetime.date(2026, 9, 1)
YEARS = ["2023/24", "2024/25", "2025/26"]


@dataclass(frozen=True)
class Scale:
    name: str
    regions: int
    municipalities: int
    organizations: int
    staff: int
    contests: int
    applications: int
    sheets_per_application: int
    big_contest: int
    experts: int
    events: int
    registrations: int
    products: int
    adoptions: int


SCALES: dict[str, Scale] = {
    "country": Scale(
        "country",
        85,
        2300,
        85_000,
        1_000_000,
        20_000,
        90_000,
        5,
        10_000,
        5_000,
        50_000,
        1_000_000,
        20_000,
        200_000,
    ),
    "region": Scale("region", 1, 40, 1_500, 17_600, 350, 1_600, 5, 10_000, 300, 880, 17_600, 350, 3_500),
    "district": Scale("district", 1, 1, 40, 470, 10, 40, 3, 100, 12, 24, 470, 10, 94),
}


class SyntheticExists(Exception):
    """The database already holds synthetic data."""


@dataclass
class Result:
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    digest: str = ""
    big_contest_id: int | None = None


# --- identifiers with check digits ---------------------------------------------------------------------


def inn_for(region_code: str, serial: int) -> str:
    """A 10-digit ИНН of a legal entity: tax office (region + 9x), 5-digit serial, check digit."""
    return make_inn(f"{region_code}{90 + serial // 100_000:02d}", serial)


def ogrn_for(region_code: str, serial: int) -> str:
    """A 13-digit ОГРН: 1, year 02, region, 7-digit serial, check digit (mod 11 mod 10)."""
    body = f"102{region_code}{9_000_000 + serial:07d}"
    return body + ogrn_check_digit(body)


def kpp_for(region_code: str, serial: int) -> str:
    return f"{region_code}{90 + serial // 100_000:02d}01001"


# --- insertion -----------------------------------------------------------------------------------------


class Writer:
    """Batched raw inserts with explicit ids, the defaults of unnamed fields, and a running digest."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.counts: dict[str, int] = {}
        self.models: list[type[models.Model]] = []
        self._columns: dict[str, set[str]] = {}

    def columns(self, table: str) -> set[str]:
        if table not in self._columns:
            with connection.cursor() as cursor:
                described = connection.introspection.get_table_description(cursor, table)
            self._columns[table] = {c.name for c in described}
        return self._columns[table]

    def next_id(self, model: type[models.Model]) -> int:
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
        return int(top or 0) + 1

    def insert(
        self,
        model: type[models.Model],
        names_: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        label: str = "",
    ) -> int:
        opts = model._meta
        fields = [opts.get_field(n) for n in names_]
        columns: list[str] = [str(f.column) for f in fields]  # type: ignore[union-attr]
        given = {f.name for f in fields}
        existing = self.columns(opts.db_table)
        extra_fields = [
            f
            for f in opts.concrete_fields
            # a field whose migration is not applied yet has no column: leave it out
            if f.name not in given and not (f.primary_key and f.auto_created) and f.column in existing
        ]
        extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra_fields)
        columns += [str(f.column) for f in extra_fields]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from the models
            quote(opts.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
        )
        count = 0
        batch: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append((*row, *extra) if extra else tuple(row))
                if len(batch) >= BATCH:
                    self._flush(cursor, sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                self._flush(cursor, sql, batch)
                count += len(batch)
        key = label or opts.label
        self.counts[key] = self.counts.get(key, 0) + count
        if model not in self.models:
            self.models.append(model)
        return count

    def _flush(self, cursor: Any, sql: str, batch: list[tuple[Any, ...]]) -> None:
        self.digest.update(repr(batch).encode())
        cursor.executemany(sql, batch)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


class Clock:
    """Adapted date/datetime values (cached: the same few thousand values repeat millions of times)."""

    def __init__(self) -> None:
        self._days: dict[int, Any] = {}
        self._hours: dict[int, Any] = {}
        self.tz = datetime.timezone(datetime.timedelta(hours=3))

    def day(self, offset: int) -> Any:
        value = self._days.get(offset)
        if value is None:
            value = connection.ops.adapt_datefield_value(BASE_DAY + datetime.timedelta(days=offset))
            self._days[offset] = value
        return value

    def moment(self, hours: int) -> Any:
        value = self._hours.get(hours)
        if value is None:
            moment = datetime.datetime.combine(BASE_DAY, datetime.time(0), self.tz) + datetime.timedelta(
                hours=hours
            )
            value = connection.ops.adapt_datetimefield_value(moment)
            self._hours[hours] = value
        return value


def _json(value: Any) -> str:
    """A JSON column's value: text, which both SQLite and PostgreSQL (an untyped literal) accept."""
    return json.dumps(value, ensure_ascii=False)


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.5) -> list[int]:
    """`total` split into `parts` positive, uneven shares that add up exactly."""
    if parts <= 0:
        return []
    weights = [1 + spread * (rng.random() * 2 - 1) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [max(1, int(w * scale)) for w in weights]
    diff = total - sum(shares)
    i = 0
    while diff != 0:
        j = i % parts
        if diff > 0:
            shares[j] += 1
            diff -= 1
        elif shares[j] > 1:
            shares[j] -= 1
            diff += 1
        i += 1
    return shares


# --- the generator -------------------------------------------------------------------------------------


class Generator:
    def __init__(self, scale: Scale, seed: int, log: Callable[[str], None] = lambda _m: None) -> None:
        self.scale = scale
        self.seed = seed
        self.log = log
        self.w = Writer()
        self.clock = Clock()
        self.result = Result(scale=scale.name, seed=seed)

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.seed}:{table}")  # noqa: S311 - synthetic data, not security

    def step(self, name: str, fn: Callable[[], None]) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            fn()
        elapsed = time.perf_counter() - started
        self.result.seconds[name] = round(elapsed, 2)
        self.log(f"{name}: {elapsed:.1f} s")

    def run(self) -> Result:
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(username__startswith=USER_PREFIX).exists():
            raise SyntheticExists("The database already holds synthetic data; start from an empty one.")
        started = time.perf_counter()
        self.step("registry", self.registry)
        self.step("staff", self.staff)
        self.step("users", self.users)
        self.step("contests", self.contests)
        self.step("expertise", self.expertise)
        self.step("statuses", self.statuses)
        self.step("events", self.events)
        self.step("library", self.library)
        self.step("monitoring", self.monitoring)
        self.w.reset_sequences()
        self.result.seconds["total"] = round(time.perf_counter() - started, 2)
        self.result.counts = dict(self.w.counts)
        self.result.digest = self.w.digest.hexdigest()
        return self.result

    # registry ----------------------------------------------------------------------------------------

    def registry(self) -> None:
        from novator.organizations.models import Municipality, Organization, Region

        rng = self.rng("registry")
        s = self.scale
        used = set(Region.objects.values_list("code", flat=True))
        codes = [f"{i:02d}" for i in range(1, 100) if f"{i:02d}" not in used][: s.regions]
        if len(codes) < s.regions:
            raise SyntheticExists("Not enough free ОКТМО region codes.")
        region_id = self.w.next_id(Region)
        self.regions: list[tuple[int, str]] = []
        region_rows = []
        for i, code in enumerate(codes):
            root = names.PLACE_ROOTS[i % len(names.PLACE_ROOTS)]
            kind = names.REGION_KINDS[i % len(names.REGION_KINDS)]
            name = (
                f"{root}ская {kind} (синт. {code})" if kind != "край" else f"{root}ский край (синт. {code})"
            )
            region_rows.append((region_id + i, code, name))
            self.regions.append((region_id + i, code))
        self.w.insert(Region, ["id", "code", "name"], region_rows)

        muni_id = self.w.next_id(Municipality)
        per_region = _split(s.municipalities, s.regions, rng, 0.3)
        self.municipalities: list[tuple[int, int, str]] = []  # (id, region_id, region_code)
        muni_rows = []
        n = 0
        for (rid, code), count in zip(self.regions, per_region, strict=True):
            for j in range(count):
                root = names.PLACE_ROOTS[(j * 7 + n) % len(names.PLACE_ROOTS)]
                kind = "район" if j % 5 else "городской округ"
                muni_rows.append((muni_id + n, rid, f"{root}ский {kind} № {j + 1}", f"{code}9{j:05d}"))
                self.municipalities.append((muni_id + n, rid, code))
                n += 1
        self.w.insert(Municipality, ["id", "region_id", "name", "oktmo"], muni_rows)

        kinds = [
            (
                "preschool",
                "dou",
                "МБДОУ детский сад № {n}",
                "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № {n}",
                40,
            ),
            (
                "school",
                "sosh",
                "МБОУ СОШ № {n}",
                "Муниципальное бюджетное общеобразовательное "
                "учреждение средняя общеобразовательная школа № {n}",
                35,
            ),
            (
                "school",
                "lyceum",
                "МБОУ лицей № {n}",
                "Муниципальное бюджетное общеобразовательное учреждение лицей № {n}",
                5,
            ),
            (
                "school",
                "gymnasium",
                "МБОУ гимназия № {n}",
                "Муниципальное бюджетное общеобразовательное учреждение гимназия № {n}",
                5,
            ),
            (
                "supplementary",
                "udo",
                "МБУ ДО ЦДТ № {n}",
                "Муниципальное бюджетное учреждение "
                "дополнительного образования центр детского творчества № {n}",
                10,
            ),
            (
                "vocational",
                "spo",
                "ГБПОУ колледж № {n}",
                "Государственное бюджетное профессиональное образовательное учреждение колледж № {n}",
                3,
            ),
            (
                "other",
                "methodical",
                "МКУ ИМЦ № {n}",
                "Муниципальное казённое учреждение информационно-методический центр № {n}",
                2,
            ),
        ]
        weights = [k[4] for k in kinds]
        org_id = self.w.next_id(Organization)
        self.org_first = org_id
        per_muni = _split(s.organizations, len(self.municipalities), rng, 0.6)
        self.orgs: list[tuple[int, int, int, str]] = []  # (id, municipality_id, region_id, kind)
        self.orgs_by_muni: dict[int, list[int]] = {}
        self.orgs_by_region: dict[int, list[int]] = {}
        serial_by_region: dict[str, int] = {}
        now = self.clock.moment(-24 * 400)

        def org_rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for (mid, rid, code), count in zip(self.municipalities, per_muni, strict=True):
                ids = self.orgs_by_muni.setdefault(mid, [])
                for j in range(count):
                    kind, subtype, short, full, _w = rng.choices(kinds, weights)[0]
                    serial = serial_by_region.get(code, 0)
                    serial_by_region[code] = serial + 1
                    number = j + 1
                    short_name = short.format(n=number) + f" ({mid})"
                    full_name = full.format(n=number)
                    inn, ogrn = inn_for(code, serial), ogrn_for(code, serial)
                    street = names.STREETS[rng.randrange(len(names.STREETS))]
                    address = f"ул. {street}, д. {rng.randint(1, 120)}"
                    head = (
                        f"{rng.choice(names.MALE_LAST)}а {rng.choice(names.FEMALE_FIRST)} "
                        f"{rng.choice(names.PATRONYMIC_STEMS)}на"
                    )
                    search = organization_search_text(short_name, full_name, inn, ogrn, address)
                    oid = org_id + n
                    ids.append(oid)
                    self.orgs_by_region.setdefault(rid, []).append(oid)
                    self.orgs.append((oid, mid, rid, kind))
                    active = rng.random() > 0.01
                    yield (
                        oid,
                        mid,
                        full_name,
                        short_name,
                        kind,
                        subtype,
                        inn,
                        ogrn,
                        kpp_for(code, serial),
                        address,
                        head,
                        "директор" if kind != "preschool" else "заведующий",
                        f"+7 900 {oid % 1000:03d}-{oid // 1000 % 100:02d}-00",
                        f"org{oid}@example.org",
                        active,
                        None if active else self.clock.day(-rng.randint(1, 700)),
                        search,
                        now,
                        now,
                    )
                    n += 1

        self.w.insert(
            Organization,
            [
                "id",
                "municipality",
                "full_name",
                "short_name",
                "kind",
                "subtype",
                "inn",
                "ogrn",
                "kpp",
                "address",
                "head_name",
                "head_position",
                "phone",
                "email",
                "is_active",
                "closed_on",
                "search_text",
                "created_at",
                "updated_at",
            ],
            org_rows(),
        )

    # staff -------------------------------------------------------------------------------------------

    def staff(self) -> None:
        from novator.organizations.models import Person

        rng = self.rng("staff")
        per_org = _split(self.scale.staff, len(self.orgs), rng, 0.7)
        person_id = self.w.next_id(Person)
        self.person_first = person_id
        #: persons of an organisation are the contiguous ids [start, start + count)
        self.staff_of: dict[int, tuple[int, int]] = {}
        self.staff_of_muni: dict[int, tuple[int, int]] = {}
        now = self.clock.moment(-24 * 300)
        consent = self.clock.day(-300)
        ml, mf, ff, pat, pos = (
            names.MALE_LAST,
            names.MALE_FIRST,
            names.FEMALE_FIRST,
            names.PATRONYMIC_STEMS,
            names.POSITIONS,
        )

        def rows() -> Iterator[tuple[Any, ...]]:
            pid = person_id
            for (oid, mid, _rid, _kind), count in zip(self.orgs, per_org, strict=True):
                self.staff_of[oid] = (pid, count)
                first, n = self.staff_of_muni.get(mid, (pid, 0))
                self.staff_of_muni[mid] = (first, n + count)
                for _ in range(count):
                    r = rng.random()
                    if r < 0.8:
                        last, given, middle = rng.choice(ml) + "а", rng.choice(ff), rng.choice(pat) + "на"
                    else:
                        last, given, middle = rng.choice(ml), rng.choice(mf), rng.choice(pat) + "ич"
                    published = consent if r < 0.3 else None
                    yield (pid, oid, last, given, middle, rng.choice(pos), consent, published, now, now)
                    pid += 1

        self.w.insert(
            Person,
            [
                "id",
                "organization",
                "last_name",
                "first_name",
                "middle_name",
                "position",
                "processing_consent_on",
                "publication_consent_on",
                "created_at",
                "updated_at",
            ],
            rows(),
        )
        self.person_last = person_id + self.scale.staff - 1

    # users and roles ---------------------------------------------------------------------------------

    def users(self) -> None:
        from novator.accounts.models import RoleAssignment, User
        from novator.expertise.models import Expert

        rng = self.rng("users")
        password = make_password(PASSWORD, salt="synthetic")
        user_id = self.w.next_id(User)
        joined = self.clock.moment(-24 * 500)
        users: list[tuple[Any, ...]] = []
        roles: list[tuple[Any, ...]] = []

        def add(
            username: str,
            last: str,
            first: str,
            role: str,
            *,
            superuser: bool = False,
            region: int | None = None,
            municipality: int | None = None,
            org: int | None = None,
        ) -> int:
            uid = user_id + len(users)
            users.append(
                (
                    uid,
                    password,
                    superuser,
                    username,
                    first,
                    last,
                    f"{username}@example.org",
                    superuser,
                    True,
                    joined,
                )
            )
            roles.append((uid, role, region, municipality, org))
            return uid

        self.admin_id = add(f"{USER_PREFIX}admin", "Администратор", "Синтетический", "admin", superuser=True)
        for rid, code in self.regions:
            add(f"{USER_PREFIX}observer-{code}", "Наблюдатель", code, "observer", region=rid)
        self.methodologist_of: dict[int, int] = {}
        for mid, _rid, _code in self.municipalities:
            self.methodologist_of[mid] = add(
                f"{USER_PREFIX}method-{mid}",
                rng.choice(names.MALE_LAST) + "а",
                rng.choice(names.FEMALE_FIRST),
                "methodologist",
                municipality=mid,
            )
        self.coordinator_of: dict[int, int] = {}
        for oid, _mid, _rid, _kind in self.orgs:
            self.coordinator_of[oid] = add(
                f"{USER_PREFIX}coord-{oid}",
                rng.choice(names.MALE_LAST),
                rng.choice(names.MALE_FIRST),
                "coordinator",
                org=oid,
            )
        expert_users = [
            add(
                f"{USER_PREFIX}expert-{i}",
                rng.choice(names.MALE_LAST) + "а",
                rng.choice(names.FEMALE_FIRST),
                "expert",
            )
            for i in range(self.scale.experts)
        ]
        self.w.insert(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            users,
        )
        self.w.insert(RoleAssignment, ["user", "role", "region", "municipality", "organization"], roles)
        expert_id = self.w.next_id(Expert)
        self.experts = list(range(expert_id, expert_id + len(expert_users)))
        now = self.clock.moment(-24 * 400)
        self.w.insert(
            Expert,
            [
                "id",
                "user",
                "organization",
                "municipality",
                "topics",
                "organization_kinds",
                "bio",
                "created_at",
                "updated_at",
            ],
            (
                (
                    expert_id + i,
                    uid,
                    org[0],
                    org[1],
                    _json(rng.sample(names.TOPICS, 2)),
                    _json([org[3]]),
                    "Эксперт конкурсов инновационных проектов, " + ", ".join(rng.sample(names.TOPICS, 2)),
                    now,
                    now,
                )
                for i, uid in enumerate(expert_users)
                for org in [self.orgs[rng.randrange(len(self.orgs))]]
            ),
        )

    # contests ----------------------------------------------------------------------------------------

    def contests(self) -> None:
        from novator.contests.models import Application, Contest, Criterion
        from novator.statuses.models import StatusKind

        rng = self.rng("contests")
        s = self.scale
        kinds = {k.code: k.pk for k in StatusKind.objects.all()}
        municipal_kinds = [pk for code, pk in kinds.items() if code in ("MIP", "MLSV")] or list(
            kinds.values()
        )
        regional_kinds = [pk for code, pk in kinds.items() if code == "KIP"] or list(kinds.values())
        contest_id = self.w.next_id(Contest)
        criterion_id = self.w.next_id(Criterion)
        app_id = self.w.next_id(Application)
        states = ["published", "decided", "expertise", "announced"]
        state_weights = [60, 15, 15, 10]
        contests: list[tuple[Any, ...]] = []
        criteria: list[tuple[Any, ...]] = []
        commissions: list[tuple[Any, ...]] = []
        apps: list[tuple[Any, ...]] = []
        #: (application id, contest id, state, criteria ids, organisation id) for the expertise step
        self.scored: list[tuple[int, int, str, list[int], int]] = []
        self.awarded: list[tuple[int, int, int, int]] = []  # (application, org, status kind, year offset)
        sizes = _split(s.applications, s.contests, rng, 0.8)
        now = self.clock.moment(-24 * 200)

        def contest(cid: int, *, big: bool, size: int) -> None:
            nonlocal app_id, criterion_id
            regional = big or rng.random() < 0.15
            mid, rid, _code = self.municipalities[rng.randrange(len(self.municipalities))]
            professional = big or rng.random() < 0.4
            state = "expertise" if big else rng.choices(states, state_weights)[0]
            year_back = 0 if state in ("expertise", "announced") else rng.randint(0, 2)
            opens = -24 * (365 * year_back + 120) if state != "announced" else -24 * 10
            closes = opens + 24 * 30 if state != "announced" else 24 * 20
            ay = f"{2025 - year_back}/{(26 - year_back) % 100:02d}"
            status_kind = (
                None if professional else rng.choice(regional_kinds if regional else municipal_kinds)
            )
            title = (
                f"Конкурс «{rng.choice(names.TOPICS).capitalize()}» {ay}"
                if professional
                else f"Конкурс на статус инновационной площадки {ay} № {cid}"
            )
            if big:
                title = f"Большой конкурс педагогических проектов {ay}"
            contests.append(
                (
                    cid,
                    "professional" if professional else "status",
                    title,
                    status_kind,
                    "regional" if regional else "municipal",
                    None if regional else mid,
                    rid if regional else None,
                    ay,
                    "Положение о конкурсе (синтетические данные).",
                    _json([]),
                    self.clock.moment(opens),
                    self.clock.moment(closes),
                    3,
                    "percent",
                    Decimal(60),
                    5 if s.sheets_per_application >= 5 else 3,
                    state,
                    self.clock.moment(closes + 24 * 60) if state == "published" else None,
                    now,
                    now,
                )
            )
            crits = []
            for p in range(3):
                criteria.append(
                    (
                        criterion_id,
                        cid,
                        f"Критерий {p + 1}: {names.TOPIC_WORDS[p]}",
                        Decimal(10),
                        Decimal(1),
                        p,
                    )
                )
                crits.append(criterion_id)
                criterion_id += 1
            # the commission published its assignments once the expertise began (the experts see them)
            expertise_began = state in ("expertise", "decided", "published")
            commissions.append((cid, now if expertise_began else None, now, now))
            pool = self.orgs_by_region[rid] if regional else self.orgs_by_muni[mid]
            if professional:
                first, count = (self.person_first, self.scale.staff) if big else self.staff_of_muni[mid]
                people = rng.sample(range(first, first + count), min(size, count))
                entries: list[tuple[int, int | None]] = [(self._org_of_person(p), p) for p in people]
            else:
                entries = [(o, None) for o in rng.sample(pool, min(size, len(pool)))]
            ranked = rng.sample(range(len(entries)), len(entries))
            winners = max(1, len(entries) * 3 // 10)
            for number, (org, person) in enumerate(entries, start=1):
                if state == "announced":
                    app_state = "submitted" if rng.random() < 0.7 else "draft"
                else:
                    app_state = "accepted" if rng.random() < 0.93 else "rejected"
                decided = state in ("decided", "published") and app_state == "accepted"
                rank = ranked[number - 1] + 1
                awarded = decided and rank <= winners
                apps.append(
                    (
                        app_id,
                        cid,
                        org,
                        person,
                        number,
                        f"Проект «{rng.choice(names.TOPIC_WORDS)}: {rng.choice(names.TOPICS)}» № {app_id}",
                        _json({"relevance": "Актуальность проекта (синтетический текст)."}),
                        app_state,
                        None if app_state == "draft" else self.clock.moment(opens + 24 * 10),
                        Decimal(30 - rank % 30) if decided else None,
                        rank if decided else None,
                        awarded,
                        now,
                        now,
                    )
                )
                if app_state == "accepted" and state != "announced":
                    self.scored.append((app_id, cid, state, crits, org))
                if awarded and status_kind is not None:
                    self.awarded.append((app_id, org, status_kind, closes // 24 + 60))
                app_id += 1

        big_size = min(s.big_contest, s.staff)
        contest(contest_id, big=True, size=big_size)
        self.result.big_contest_id = contest_id
        for i, size in enumerate(sizes, start=1):
            contest(contest_id + i, big=False, size=size)
            if len(apps) >= BATCH * 4:
                self._flush_contests(contests, criteria, commissions, apps)
        self._flush_contests(contests, criteria, commissions, apps)

    def _org_of_person(self, person_id: int) -> int:
        # staff_of ranges are contiguous and in organisation order: bisect over their starts
        import bisect

        if not hasattr(self, "_starts"):
            self._org_ids = [o[0] for o in self.orgs]
            self._starts = [self.staff_of[o][0] for o in self._org_ids]
        return self._org_ids[bisect.bisect_right(self._starts, person_id) - 1]

    def _flush_contests(self, contests: list, criteria: list, commissions: list, apps: list) -> None:
        from novator.contests.models import Application, Contest, Criterion
        from novator.expertise.models import Commission

        self.w.insert(
            Contest,
            [
                "id",
                "kind",
                "title",
                "status_kind",
                "level",
                "organiser_municipality",
                "organiser_region",
                "academic_year",
                "regulation_text",
                "eligible_kinds",
                "opens_at",
                "closes_at",
                "status_term_years",
                "threshold_kind",
                "threshold_value",
                "experts_per_application",
                "state",
                "results_published_at",
                "created_at",
                "updated_at",
            ],
            contests,
        )
        self.w.insert(Criterion, ["id", "contest", "name", "max_points", "weight", "position"], criteria)
        self.w.insert(
            Commission, ["contest", "assignments_published_at", "created_at", "updated_at"], commissions
        )
        self.w.insert(
            Application,
            [
                "id",
                "contest",
                "organization",
                "applicant",
                "number",
                "project_title",
                "texts",
                "state",
                "submitted_at",
                "total",
                "rank",
                "awarded",
                "created_at",
                "updated_at",
            ],
            apps,
        )
        for lst in (contests, criteria, commissions, apps):
            lst.clear()

    # expertise ---------------------------------------------------------------------------------------

    def expertise(self) -> None:
        from novator.expertise.models import Assignment, Score, ScoreSheet

        rng = self.rng("expertise")
        k = min(self.scale.sheets_per_application, len(self.experts))
        assignment_id = self.w.next_id(Assignment)
        sheet_id = self.w.next_id(ScoreSheet)
        now = self.clock.moment(-24 * 100)
        points = [Decimal(x) / 2 for x in range(0, 21)]
        assignments: list[tuple[Any, ...]] = []
        sheets: list[tuple[Any, ...]] = []
        scores: list[tuple[Any, ...]] = []

        def flush() -> None:
            self.w.insert(
                Assignment,
                ["id", "application", "expert", "source", "affinity", "created_at", "updated_at"],
                assignments,
            )
            self.w.insert(
                ScoreSheet,
                ["id", "assignment", "state", "conclusion", "submitted_at", "created_at", "updated_at"],
                sheets,
            )
            self.w.insert(Score, ["sheet", "criterion", "points", "comment"], scores)
            for lst in (assignments, sheets, scores):
                lst.clear()

        for app, cid, state, crits, _org in self.scored:
            leniency = rng.randint(-3, 3)
            for expert in rng.sample(self.experts, k):
                assignments.append((assignment_id, app, expert, "auto", round(rng.random(), 4), now, now))
                submitted = state != "expertise" or cid == self.result.big_contest_id or rng.random() < 0.9
                sheets.append(
                    (
                        sheet_id,
                        assignment_id,
                        "submitted" if submitted else "draft",
                        "Заключение эксперта.",
                        now if submitted else None,
                        now,
                        now,
                    )
                )
                if submitted:
                    for c in crits:
                        scores.append(
                            (sheet_id, c, points[min(20, max(0, rng.randint(6, 20) + leniency))], "")
                        )
                assignment_id += 1
                sheet_id += 1
            if len(scores) >= BATCH * 6:
                flush()
        flush()

    # statuses ----------------------------------------------------------------------------------------

    def statuses(self) -> None:
        from novator.contests.models import Application
        from novator.statuses.models import StatusAssignment, StatusKind

        rng = self.rng("statuses")
        sa_id = self.w.next_id(StatusAssignment)
        rows = []
        links = []
        now = self.clock.moment(-24 * 100)
        for app, org, kind, start in self.awarded:
            rows.append(
                (
                    sa_id,
                    org,
                    kind,
                    "Инновационный проект",
                    self.clock.day(start),
                    self.clock.day(start + 3 * 365),
                    f"{rng.randint(1, 999)}-о",
                    self.clock.day(start - 5),
                    now,
                    now,
                )
            )
            links.append((sa_id, app))
            sa_id += 1
        # statuses held without a contest in the register (older awards)
        kinds = list(StatusKind.objects.values_list("pk", flat=True))
        for _ in range(len(self.orgs) // 10):
            oid = self.orgs[rng.randrange(len(self.orgs))][0]
            start = -rng.randint(0, 5 * 365)
            rows.append(
                (
                    sa_id,
                    oid,
                    rng.choice(kinds),
                    "",
                    self.clock.day(start),
                    self.clock.day(start + 3 * 365),
                    f"{rng.randint(1, 999)}-о",
                    self.clock.day(start - 5),
                    now,
                    now,
                )
            )
            sa_id += 1
        self.w.insert(
            StatusAssignment,
            [
                "id",
                "organization",
                "kind",
                "project_title",
                "starts_on",
                "ends_on",
                "order_number",
                "order_date",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Application._meta.db_table)
            cursor.executemany(f"UPDATE {table} SET status_assignment_id = %s WHERE id = %s", links)  # noqa: S608

    # events ------------------------------------------------------------------------------------------

    def events(self) -> None:
        from novator.events.models import Event, EventKind, EventLevel, Registration

        rng = self.rng("events")
        s = self.scale
        event_id = self.w.next_id(Event)
        reg_sizes = _split(s.registrations, s.events, rng, 0.9)
        event_kinds = list(EventKind.values)
        now = self.clock.moment(-24 * 300)
        events: list[tuple[Any, ...]] = []
        organisers: list[tuple[int, int]] = []
        registrations: list[tuple[Any, ...]] = []
        span = 24 * 365 * 3

        def flush() -> None:
            self.w.insert(
                Event,
                [
                    "id",
                    "title",
                    "kind",
                    "level",
                    "starts_at",
                    "ends_at",
                    "place",
                    "audience",
                    "description",
                    "capacity",
                    "is_published",
                    "created_at",
                    "updated_at",
                ],
                events,
            )
            self.w.insert(Event.organizers.through, ["event", "organization"], organisers)
            self.w.insert(
                Registration,
                ["event", "person", "status", "queued_at", "attended_at", "created_at", "updated_at"],
                registrations,
            )
            for lst in (events, organisers, registrations):
                lst.clear()

        for i, size in enumerate(reg_sizes):
            eid = event_id + i
            oid, mid, _rid, _kind = self.orgs[rng.randrange(len(self.orgs))]
            starts = -span * 2 // 3 + rng.randrange(span) // 24 * 24 + 10
            kind = rng.choice(event_kinds)
            topic = rng.choice(names.TOPICS)
            template = names.EVENT_TITLES[event_kinds.index(kind) % len(names.EVENT_TITLES)]
            level = rng.choices(list(EventLevel.values), [20, 50, 15, 15])[0]
            events.append(
                (
                    eid,
                    template.format(t=topic),
                    kind,
                    level,
                    self.clock.moment(starts),
                    self.clock.moment(starts + 3),
                    f"Актовый зал, ул. {rng.choice(names.STREETS)}",
                    "педагоги",
                    "Описание мероприятия (синтетические данные).",
                    size + 10,
                    True,
                    now,
                    now,
                )
            )
            organisers.append((eid, oid))
            first, count = self.staff_of_muni[mid]
            past = starts < 0
            for person in rng.sample(range(first, first + count), min(size, count)):
                attended = self.clock.moment(starts + 1) if past and rng.random() < 0.7 else None
                registrations.append(
                    (eid, person, "registered", self.clock.moment(starts - 24 * 7), attended, now, now)
                )
            if len(registrations) >= BATCH * 8:
                flush()
        flush()

    # library -----------------------------------------------------------------------------------------

    def library(self) -> None:
        from novator.library.models import Adoption, MethodProduct, ProductType, pack_kinds
        from novator.library.search import stemmed

        rng = self.rng("library")
        s = self.scale
        product_id = self.w.next_id(MethodProduct)
        types = list(ProductType.values)
        products: list[tuple[Any, ...]] = []
        authors_org: list[tuple[int, int]] = []
        authors_people: list[tuple[int, int]] = []
        fts: list[tuple[Any, ...]] = []
        now = self.clock.moment(-24 * 300)
        released: dict[int, int] = {}
        author_of: dict[int, int] = {}
        for i in range(s.products):
            pid = product_id + i
            oid, _mid, _rid, kind = self.orgs[rng.randrange(len(self.orgs))]
            topic = rng.choice(names.TOPICS)
            title = rng.choice(names.PRODUCT_TITLES).format(t=f"{rng.choice(names.TOPIC_WORDS)} — {topic}")
            annotation = (
                f"Продукт описывает {rng.choice(names.TOPIC_WORDS)} в области «{topic}» и "
                f"{rng.choice(names.TOPIC_WORDS)} в области «{rng.choice(names.TOPICS)}» для педагогов "
                "образовательных организаций."
            )
            day = -rng.randint(0, 3 * 365)
            released[pid] = day
            author_of[pid] = oid
            council = rng.random() < 0.6
            products.append(
                (
                    pid,
                    title,
                    rng.choice(types),
                    annotation,
                    pack_kinds([kind]),
                    topic,
                    self.clock.day(day),
                    self.clock.day(day - 10) if council else None,
                    "recommended" if council else "",
                    "1" if council else "",
                    rng.random() < 0.85,
                    now,
                    now,
                )
            )
            authors_org.append((pid, oid))
            first, count = self.staff_of[oid]
            author = first + rng.randrange(count)
            authors_people.append((pid, author))
            fts.append((pid, stemmed(title), stemmed(annotation), stemmed(topic)))
        self.w.insert(
            MethodProduct,
            [
                "id",
                "title",
                "type",
                "annotation",
                "audience_kinds",
                "subjects",
                "released_on",
                "council_date",
                "council_decision",
                "council_minutes",
                "is_published",
                "created_at",
                "updated_at",
            ],
            products,
        )
        self.w.insert(
            MethodProduct.author_organizations.through, ["methodproduct", "organization"], authors_org
        )
        self.w.insert(MethodProduct.author_people.through, ["methodproduct", "person"], authors_people)
        self._index_products(product_id, fts)

        per_product = _split(s.adoptions, s.products, rng, 0.9)
        scopes = ["whole", "unit", "pilot"]

        def adoptions() -> Iterator[tuple[Any, ...]]:
            for i, count in enumerate(per_product):
                pid = product_id + i
                orgs = rng.sample(range(len(self.orgs)), min(count + 1, len(self.orgs)))
                made = 0
                for index in orgs:
                    oid = self.orgs[index][0]
                    if oid == author_of[pid] or made >= count:
                        continue
                    made += 1
                    day = released[pid] + rng.randint(1, 200)
                    closed = rng.random() < 0.2
                    rated = rng.random() < 0.5
                    yield (
                        pid,
                        oid,
                        self.clock.day(day),
                        rng.choice(scopes),
                        "Внедрено в практику.",
                        rng.randint(1, 5) if rated else None,
                        self.clock.day(day + 120) if closed else None,
                        now,
                        now,
                    )

        self.w.insert(
            Adoption,
            [
                "product",
                "organization",
                "adopted_on",
                "scope",
                "changes",
                "rating",
                "closed_on",
                "created_at",
                "updated_at",
            ],
            adoptions(),
        )

    def _index_products(self, first_id: int, fts: list[tuple[Any, ...]]) -> None:
        from novator.library.models import MethodProduct
        from novator.library.search import FTS_TABLE

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                table = connection.ops.quote_name(MethodProduct._meta.db_table)
                cursor.execute(
                    f"UPDATE {table} SET search_vector = "  # noqa: S608
                    "setweight(to_tsvector('russian', lower(title)), 'A') || "
                    "setweight(to_tsvector('russian', lower(annotation)), 'B') || "
                    "setweight(to_tsvector('russian', lower(subjects)), 'C') WHERE id >= %s",
                    [first_id],
                )
            else:
                for start in range(0, len(fts), BATCH):
                    cursor.executemany(
                        f"INSERT INTO {FTS_TABLE} (rowid, title, body, extra) VALUES (%s, %s, %s, %s)",  # noqa: S608
                        fts[start : start + BATCH],
                    )

    # monitoring --------------------------------------------------------------------------------------

    def monitoring(self) -> None:
        from novator.monitoring.models import (
            DataElement,
            DataValue,
            MonitoringYear,
        )
        from novator.portal.demo.monitoring import catalogue_create

        rng = self.rng("monitoring")
        catalogue_create(note="Начальные веса (синтетические данные)")
        elements = dict(DataElement.objects.filter(source="collected").values_list("code", "pk"))
        for year in YEARS:
            MonitoringYear.objects.get_or_create(academic_year=year)
        now = self.clock.moment(-24 * 30)
        e = elements

        def rows() -> Iterator[tuple[Any, ...]]:
            for oid, _mid, _rid, _kind in self.orgs:
                teachers = 10 + rng.randrange(70)
                base = rng.random()
                for index, year in enumerate(YEARS):
                    growth = 1 + 0.2 * index
                    values = {
                        "teachers": teachers,
                        "teachers_involved": min(teachers, int(teachers * base * 0.5 * growth)),
                        "dissemination_events": int(rng.randrange(6) * growth),
                        "partners": int(rng.randrange(5) * growth),
                        "training_hours": int(teachers * rng.randint(10, 40) * growth),
                        "teacher_experts": min(teachers, int(teachers * 0.05 * growth * rng.randint(0, 3))),
                    }
                    for code, value in values.items():
                        if code in e:
                            yield (e[code], oid, year, Decimal(value), "collected", now)

        self.w.insert(
            DataValue, ["element", "organization", "academic_year", "value", "source", "updated_at"], rows()
        )


def generate(scale: str = "region", seed: int = 1, *, log: Callable[[str], None] = lambda _m: None) -> Result:
    """Fill the database with synthetic data of `scale` (district, region or country)."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    return Generator(SCALES[scale], seed, log).run()
