# The API call log is written in batches (core.apicalls): created_at is the time of the call,
# set by the logger, not the time its batch is written (auto_now_add). The column is unchanged
# (a Python-side default), so nothing is done to the table — on SQLite an AlterField would
# rebuild it.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_holiday_year'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='apicall',
                    name='created_at',
                    field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
    ]
