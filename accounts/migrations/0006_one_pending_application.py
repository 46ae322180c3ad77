"""One open (pending) application per account and domain (issue 11): qualifications per domain,
organisation certifications per account. Duplicates were closed by 0005."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_close_duplicate_applications"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="orgcertification",
            constraint=models.UniqueConstraint(condition=models.Q(("status", "pending")), fields=("account",),
                                               name="one_pending_org_certification"),
        ),
        migrations.AddConstraint(
            model_name="qualification",
            constraint=models.UniqueConstraint(condition=models.Q(("status", "pending")), fields=("account", "domain"),
                                               name="one_pending_qualification"),
        ),
    ]
