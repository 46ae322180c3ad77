from django.db import migrations

from core.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial"), ("accounts", "0003_search_indexes")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
