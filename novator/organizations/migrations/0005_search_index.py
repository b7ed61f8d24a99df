"""An index for the registry's substring search (`OrganizationQuerySet.search`), which differs by database.

SQLite: an external-content FTS5 table with the trigram tokenizer over `search_text`, kept in sync by
triggers (so that bulk inserts, the import and the synthetic generator need no code of their own).
PostgreSQL: the `pg_trgm` extension and a GIN trigram index, which serves `LIKE '%…%'` directly.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS organizations_organization_fts USING fts5(search_text, "
    "content='organizations_organization', content_rowid='id', tokenize='trigram')",
    "INSERT INTO organizations_organization_fts(organizations_organization_fts) VALUES ('rebuild')",
    "CREATE TRIGGER IF NOT EXISTS organizations_organization_fts_ai AFTER INSERT "
    "ON organizations_organization BEGIN "
    "INSERT INTO organizations_organization_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS organizations_organization_fts_ad AFTER DELETE "
    "ON organizations_organization BEGIN "
    "INSERT INTO organizations_organization_fts(organizations_organization_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS organizations_organization_fts_au AFTER UPDATE OF search_text "
    "ON organizations_organization BEGIN "
    "INSERT INTO organizations_organization_fts(organizations_organization_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO organizations_organization_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS organizations_organization_fts_au",
    "DROP TRIGGER IF EXISTS organizations_organization_fts_ad",
    "DROP TRIGGER IF EXISTS organizations_organization_fts_ai",
    "DROP TABLE IF EXISTS organizations_organization_fts",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS organizations_search_trgm ON organizations_organization USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS organizations_search_trgm"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_CREATE if vendor == "sqlite" else POSTGRES_CREATE if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP if vendor == "postgresql" else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_person_job_title_label")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
