"""Trigram index for substring search on account names (the account list's ``q``).

PostgreSQL: ``TrigramExtension`` creates pg_trgm, and fails the migration loudly when it cannot
(the extension is missing or the migrating role may not create it) instead of leaving a database
whose searches silently scan the whole table. SQLite has no GIN indexes: there the extension
operation does nothing and the index is not created. The index is not in ``Account.Meta`` for
the same reason (SQLite rebuilds a table with all its declared indexes on any later change).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

NAME_TRIGRAM = GinIndex(fields=["name"], name="account_name_trgm", opclasses=["gin_trgm_ops"])


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("accounts", "Account"), NAME_TRIGRAM)


def remove_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("accounts", "Account"), NAME_TRIGRAM)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(add_trigram_index, remove_trigram_index),
    ]
