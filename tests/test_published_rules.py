"""Published platform rules (Art 6): drafts, publishing (then never edited), safe rendering, the
public pages with versions and a diff, acceptance at registration and through the API."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts import rule_documents as rd
from accounts.models import RuleAcceptance, RuleDocumentVersion
from core.errors import ServiceError

pytestmark = pytest.mark.postgres

BODY = "# 服务协议\n\n用户应当使用真实身份信息注册。\n\n<script>alert(1)</script> [链接](javascript:alert(1))"


def _publish(actor, kind="service_agreement", body=BODY, **kw):
    kw.setdefault("effective_at", timezone.now() - dt.timedelta(hours=1))
    v = rd.rule_version_draft(actor=actor, kind=kind, body=body, summary=kw.pop("summary", "首次发布"), **kw)
    return rd.rule_version_publish(actor=actor, version=v)


def test_publishing_renders_safely_and_freezes(supervisor, moderator):
    with pytest.raises(ServiceError):
        rd.rule_version_draft(actor=moderator, kind="convention", body=BODY, summary="x" * 3,
                              effective_at=timezone.now())
    v = _publish(supervisor)
    assert v.version == 1 and v.status == "published"
    assert "<h1>服务协议</h1>" in v.body_html
    assert "<script" not in v.body_html and "&lt;script&gt;" in v.body_html and "href=\"javascript" not in v.body_html
    with pytest.raises(ServiceError) as exc:
        rd.rule_version_edit(actor=supervisor, version=v, body=BODY + "改", summary="改了", effective_at=timezone.now())
    assert exc.value.code == "immutable"
    v.summary = "偷偷改"
    with pytest.raises(ValueError):
        v.save()
    v2 = _publish(supervisor, body=BODY + "\n\n新增申诉条款。", summary="增加申诉条款")
    assert v2.version == 2 and rd.in_force("service_agreement").pk == v2.pk


def test_a_future_version_is_not_in_force_yet(supervisor):
    v1 = _publish(supervisor)
    _publish(supervisor, effective_at=timezone.now() + dt.timedelta(days=5), body=BODY + "\n\n下月起施行。")
    assert rd.in_force("service_agreement").pk == v1.pk


def test_public_pages_show_versions_and_a_diff(supervisor, login):
    _publish(supervisor)
    _publish(supervisor, body=BODY.replace("真实身份信息", "真实身份信息（手机号或证件）"), summary="明确身份信息")
    anonymous = login(None)
    assert anonymous.get("/platform-rules/").status_code == 200
    page = anonymous.get("/platform-rules/service_agreement/").content.decode()
    assert "第 2 版" in page and "现行版本" in page and "<script>alert" not in page
    diff = anonymous.get("/platform-rules/service_agreement/v2/?diff=1").content.decode()
    assert 'data-testid="rule-diff"' in diff and "手机号或证件" in diff
    assert anonymous.get("/platform-rules/service_agreement/v1/").status_code == 200
    assert anonymous.get("/platform-rules/nope/").status_code == 404


def test_acceptance_at_registration_and_later(supervisor, api, make_account, login):
    v1 = _publish(supervisor)
    body = {"idempotency_key": "reg-rules-0001", "kind": "registration", "uid": "r1", "info": {"name": "爱读书的人"},
            "identity": {"method": "mobile", "number": "13800138111"},
            "accepted_rules": [{"document": "service_agreement", "version": 1}]}
    r = api.post("/api/v1/submissions", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["decision"] == "allow", r.content
    assert RuleAcceptance.objects.get(account__uid="r1").version == v1
    bad = {**body, "idempotency_key": "reg-rules-0002", "uid": "r2",
           "accepted_rules": [{"document": "service_agreement", "version": 9}]}
    r = api.post("/api/v1/submissions", data=json.dumps(bad), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "accepted_rules.0"

    v2 = _publish(supervisor, body=BODY + "\n\n第二版。", requires_acceptance=True, acceptance_days=10)
    other = make_account(uid="r3")
    later = timezone.now() + dt.timedelta(days=11)
    assert {a.uid for a in rd.accounts_missing(v2, now=later)} == {"r1", "r3"}
    assert list(rd.accounts_missing(v2)) == []  # within the period nobody is listed yet
    r = api.post("/api/v1/accounts/r1/acceptances", data=json.dumps(
        {"accepted_rules": [{"document": "service_agreement", "version": 2}]}), content_type="application/json")
    assert r.status_code == 201 and r.json()["recorded"] == 1
    r = api.post("/api/v1/accounts/r1/acceptances", data=json.dumps(
        {"accepted_rules": [{"document": "service_agreement", "version": 2}]}), content_type="application/json")
    assert r.json()["recorded"] == 0 and len(r.json()["acceptances"]) == 2
    assert [a.uid for a in rd.accounts_missing(v2, now=later)] == [other.uid]
    page = login(supervisor).get("/accounts/r1/").content.decode()
    assert 'data-testid="account-rules"' in page and "第 2 版" in page
    staff = login(supervisor).get(f"/accounts/rules/{v2.pk}/")
    assert staff.status_code == 200
    assert RuleDocumentVersion.objects.filter(status="published").count() == 2


def test_a_version_requiring_acceptance_notifies_accounts_and_notices_link_the_rules(
        supervisor, moderator, make_account, django_capture_on_commit_callbacks):
    from moderation.models import Notice
    from moderation.services.measures import measure_apply
    from moderation.services.notices import notices_for_rule_version

    a, b = make_account(uid="n1"), make_account(uid="n2")
    rules = _publish(supervisor, kind="account_rules", body="# 账号管理规则\n\n不得夹带联系方式。")
    with django_capture_on_commit_callbacks(execute=True):
        v = _publish(supervisor, body=BODY + "\n\n新增条款。", requires_acceptance=True)
    assert Notice.objects.filter(kind="rules_changed").count() == 2
    rd.rule_accept(actor=None, account=a, versions=[v], source="api")
    assert notices_for_rule_version(version_id=v.pk) == 0  # told already; a rerun adds nothing
    m = measure_apply(actor=moderator, account=b, kind="warning", legal_basis=["8.6"], reason="简介含联系方式")
    notice = Notice.objects.get(measure=m)
    assert notice.payload["rules"]["version"] == rules.version
    assert "/platform-rules/account_rules/v1/" in notice.body
