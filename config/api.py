"""The platform JSON API (django-ninja): /api/v1/…, OpenAPI docs at /api/docs.

Errors always have the same shape: ``{"detail": str, "errors": [{"field", "message", "code"}]}``
so the platform can show each problem next to the field it concerns.
"""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.api import router as accounts_router
from appeals.api import router as appeals_router
from complaints.api import router as complaints_router
from core.apiauth import TokenAuth
from core.errors import ServiceError
from moderation.api import credit_router, notices_router
from moderation.api import router as submissions_router
from moderation.services.pipeline import PausedError

api = NinjaAPI(
    title="清朗 Qinglang platform API",
    version="1",
    description="账号信息合规管理平台接口：账号、实名、IP属地、资质、注册与变更核验、投诉、通知。",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
)

_SKIP_LOC = {"body", "query", "path", "payload", "form", "file", "header", "cookie"}
# Tags of the request bodies that are discriminated unions (a submission's ``kind``): pydantic
# puts the tag in the error's location, where the platform expects only field names.
_UNION_TAGS = {"registration", "change"}


def _field(error: dict) -> str:
    if error.get("type") in ("union_tag_not_found", "union_tag_invalid"):
        return str(error.get("ctx", {}).get("discriminator", "kind")).strip("'")
    parts = [str(p) for p in error.get("loc", ()) if str(p) not in _SKIP_LOC]
    if parts and parts[0] in _UNION_TAGS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def error_response(request, status: int, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _message(error: dict) -> str:
    """Pydantic's English message in the UI's language, for the error types clients meet."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": lambda: _("必填"),
        "string_too_short": lambda: _("至少 %(n)s 个字符") % {"n": ctx.get("min_length")},
        "string_too_long": lambda: _("不能超过 %(n)s 个字符") % {"n": ctx.get("max_length")},
        "string_pattern_mismatch": lambda: _("格式不符合要求（%(pattern)s）") % {"pattern": ctx.get("pattern")},
        "string_type": lambda: _("须为字符串"),
        "bool_parsing": lambda: _("须为 true 或 false"),
        "bool_type": lambda: _("须为 true 或 false"),
        "int_parsing": lambda: _("须为整数"),
        "literal_error": lambda: _("须为以下之一：%(expected)s") % {"expected": ctx.get("expected")},
        "extra_forbidden": lambda: _("不支持此字段"),
    }
    make = messages.get(kind)
    return make() if make is not None else error.get("msg", "invalid")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = [
        {"field": _field(e), "message": _message(e), "code": e.get("type", "invalid")}
        for e in exc.errors
    ]
    return error_response(request, 422, "请求参数有误", errors)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    errors = exc.errors or ([{"field": exc.field, "message": exc.message, "code": exc.code}] if exc.field else [])
    return error_response(request, exc.status, exc.message, errors)


@api.exception_handler(PausedError)
def on_paused(request, exc: PausedError):
    response = error_response(request, 503, exc.message)
    response["Retry-After"] = "600"
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "缺少或无效的接口令牌（Authorization: Bearer …）")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, str(exc) or "不存在")


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any /api/ path no operation matches: a JSON 404 in the error shape, not the HTML page."""
    return JsonResponse({"detail": "接口不存在 / no such endpoint",
                         "errors": [{"field": "path", "message": "no such endpoint", "code": "not_found"}]},
                        status=404)


api.add_router("/v1/accounts", accounts_router)
api.add_router("/v1/accounts", credit_router)
api.add_router("/v1/complaints", complaints_router)
api.add_router("/v1/submissions", submissions_router)
api.add_router("/v1/notices", notices_router)
api.add_router("/v1/appeals", appeals_router)
