"""An index on the products' latest change, read by the facet cache's fingerprint
(`selectors.facets_fingerprint`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [
        migrations.AddIndex(
            model_name="methodproduct",
            index=models.Index(fields=["updated_at"], name="library_met_updated_91f287_idx"),
        ),
    ]
