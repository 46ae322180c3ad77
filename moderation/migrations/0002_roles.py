from django.db import migrations

class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial"), ("accounts", "0003_search_indexes")]

    # Roles were synced here once; they are now synced after every migrate (core.roles).
    operations = []
