"""``seed_demo`` (what `make run` loads): logins, the demo API client, accounts, complaints, and
moderation cases of each kind; running it again changes nothing."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from complaints.models import Complaint
from core.audit import verify_chain
from moderation.models import ReasonTemplate, ReviewCase, Submission

pytestmark = pytest.mark.django_db(transaction=True)


def _counts():
    return (User.objects.count(), Complaint.objects.count(), ReasonTemplate.objects.count(),
            Submission.objects.count(), ReviewCase.objects.count())


def test_seed_demo_gives_a_working_queue_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", accounts=60, stdout=out)
    assert "demo logins" in out.getvalue()
    reasons = set(ReviewCase.objects.values_list("reason", flat=True))
    assert {"change", "strict_review", "complaint"} <= reasons
    assert ReasonTemplate.objects.filter(is_active=True).count() >= 5
    assert set(Submission.objects.values_list("decision", flat=True)) >= {"allow", "review", "strict_review", "reject"}
    first = _counts()
    call_command("seed_demo", accounts=60, stdout=io.StringIO())
    assert _counts() == first
    assert verify_chain()[1] is None
