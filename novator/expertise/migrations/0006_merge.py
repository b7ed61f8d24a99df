from django.db import migrations


class Migration(migrations.Migration):
    """Joins the three branches of 0005 (the meeting, the deadlines and deliberation, the invitations)."""

    dependencies = [
        ("expertise", "0005_deadlines_deliberation"),
        ("expertise", "0005_meeting"),
        ("expertise", "0005_commission_invitations"),
    ]

    operations = []
