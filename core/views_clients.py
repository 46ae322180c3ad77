"""Platform API clients in the back office (admins: ``core.manage_apiclient``).

A new token or webhook secret is rendered once, in the answer to the POST that made it (never
stored in the session, never cached: ``Cache-Control: no-store``); after that the pages show
only the token's prefix and when each credential was last rotated.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import clients, selectors
from core.errors import ServiceError
from core.forms import ApiClientForm, OverlapForm
from core.models import ApiClient, WebhookDelivery
from core.registry import registry

manage = permission_required(clients.PERMISSION, raise_exception=True)


def _attach(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _scope_words(scopes) -> list[str]:
    return [_("全部权限") if s == "*" else f"{s} · {registry.api_scopes.get(s, s)}" for s in scopes]


@manage
def client_list(request):
    return render(request, "core/client_list.html", {
        "title": _("接口客户端"), "clients": list(selectors.api_client_list())})


def _issued(request, client, *, token: str = "", secret: str = "", what: str):
    response = render(request, "core/client_issued.html", {
        "title": what, "client": client, "token": token, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@manage
def client_new(request):
    form = ApiClientForm(request.POST or None, initial={"scopes": []})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            client, token = clients.api_client_create(
                actor=request.user, name=d["name"], scopes=d["scopes"], webhook_url=d["webhook_url"],
                webhook_events=d["webhook_events"])
        except ServiceError as exc:
            _attach(form, exc)
        else:
            return _issued(request, client, token=token, secret=client.webhook_secret, what=_("客户端已创建"))
    return render(request, "core/client_form.html", {"title": _("新建接口客户端"), "form": form},
                  status=422 if form.errors else 200)


def _detail(request, client: ApiClient, *, test_attempt=None, status: int = 200):
    failing = request.GET.get("failing") == "1"
    return render(request, "core/client_detail.html", {
        "title": client.name, "client": client, "scopes": _scope_words(client.scopes),
        "events": [(t, registry.webhook_events[t].label) for t in client.webhook_events if t in registry.webhook_events],
        "calls": selectors.api_client_calls(client),
        "deliveries": selectors.api_client_deliveries(client, failing=failing), "failing": failing,
        "overlap_form": OverlapForm(), "test_attempt": test_attempt,
    }, status=status)


@manage
def client_detail(request, pk):
    return _detail(request, get_object_or_404(ApiClient, pk=pk))


@manage
def client_edit(request, pk):
    client = get_object_or_404(ApiClient, pk=pk)
    initial = {"scopes": client.scopes, "webhook_url": client.webhook_url, "webhook_events": client.webhook_events}
    form = ApiClientForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            clients.api_client_update(actor=request.user, client=client, scopes=d["scopes"],
                                      webhook_url=d["webhook_url"], webhook_events=d["webhook_events"])
        except ServiceError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("core:client_detail", pk=client.pk)
    return render(request, "core/client_form.html", {"title": _("修改 %(name)s") % {"name": client.name},
                                                     "form": form, "client": client},
                  status=422 if form.errors else 200)


def _overlap(request) -> int | None:
    form = OverlapForm(request.POST)
    return form.cleaned_data["overlap_hours"] if form.is_valid() else None


def _rotate(request, pk, rotate, *, what: str, shows: str):
    """Rotate the token or the secret and show the new one once (or say why not)."""
    client = get_object_or_404(ApiClient, pk=pk)
    try:
        value = rotate(actor=request.user, client=client, overlap_hours=_overlap(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("core:client_detail", pk=client.pk)
    client.refresh_from_db()
    return _issued(request, client, what=what, **{shows: value})


@never_cache
@require_POST
@manage
def client_token_rotate(request, pk):
    return _rotate(request, pk, clients.api_client_rotate_token, what=_("新令牌"), shows="token")


@require_POST
@manage
def client_token_revoke(request, pk):
    client = get_object_or_404(ApiClient, pk=pk)
    try:
        clients.api_client_revoke_token(actor=request.user, client=client)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.warning(request, _("令牌已吊销：此客户端的接口调用将被拒绝，直到轮换出新令牌。"))
    return redirect("core:client_detail", pk=client.pk)


@never_cache
@require_POST
@manage
def client_secret_rotate(request, pk):
    return _rotate(request, pk, clients.api_client_rotate_secret, what=_("新签名密钥"), shows="secret")


@require_POST
@manage
def client_toggle(request, pk):
    client = get_object_or_404(ApiClient, pk=pk)
    clients.api_client_set_active(actor=request.user, client=client, active=not client.is_active)
    if client.is_active:
        messages.warning(request, _("已停用：令牌不再可用，事件不再投递给此客户端。"))
    else:
        messages.success(request, _("已启用"))
    return redirect("core:client_detail", pk=client.pk)


@require_POST
@manage
def client_test(request, pk):
    """Send a test event now and show the receiver's answer on the client page."""
    client = get_object_or_404(ApiClient, pk=pk)
    try:
        attempt = clients.api_client_send_test(actor=request.user, client=client)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("core:client_detail", pk=client.pk)
    return _detail(request, client, test_attempt=attempt)


@require_POST
@manage
def delivery_redeliver(request, pk):
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("event", "client"), pk=pk)
    try:
        attempt = clients.webhook_redeliver(actor=request.user, delivery=delivery)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if attempt.outcome == attempt.Outcome.SUCCEEDED:
            messages.success(request, _("已重新投递，对方返回 %(status)s") % {"status": attempt.status_code})
        else:
            messages.error(request, _("重新投递失败：%(error)s") % {
                "error": f"{attempt.status_code or ''} {attempt.error or attempt.error_code}".strip()})
    return redirect("core:client_detail", pk=delivery.client_id)
