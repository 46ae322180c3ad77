"""The platform JSON API (django-ninja): /api/v1/…, OpenAPI docs at /api/docs.

Errors always have the same shape: ``{"detail": str, "errors": [{"field", "message", "code"}]}``
so the platform can show each problem next to the field it concerns.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.api import router as accounts_router
from complaints.api import router as complaints_router
from core.apiauth import TokenAuth
from core.errors import ServiceError
from moderation.api import notices_router
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


def _field(loc) -> str:
    parts = [str(p) for p in loc if str(p) not in _SKIP_LOC]
    return ".".join(parts) or "body"


def error_response(request, status: int, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = [
        {"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid"), "code": e.get("type", "invalid")}
        for e in exc.errors
    ]
    return error_response(request, 422, "请求参数有误", errors)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    errors = [{"field": exc.field, "message": exc.message, "code": exc.code}] if exc.field else []
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


api.add_router("/v1/accounts", accounts_router)
api.add_router("/v1/complaints", complaints_router)
api.add_router("/v1/submissions", submissions_router)
api.add_router("/v1/notices", notices_router)
