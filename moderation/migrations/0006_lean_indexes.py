# Indexes the hot write path maintained for nothing: foreign keys a composite index or unique
# constraint already covers, and LIKE (varchar_pattern_ops) twins of columns only compared for
# equality. The plain indexes are kept and renamed, not rebuilt (core.migration_ops).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import adopt_field_index


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
        adopt_field_index(
            'moderation', 'submission', 'identity_hash', models.CharField(blank=True, max_length=64),
            'submission_identity_hash_idx',
        ),
        adopt_field_index(
            'moderation', 'submission', 'uid', models.CharField(max_length=64, verbose_name='平台用户ID'),
            'submission_uid_idx',
        ),
    ]
