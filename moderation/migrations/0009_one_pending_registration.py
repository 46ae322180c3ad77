"""One pending registration per uid (issue 11): parallel registrations of one uid with different
idempotency keys left several pending submissions on one case, none of which could be approved
after the first. Duplicates were resolved by 0008."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0008_resolve_duplicate_applications"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "registration"), ("status", "pending")), fields=("uid",),
                name="uniq_pending_registration",
            ),
        ),
    ]
