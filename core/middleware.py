"""Request id, the login-by-default rule, the API call log, NUL refusal and the staff language."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware

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
    """Refuse requests carrying NUL characters (``%00`` in the path or query, ``\\u0000`` in JSON,
    NUL in form fields). PostgreSQL cannot store them, and the database error would otherwise
    surface as a 500 whose log line quotes the submitted values."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            from django.http import HttpResponseBadRequest, JsonResponse

            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请求中含有不允许的 NUL 字符（\\u0000）",
                                     "errors": [{"field": "body", "message": "NUL character", "code": "nul"}]},
                                    status=422)
            return HttpResponseBadRequest("请求中含有不允许的 NUL 字符 / NUL characters are not allowed")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            if content_type.startswith("application/json"):
                body = request.body
                return b"\x00" in body or b"\\u0000" in body.lower()
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                return any("\x00" in v for values in request.POST.lists() for v in values[1])
        except Exception:  # noqa: BLE001 - oversized or malformed bodies are answered downstream
            return False
        return False


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
