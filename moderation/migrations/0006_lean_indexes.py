# Indexes the hot write path maintained for nothing: foreign keys a composite index or unique
# constraint already covers, and LIKE (varchar_pattern_ops) twins of columns only compared for
# equality. The plain indexes are kept and renamed, not rebuilt: see accounts 0004_lean_indexes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_lean_indexes'),
        ('core', '0003_audit_lanes'),
        ('moderation', '0005_undecided_queue_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='reviewcase',
            name='assignee',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='处理人'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='client',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.apiclient'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='submission',
                    name='identity_hash',
                    field=models.CharField(blank=True, max_length=64),
                ),
                migrations.AddIndex(
                    model_name='submission',
                    index=models.Index(fields=['identity_hash'], name='moderation_submission_identity_hash_ff48183e'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "moderation_submission_identity_hash_ff48183e_like"',
                    reverse_sql=migrations.RunSQL.noop,
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='submission', old_name='moderation_submission_identity_hash_ff48183e',
            new_name='submission_identity_hash_idx',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='submission',
                    name='uid',
                    field=models.CharField(max_length=64, verbose_name='平台用户ID'),
                ),
                migrations.AddIndex(
                    model_name='submission',
                    index=models.Index(fields=['uid'], name='moderation_submission_uid_2057472c'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "moderation_submission_uid_2057472c_like"', reverse_sql=migrations.RunSQL.noop,
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='submission', old_name='moderation_submission_uid_2057472c', new_name='submission_uid_idx',
        ),
    ]
