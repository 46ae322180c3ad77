"""Duplicates that one pending registration per uid, and one open application per account and
domain, now forbid (issue 11), resolved before the constraints are added:

- older pending registrations of a uid are marked superseded, as a later submission does to
  earlier ones; the newest is the one its case decides;
- an open review case whose qualification or organisation certification was closed as a duplicate
  by ``accounts.0005`` is pointed at the application that stays pending, so deciding the case
  decides it (before, the case pointed at whichever came last and the others stayed pending).
"""

from django.db import migrations
from django.db.models import Count, Max
from django.utils import timezone

OPEN = ("open", "claimed")


def supersede_registrations(apps, schema_editor):
    Submission = apps.get_model("moderation", "Submission")
    pending = Submission.objects.filter(kind="registration", status="pending")
    for group in pending.values("uid").annotate(n=Count("id"), last=Max("id")).filter(n__gt=1):
        pending.filter(uid=group["uid"]).exclude(pk=group["last"]).update(
            status="superseded", decided_at=timezone.now())


def repoint_cases(apps, schema_editor):
    ReviewCase = apps.get_model("moderation", "ReviewCase")
    Qualification = apps.get_model("accounts", "Qualification")
    OrgCertification = apps.get_model("accounts", "OrgCertification")
    cases = ReviewCase.objects.filter(status__in=OPEN)
    for case in cases.filter(qualification__isnull=False).exclude(qualification__status="pending"):
        stays = Qualification.objects.filter(account_id=case.qualification.account_id,
                                             domain=case.qualification.domain, status="pending").first()
        if stays is not None:
            ReviewCase.objects.filter(pk=case.pk).update(qualification=stays)
    for case in cases.filter(org_certification__isnull=False).exclude(org_certification__status="pending"):
        stays = OrgCertification.objects.filter(account_id=case.org_certification.account_id,
                                                status="pending").first()
        if stays is not None:
            ReviewCase.objects.filter(pk=case.pk).update(org_certification=stays)


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0007_notice_webhook_events"),
        ("accounts", "0005_close_duplicate_applications"),
    ]

    operations = [
        migrations.RunPython(supersede_registrations, migrations.RunPython.noop),
        migrations.RunPython(repoint_cases, migrations.RunPython.noop),
    ]
