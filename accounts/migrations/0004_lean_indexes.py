# Indexes the hot write path maintained for nothing: foreign keys a composite unique constraint
# already covers, and LIKE (varchar_pattern_ops) twins of columns only compared for equality.
# The plain indexes are kept and renamed, not rebuilt (core.migration_ops).

import django.db.models.deletion
from django.db import migrations, models

from core.migration_ops import adopt_field_index


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_search_indexes'),
    ]

    operations = [
        adopt_field_index(
            'accounts', 'account', 'name_key',
            models.CharField(blank=True, help_text='normalised name (rules engine) for Art 10 ¶3 closeness', max_length=100),
            'account_name_key_idx',
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
        adopt_field_index(
            'accounts', 'identityverification', 'number_hash', models.CharField(max_length=64),
            'identity_number_hash_idx',
        ),
    ]
