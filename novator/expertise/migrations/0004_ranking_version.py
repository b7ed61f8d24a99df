"""The version of each contest's ranking data, bumped by the database (`RankingVersion`).

Triggers on the four tables a ranking is computed from — applications, assignments, scoring sheets and
scores — bump the version of the contest of every row inserted, updated or deleted, whatever writes it.
SQLite: row triggers (in process, cheap). PostgreSQL: statement triggers over the transition tables, so
that a bulk insert of 100,000 scores bumps each contest once, not 100,000 times.
"""

from django.db import migrations, models

VERSIONS = "expertise_rankingversion"
# the contest of a row of each table, from the row's own columns (`{row}` is new/old, or a transition table)
CONTESTS = {
    "contests_application": ("{row}.contest_id", "", "{row}.contest_id IS NOT NULL"),
    "expertise_assignment": (
        "a.contest_id",
        "JOIN contests_application a ON a.id = {row}.application_id",
        "true",
    ),
    "expertise_scoresheet": (
        "a.contest_id",
        "JOIN expertise_assignment g ON g.id = {row}.assignment_id "
        "JOIN contests_application a ON a.id = g.application_id",
        "true",
    ),
    "expertise_score": (
        "a.contest_id",
        "JOIN expertise_scoresheet sh ON sh.id = {row}.sheet_id "
        "JOIN expertise_assignment g ON g.id = sh.assignment_id "
        "JOIN contests_application a ON a.id = g.application_id",
        "true",
    ),
}
BUMP = "ON CONFLICT (contest_id) DO UPDATE SET version = " + VERSIONS + ".version + 1"
EVENTS = {"INSERT": "new", "UPDATE": "new", "DELETE": "old"}


def _sqlite_create() -> list[str]:
    statements = []
    for table, (contest, joins, condition) in CONTESTS.items():
        for event, row in EVENTS.items():
            if joins:
                # the row itself is `new`/`old`: join the other tables to it through a one-row select
                select = (  # (the names above, no input)
                    f"SELECT {contest.format(row=row)}, 1 FROM (SELECT 1) "  # noqa: S608
                    f"{joins.format(row=row)} WHERE {condition.format(row=row)}"
                )
            else:
                select = f"SELECT {contest.format(row=row)}, 1 WHERE {condition.format(row=row)}"
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_ranking_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN INSERT INTO {VERSIONS} (contest_id, version) {select} {BUMP}; END"
            )
    return statements


def _sqlite_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_ranking_{event.lower()}" for table in CONTESTS for event in EVENTS
    ]


def _postgres_create() -> list[str]:
    statements = []
    for table, (contest, joins, condition) in CONTESTS.items():

        def bump(rows: str, contest: str = contest, joins: str = joins, condition: str = condition) -> str:
            return (  # (the names above, no input)
                f"INSERT INTO {VERSIONS} (contest_id, version) "  # noqa: S608
                f"SELECT DISTINCT {contest.format(row='r')}, 1 FROM {rows} r {joins.format(row='r')} "
                f"WHERE {condition.format(row='r')} {BUMP};"
            )

        statements.append(
            f"CREATE OR REPLACE FUNCTION {table}_ranking_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'DELETE' THEN {bump('old_rows')} ELSE {bump('new_rows')} END IF; "
            "RETURN NULL; END $$"
        )
        for event, row in EVENTS.items():
            statements.append(
                f"CREATE TRIGGER {table}_ranking_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {row.upper()} TABLE AS {row}_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {table}_ranking_bump()"
            )
    return statements


def _postgres_drop() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_ranking_{event.lower()} ON {table}"
        for table in CONTESTS
        for event in EVENTS
    ]
    return statements + [f"DROP FUNCTION IF EXISTS {table}_ranking_bump()" for table in CONTESTS]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in (
        _sqlite_create() if vendor == "sqlite" else _postgres_create() if vendor == "postgresql" else []
    ):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in _sqlite_drop() if vendor == "sqlite" else _postgres_drop() if vendor == "postgresql" else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("expertise", "0003_rounds"),
        ("contests", "0007_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RankingVersion",
            fields=[
                ("contest_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "ranking version",
                "verbose_name_plural": "ranking versions",
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
