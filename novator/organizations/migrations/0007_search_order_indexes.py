"""Indexes for reading the registry in order.

- `updated_at`: the "recently changed" sort, and the latest change that the library's facet cache reads
  (`library.selectors.facets_fingerprint`).
- PostgreSQL only: `(short_name, id) INCLUDE (search_text)`, so that a search matching a large part of the
  registry walks the names in order and checks the words in the index alone (an index-only scan that
  stops at the page's last row) instead of reading every matching row from the table to sort them.
  SQLite walks its `short_name` index and checks the matches against the FTS5 trigram table
  (`OrganizationQuerySet.search(many=True)`); its index needs no extra column.
"""

from django.db import migrations, models

POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS organizations_name_search ON organizations_organization "
    "(short_name, id) INCLUDE (search_text)"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS organizations_name_search"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0006_import_rows")]

    operations = [
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["updated_at"], name="organizatio_updated_aceb62_idx"),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
