"""Confirmed holiday years (issue 19) and the day-off label. (Roles get the new permission from core/apps.py when
migrate syncs them.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_lanes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='holiday',
            name='kind',
            field=models.CharField(choices=[('holiday', '放假（休息日）'), ('workday', '调休上班日')], max_length=10, verbose_name='类型'),
        ),
        migrations.CreateModel(
            name='HolidayYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年份')),
                ('status', models.CharField(choices=[('provisional', '暂定'), ('confirmed', '已确认')], default='provisional', max_length=12, verbose_name='状态')),
                ('notice', models.CharField(blank=True, max_length=200, verbose_name='通知文号或标题')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='确认时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '全年节假日安排',
                'verbose_name_plural': '全年节假日安排',
                'ordering': ['year'],
                'permissions': [('confirm_holidayyear', '确认全年节假日安排')],
            },
        ),
    ]
