"""Default SLA policies (accept within 1 working day, feedback within 15) (roles are synced after every migrate: core.roles)."""

from django.db import migrations

CATEGORIES = ["8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "impersonation", "personal_info", "other"]


def default_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for category in CATEGORIES:
        SlaPolicy.objects.get_or_create(category=category, defaults={"accept_days": 1, "feedback_days": 15})


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("core", "0002_holiday"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(default_policies, migrations.RunPython.noop),
    ]
