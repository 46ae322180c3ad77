# Indexes the hot write path maintained for nothing: foreign keys a composite unique constraint
# already covers, and LIKE (varchar_pattern_ops) twins of columns only compared for equality.
#
# A field's db_index=True becomes a named Meta.indexes entry without rebuilding the index (an
# AlterField + AddIndex would drop it and build it again under the new name, blocking writes to
# the table for the whole build): the state records the index 0001 created under its generated
# name, RenameIndex gives it the new name (ALTER INDEX … RENAME on PostgreSQL; SQLite cannot
# rename an index, so Django rebuilds it there), and only the PostgreSQL LIKE twin is dropped
# (SQLite never had one: IF EXISTS). Unapplying renames the index back but does not rebuild the
# LIKE twin, which nothing queries.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_search_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='account',
                    name='name_key',
                    field=models.CharField(blank=True, help_text='normalised name (rules engine) for Art 10 ¶3 closeness', max_length=100),
                ),
                migrations.AddIndex(
                    model_name='account',
                    index=models.Index(fields=['name_key'], name='accounts_account_name_key_63eaad1b'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_account_name_key_63eaad1b_like"', reverse_sql=migrations.RunSQL.noop,
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='account', old_name='accounts_account_name_key_63eaad1b', new_name='account_name_key_idx',
        ),
        migrations.AlterField(
            model_name='accountinfoversion',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='accounts.account'),
        ),
        migrations.AlterField(
            model_name='identityverification',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='identities', to='accounts.account'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='identityverification',
                    name='number_hash',
                    field=models.CharField(max_length=64),
                ),
                migrations.AddIndex(
                    model_name='identityverification',
                    index=models.Index(fields=['number_hash'], name='accounts_identityverification_number_hash_9945ec15'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_identityverification_number_hash_9945ec15_like"',
                    reverse_sql=migrations.RunSQL.noop,
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='identityverification', old_name='accounts_identityverification_number_hash_9945ec15',
            new_name='identity_number_hash_idx',
        ),
    ]
