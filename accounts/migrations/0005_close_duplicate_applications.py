"""Before one open application per account and domain is enforced (issue 11), close the
duplicates that exist: a second qualification in the same domain, or a second organisation
certification, while one was pending. The newest pending one of each group stays open; the older
ones are refused with a note saying why (a reviewer can ask the account holder to apply again).
``moderation`` re-points its open review cases at the one that stays open.
"""

from django.db import migrations
from django.db.models import Count, Max
from django.utils import timezone

NOTE = "同一账号同一领域已有更新的待审核申请，此重复申请由系统关闭（迁移 accounts.0005）"


def _close_older(queryset, group_fields: list[str]) -> None:
    pending = queryset.filter(status="pending")
    groups = pending.values(*group_fields).annotate(n=Count("id"), last=Max("id")).filter(n__gt=1)
    for group in groups:
        key = {f: group[f] for f in group_fields}
        pending.filter(**key).exclude(pk=group["last"]).update(
            status="rejected", reviewed_at=timezone.now(), review_note=NOTE)


def close_duplicates(apps, schema_editor):
    _close_older(apps.get_model("accounts", "Qualification").objects, ["account", "domain"])
    _close_older(apps.get_model("accounts", "OrgCertification").objects, ["account"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_lean_indexes"),
    ]

    operations = [
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
    ]
