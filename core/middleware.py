"""Request id, the login-by-default rule, the API call log, NUL refusal and the staff language."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils.cache import add_never_cache_headers, patch_cache_control

from core import context


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        rid = incoming[:64] if incoming and incoming.replace("-", "").isalnum() else None
        source = "api" if request.path.startswith("/api/") else "web"
        with context.execution(source, rid) as ctx:
            request.request_id = ctx.request_id
            response = self.get_response(request)
            response["X-Request-Id"] = ctx.request_id
            return response


class PublicPathsLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a staff login (Django's ``LoginRequiredMiddleware``: anonymous requests
    are redirected to ``LOGIN_URL``), except views marked ``login_not_required`` — our health
    check and public complaint pages (Art 19), Django's login, logout and admin login — and
    every path under ``settings.PUBLIC_PATH_PREFIXES``: the API (its own token auth), static
    files, the language switch, whose views are not ours to decorate."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.PUBLIC_PATH_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ApiCallMiddleware:
    """For /api/: refuse oversized bodies with 413 and record every call (client, path, status,
    duration — never bodies, tokens or IPs; written in batches by ``core.apicalls``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        import time

        from django.http import JsonResponse

        started = time.perf_counter()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            response = JsonResponse(
                {"detail": f"请求体过大（上限 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB）",
                 "errors": [{"field": "body", "message": "too large", "code": "too_large"}]}, status=413)
        else:
            response = self.get_response(request)
        client = getattr(request, "api_client", None)
        if request.path.startswith("/api/v1/"):
            from django.utils import timezone

            from core import apicalls

            apicalls.log_call(
                client_id=client.pk if client is not None else None, created_at=timezone.now(),
                method=request.method, path=request.path, status=response.status_code,
                duration_ms=int((time.perf_counter() - started) * 1000),
                request_id=getattr(request, "request_id", ""),
            )
        return response


class RejectNulMiddleware:
    """Refuse requests carrying NUL characters: PostgreSQL cannot store them, and the database
    error would otherwise surface as a 500 whose log line quotes the submitted values.

    The check does not trust the declared content type (issue 11: ``text/plain`` and
    ``APPLICATION/JSON`` bodies slipped past a case-sensitive, type-by-type check):

    - the path and the query string, always (``%00``);
    - ``/api/`` takes JSON only: a body of any other type is refused with 415 before anything
      parses it (a multipart body used to be parsed here and then read again by the API: a 500);
      a JSON body is searched raw for NUL bytes and ``\\u0000`` escapes in any letter case;
    - web pages: form bodies (urlencoded, multipart) are parsed, as the view would, and every
      field name, value and file name is checked; one that cannot be parsed is refused (400), not
      handed on as an empty form; a body of any other type is searched raw.
    """

    BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse

        api = request.path.startswith("/api/")
        if api and self._has_body(request) and not _is_json(request.content_type):
            return JsonResponse({"detail": "只接受 application/json 请求体 / only application/json bodies are accepted",
                                 "errors": [{"field": "body", "message": "unsupported media type",
                                             "code": "unsupported_media_type"}]}, status=415)
        try:
            found = self._has_nul(request, api)
        except _Unparsable:
            return HttpResponseBadRequest("请求体无法解析 / the request body could not be parsed")
        if found and api:
            return JsonResponse({"detail": "请求中含有不允许的 NUL 字符（\\u0000）",
                                 "errors": [{"field": "body", "message": "NUL character", "code": "nul"}]},
                                status=422)
        if found:
            return HttpResponseBadRequest("请求中含有不允许的 NUL 字符 / NUL characters are not allowed")
        return self.get_response(request)

    @classmethod
    def _has_body(cls, request) -> bool:
        if request.method not in cls.BODY_METHODS:
            return False
        length = request.META.get("CONTENT_LENGTH") or ""
        return (length.strip() not in ("", "0")) or "HTTP_TRANSFER_ENCODING" in request.META

    @classmethod
    def _has_nul(cls, request, api: bool) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
            return True
        if not cls._has_body(request):
            return False
        if not api and request.method == "POST" and request.content_type in _FORM_TYPES:
            return _form_has_nul(request)
        from django.core.exceptions import RequestDataTooBig
        from django.http.request import RawPostDataException

        try:
            body = request.body
        except (RequestDataTooBig, RawPostDataException):
            # too big: answered downstream (413 / 400); already read as a form: checked by its fields
            return False
        return b"\x00" in body or b"\\u0000" in body.lower()


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class _Unparsable(Exception):
    pass


def _is_json(content_type: str) -> bool:
    """``request.content_type`` is already lower case, without parameters."""
    return content_type == "application/json" or (content_type.startswith("application/")
                                                   and content_type.endswith("+json"))


def _form_has_nul(request) -> bool:
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    try:
        fields, files = request.POST, request.FILES
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return False  # Django answers these with 400 when the view reads the form
    except Exception as exc:  # a form body Django cannot parse (e.g. an upper-case multipart type)
        raise _Unparsable from exc
    for key, values in fields.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    return any("\x00" in key or "\x00" in (f.name or "") for key, items in files.lists() for f in items)


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese first: staff pages are Chinese unless the user chose another language
    with the switcher (the language cookie); the browser's Accept-Language is not followed, so an
    English-language browser does not silently change the back office. Public complaint pages
    still honour Accept-Language, for members of the public who do not read Chinese."""

    def __init__(self, get_response):
        from django.middleware.locale import LocaleMiddleware

        self.get_response = get_response
        self._standard = LocaleMiddleware(get_response)

    def __call__(self, request):
        from django.utils import translation

        if request.path.startswith("/complaints/public/"):
            return self._standard(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForStaffMiddleware:
    """Nothing a signed-in staff member sees, and no API answer, is kept by a browser or proxy
    cache (issue 11 §3): every such page may show personal data (identity numbers, contacts,
    complaint texts), so ``Cache-Control: no-store`` unless the view set its own header. Public
    pages and static files keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        staff = user is not None and user.is_authenticated
        if (staff or request.path.startswith("/api/")) and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
