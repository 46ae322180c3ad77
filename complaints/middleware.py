"""The door of the public complaint pages: what an anonymous sender can make the server do before
anything reads the request body.

It sits before every middleware that reads ``request.POST`` (the NUL guard, CSRF), because
reading it parses the whole multipart body and spools its files. Two things happen first:

- a multipart body on a web path (not ``/api/``, which has its own cap) larger than
  ``conf.max_upload_bytes()``, or without a length, is refused (413 / 411) unread: only the
  complaint pages take uploads on the web side, and Django limits only the non-file part;
- every POST to the public form and the status page counts against the sender's address limit
  (``conf.rate_limits()``, keyed hashes only), right or wrong, and one over the limit is refused
  (429) before its body is parsed, validated or any image decoded (issue 11: images used to be
  decoded before the limit, and invalid attempts were never counted).

The refusal pages are rendered without the request (no session, no CSRF token, no user), in the
language the public pages would use.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from complaints import conf, ratelimit
from core.clientip import client_ip

# each counted page → its rate-limit scope and what a sender over the limit reads
_COUNTED = {
    "complaints:public_form": ("ip", _("提交过于频繁，请稍后再试")),
    "complaints:public_status": ("status_ip", _("查询过于频繁，请稍后再试。")),
}


class PublicIntakeGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._counted: dict[str, tuple] | None = None

    def __call__(self, request):
        if request.method == "POST" and not request.path.startswith("/api/"):
            refusal = self._oversized(request) or self._over_limit(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _oversized(self, request) -> HttpResponse | None:
        if not request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _refuse(request, 411, _("请求缺少长度，无法受理。"))
        limit = conf.max_upload_bytes()
        if length > limit:
            return _refuse(request, 413, _("上传内容过大（上限 %(mb)d MB），请减少或压缩证据图片后重试。"),
                           {"mb": limit // (1024 * 1024)})
        return None

    def _over_limit(self, request) -> HttpResponse | None:
        if self._counted is None:
            self._counted = {reverse(name): counted for name, counted in _COUNTED.items()}
        scope, message = self._counted.get(request.path, (None, ""))
        if scope is None or ratelimit.hit(scope, ratelimit.ip_key(client_ip(request))):
            return None
        response = _refuse(request, 429, message)
        response["Retry-After"] = str(min(window for _limit, window in conf.rate_limits()[scope]))
        return response


def _refuse(request, status: int, message, params: dict | None = None) -> HttpResponse:
    """``message`` is lazy: it is translated here, in the language the public pages use."""
    language = translation.get_language_from_request(request)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        text = str(message) % params if params else str(message)
        html = render_to_string("complaints/public/refused.html", {"message": text, "status": status})
    response = HttpResponse(html, status=status)
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
