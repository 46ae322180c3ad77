"""Fixtures for the complaint tests: a clean cache (rate limits, challenge nonces), media in a
temporary directory, a frozen clock, and a helper to file complaints through the service."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from PIL import Image

from complaints import services
from core.workdays import SHANGHAI


def _clear_complaint_keys():
    """Rate-limit counters and challenge nonces live in the shared cache; drop only ours."""
    backend = getattr(cache, "_cache", None)
    if backend is not None and hasattr(backend, "get_client"):
        import redis
        from django.conf import settings

        # Not the cache's own client: its 50 ms socket timeout is for requests, not a SCAN.
        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        keys = list(client.scan_iter(match="*complaints:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clean_cache():
    _clear_complaint_keys()
    yield
    _clear_complaint_keys()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def no_challenge(settings):
    settings.COMPLAINTS_CHALLENGE = False


@pytest.fixture
def freeze(monkeypatch):
    """Freeze ``timezone.now()`` at a Beijing wall-clock time; call again to move the clock."""
    from django.utils import timezone

    def _freeze(*args):
        moment = dt.datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return _freeze


@pytest.fixture
def target(make_account):
    return make_account(uid="t1", name="某某市人民政府发布")


@pytest.fixture
def file_complaint(db):
    def _file(target="t1", category="8.2", description="冒充政府机关，头像使用国徽。", **kw):
        complaint, _created = services.complaint_submit(actor=kw.pop("actor", None), data=services.ComplaintInput(
            category=category, target=target, description=description, **kw))
        return complaint

    return _file


def image_bytes(fmt="PNG", size=(40, 30), exif=None, color=(200, 30, 30)) -> bytes:
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def png():
    return image_bytes()


def decide_linked_case(complaint, actor, decision="measure"):
    """Decide the review case a complaint waits for (issue 14: its outcome comes from the case)."""
    from moderation import services as moderation_services
    from moderation.models import ReviewCase

    extra = {"articles": ["8.2"], "reason": "假冒政府机关", "measure": {"kind": "warning"}} if decision == "measure" else {}
    complaint.refresh_from_db()
    moderation_services.case_decide(actor=actor, case=ReviewCase.objects.get(pk=complaint.review_case_id),
                                    decision=decision, **extra)
    complaint.refresh_from_db()
    return complaint
