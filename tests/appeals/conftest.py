import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from moderation.services.measures import measure_apply


@pytest.fixture
def png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def holder(make_account):
    return make_account(uid="holder1", name="旅行摄影小王")


@pytest.fixture
def suspended(holder, moderator):
    """A suspension issued by ``moderator`` (credit 100 → 80 with the default penalty)."""
    # a week: longer or indefinite suspensions wait for a second supervisor (issue 14)
    return measure_apply(actor=moderator, account=holder, kind="suspend", legal_basis=["8.7"], reason="简介夸大其词",
                         expires_at=timezone.now() + dt.timedelta(days=7))
