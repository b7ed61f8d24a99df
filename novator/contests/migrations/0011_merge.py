from django.db import migrations


class Migration(migrations.Migration):
    """Joins the branches of 0009/0010 (contest levels; criterion levels and the signed application; appeals
    and the application's messages)."""

    dependencies = [
        ("contests", "0009_contest_levels"),
        ("contests", "0010_signed_application"),
        ("contests", "0010_application_messages"),
    ]

    operations = []
