"""The pause banner (Art 21): every staff page says when registrations or changes are paused.

Cached for a few seconds so the banner costs no query on most pages; the pause page clears the
cache when a switch changes."""

from django.core.cache import cache
from django.utils import timezone

PAUSE_CACHE_KEY = "qinglang:moderation:pause_banner"
PAUSE_CACHE_SECONDS = 10


def _active_pauses() -> list[dict]:
    from moderation.selectors import pauses_active

    return [{"id": p.pk, "scope": str(p.get_scope_display()), "kind": str(p.get_account_kind_display()),
             "reason": p.reason, "ends_at": p.ends_at.isoformat() if p.ends_at else None}
            for p in pauses_active()]


def pause_banner(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("moderation.view_pauseswitch"):
        return {}
    pauses = cache.get(PAUSE_CACHE_KEY)
    if pauses is None:
        pauses = _active_pauses()
        cache.set(PAUSE_CACHE_KEY, pauses, PAUSE_CACHE_SECONDS)
    now = timezone.now().isoformat()
    return {"active_pauses": [p for p in pauses if not p["ends_at"] or p["ends_at"] > now]}
