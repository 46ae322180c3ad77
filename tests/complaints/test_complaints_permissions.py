"""Permission matrix: every complaints URL × role (GET and the write actions), and every complaint
service × actor kind (the system, each staff role, a platform client with and without its scope)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from complaints import services
from complaints.choices import ComplaintStatus
from complaints.models import Complaint, SlaAlert
from core.errors import ServiceError
from core.models import AuditEntry

from .conftest import image_bytes

ROLES = ["anonymous", "nobody", "moderator", "supervisor", "auditor", "admin_user"]
ALL = dict.fromkeys(ROLES, 200)
STAFF_VIEW = {"anonymous": 302, "nobody": 403, "moderator": 200, "supervisor": 200, "auditor": 200, "admin_user": 200}
SUPERVISOR_READ = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 200, "admin_user": 200}
SUPERVISOR_ONLY = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 200, "auditor": 403, "admin_user": 200}

GET_MATRIX = [
    ("/complaints/public/", ALL),
    ("/complaints/public/status/", ALL),
    ("/complaints/public/process/", ALL),
    ("/complaints/", STAFF_VIEW),
    ("/complaints/{pk}/", STAFF_VIEW),
    ("/complaints/{pk}/evidence/{eid}/", STAFF_VIEW),
    ("/complaints/999999/", {**STAFF_VIEW, **{r: 404 for r in ("moderator", "supervisor", "auditor", "admin_user")}}),
    ("/complaints/metrics/", SUPERVISOR_READ),
    ("/complaints/policies/", SUPERVISOR_READ),
    # moved to core (tests/calendar/test_calendar_page.py); the old address redirects
    ("/complaints/calendar/", {"anonymous": 302, "nobody": 301, "moderator": 301, "supervisor": 301, "auditor": 301,
                               "admin_user": 301}),
    ("/complaints/alerts/", SUPERVISOR_READ),
    ("/complaints/{pk}/contact/", SUPERVISOR_ONLY),
]

HANDLE = {"anonymous": 302, "nobody": 403, "moderator": 302, "supervisor": 302, "auditor": 403, "admin_user": 302}
SUPERVISOR_WRITE = {"anonymous": 302, "nobody": 403, "moderator": 403, "supervisor": 302, "auditor": 403, "admin_user": 302}

POST_MATRIX = [
    ("/complaints/{pk}/claim/", {}, HANDLE),
    ("/complaints/{pk}/accept/", {}, HANDLE),
    ("/complaints/claim-next/", {}, HANDLE),
    ("/complaints/{pk}/bad_faith/", {"badfaith-reason": "反复恶意投诉"},
     {**SUPERVISOR_WRITE}),
    ("/complaints/policies/", {"category": "8.1", "accept_days": 1, "feedback_days": 10}, SUPERVISOR_WRITE),
]


@pytest.fixture
def subject(target, file_complaint, supervisor):
    c = file_complaint(contact="13800138000", evidence=[image_bytes()])
    services.sla_policy_update(actor=supervisor, category="8.1", accept_days=1, feedback_days=15)
    return {"pk": c.pk, "eid": c.evidence.get().pk}


def _client(request, login, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    return login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), GET_MATRIX, ids=[m[0] for m in GET_MATRIX])
def test_get_matrix(request, login, subject, role, url, expected):
    r = _client(request, login, role).get(url.format(**subject))
    assert r.status_code == expected[role], f"{role} GET {url}"
    if expected[role] == 302:
        assert r["Location"].startswith("/login/")
    if expected[role] == 301:
        assert r["Location"] == "/records/calendar/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "data", "expected"), POST_MATRIX, ids=[m[0] for m in POST_MATRIX])
def test_post_matrix(request, login, subject, role, url, data, expected):
    r = _client(request, login, role).post(url.format(**subject), data)
    assert r.status_code == expected[role], f"{role} POST {url}"
    if expected[role] == 302 and role == "anonymous":
        assert r["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["moderator", "supervisor", "auditor"])
def test_nav_entries(login, request, role):
    html = login(request.getfixturevalue(role)).get("/").content.decode()
    assert ('href="/complaints/"' in html) is True
    assert ('href="/complaints/metrics/"' in html) is (role != "moderator")


def test_dashboard_panels(login, supervisor, target, file_complaint):
    file_complaint()
    html = login(supervisor).get("/").content.decode()
    assert "逾期未办投诉" in html and "下一工作日内到期投诉" in html and "未读时限提醒" in html


# ---------------------------------------------------------------------------------------------
# The same rules, asked of the services directly: a page, the API and a job cannot disagree.
# Actor kinds: the system (None), staff users by role, a platform client with the complaint
# scope and one without it.

ACTORS = ["system", "nobody", "moderator", "supervisor", "auditor", "admin_user", "client", "reader"]
HANDLERS = {"moderator", "supervisor", "admin_user"}
SUPERVISORS = {"supervisor", "admin_user"}


def _complaint(file_complaint, status=ComplaintStatus.RECEIVED, **fields):
    c = file_complaint(contact="13800138000")
    Complaint.objects.filter(pk=c.pk).update(status=status, **fields)
    c.refresh_from_db()
    return c


def _screening_invalid(fc, u):
    c = _complaint(fc, ComplaintStatus.SCREENING)
    return lambda actor: services.complaint_screen(actor=actor, complaint=c, result="invalid")


def _merge(fc, u):
    a = fc(target="https://example.com/u/first", category="8.4")
    b = fc(target="https://example.com/u/second", category="8.4")
    return lambda actor: services.complaint_merge(actor=actor, complaint=b, into=a)


def _release(fc, u):
    c = _complaint(fc, assignee=u["moderator"])
    return lambda actor: services.complaint_release(actor=actor, complaint=c)


def _alert(fc, u):
    c = _complaint(fc)
    alert = SlaAlert.objects.create(complaint=c, deadline="accept", level="overdue", due_at=c.accept_due_at)
    return lambda actor: services.sla_alert_acknowledge(actor=actor, alert=alert)


def _case_decided(fc, u):
    c = _complaint(fc, ComplaintStatus.HANDLING, review_case_id=424242)
    case = SimpleNamespace(pk=424242, decision="no_action", complaint_feedback="")
    return lambda actor: services.complaint_case_decided(case=case, actor=actor) and c


def _submit(source):
    def setup(fc, u):
        data = services.ComplaintInput(category="8.2", target="t1", description="冒充政府机关，头像使用国徽。",
                                       source=source, external_ref="perm-1" if source == "api" else "")
        return lambda actor: services.complaint_submit(actor=actor, data=data)

    return setup


def _on(status, fn, **fields):
    def setup(fc, u):
        c = _complaint(fc, status, **fields)
        return lambda actor: fn(actor, c)

    return setup


SERVICE_MATRIX = {
    "complaint_submit (web)": (_submit("web"), {"system"}),
    "complaint_submit (api)": (_submit("api"), {"client"}),
    "complaint_claim": (_on("received", lambda a, c: services.complaint_claim(actor=a, complaint=c)), HANDLERS),
    "complaint_claim_next": (_on("received", lambda a, c: services.complaint_claim_next(actor=a)), HANDLERS),
    "complaint_release": (_release, HANDLERS),
    "complaint_accept": (_on("received", lambda a, c: services.complaint_accept(actor=a, complaint=c)), HANDLERS),
    "complaint_reject": (_on("received", lambda a, c: services.complaint_reject(
        actor=a, complaint=c, reason="不属于账号信息问题")), HANDLERS),
    "complaint_start_screening": (_on("accepted", lambda a, c: services.complaint_start_screening(
        actor=a, complaint=c)), HANDLERS),
    "complaint_screen": (_screening_invalid, HANDLERS),
    "complaint_merge": (_merge, HANDLERS),
    "complaint_link_case": (_on("handling", lambda a, c: services.complaint_link_case(actor=a, complaint=c)),
                            HANDLERS),
    "complaint_send_feedback": (_on("handling", lambda a, c: services.complaint_send_feedback(
        actor=a, complaint=c, outcome="已处理完毕")), HANDLERS),
    "complaint_close": (_on("feedback_sent", lambda a, c: services.complaint_close(actor=a, complaint=c)),
                        HANDLERS | {"system"}),
    "complaint_request_info": (_on("received", lambda a, c: services.complaint_request_info(
        actor=a, complaint=c, question="请补充截图")), HANDLERS),
    "complaint_resume": (_on("waiting_for_complainant", lambda a, c: services.complaint_resume(actor=a, complaint=c),
                             resume_status="accepted"), HANDLERS | {"system"}),
    "complaint_case_decided": (_case_decided, HANDLERS | {"system"}),
    "complaint_mark_bad_faith": (_on("received", lambda a, c: services.complaint_mark_bad_faith(
        actor=a, complaint=c, reason="反复恶意投诉")), SUPERVISORS),
    "complaint_reveal_contact": (_on("received", lambda a, c: services.complaint_reveal_contact(
        actor=a, complaint=c, purpose="contact", reason="联系投诉人核实处理结果")), SUPERVISORS),
    "complaint_flag_sla": (_on("received", lambda a, c: services.complaint_flag_sla(
        actor=a, complaint=c, now=c.accept_due_at + dt.timedelta(days=1))), {"system"}),
    "complaint_recompute_deadlines": (_on("received", lambda a, c: services.recompute.complaint_recompute_deadlines(
        actor=a, complaint=c)), SUPERVISORS | {"system"}),
    "complaint_deadlines_recompute": (lambda fc, u: lambda actor: services.recompute.complaint_deadlines_recompute(
        actor=actor, years=[2027]), SUPERVISORS | {"system"}),
    "sla_policy_update": (lambda fc, u: lambda actor: services.sla_policy_update(
        actor=actor, category="8.1", accept_days=2, feedback_days=9), SUPERVISORS),
    "sla_alert_acknowledge": (_alert, SUPERVISORS),
}


@pytest.fixture
def actors(request, db):
    from core.apiauth import api_client_create

    users = {role: request.getfixturevalue(role) for role in ("nobody", "moderator", "supervisor", "auditor",
                                                                "admin_user")}
    client, _token = api_client_create(actor=None, name="forwarder", scopes=["complaints:write"])
    reader, _token = api_client_create(actor=None, name="reader", scopes=["accounts:read"])
    return {"system": None, **users, "client": client, "reader": reader}


@pytest.mark.parametrize("kind", ACTORS)
@pytest.mark.parametrize("service", list(SERVICE_MATRIX))
def test_service_matrix(target, file_complaint, actors, service, kind):
    setup, allowed = SERVICE_MATRIX[service]
    act = setup(file_complaint, actors)
    before = AuditEntry.objects.count()
    if kind in allowed:
        act(actors[kind])
        return
    with pytest.raises(ServiceError) as exc:
        act(actors[kind])
    assert (exc.value.code, exc.value.status) == ("forbidden", 403), f"{kind} → {service}: {exc.value.message}"
    assert AuditEntry.objects.count() == before


def test_a_client_cannot_skip_the_assignee(target, file_complaint, moderator, actors):
    """API clients used to pass the assignee guard untouched: now they are refused before it."""
    c = services.complaint_claim(actor=moderator, complaint=file_complaint())
    with pytest.raises(ServiceError) as exc:
        services.complaint_accept(actor=actors["client"], complaint=c)
    assert exc.value.status == 403
    c.refresh_from_db()
    assert c.status == ComplaintStatus.RECEIVED and c.assignee == moderator


def test_the_system_closes_without_taking_the_complaint(target, file_complaint, moderator):
    c = services.complaint_reject(actor=moderator, complaint=file_complaint(), reason="信息不全无法核实")
    services.complaint_release(actor=moderator, complaint=c)
    c = services.complaint_close(actor=None, complaint=c)
    assert c.status == ComplaintStatus.CLOSED and c.assignee is None


def test_an_inactive_client_is_refused(target, actors):
    client = actors["client"]
    client.is_active = False
    data = services.ComplaintInput(category="8.2", target="t1", description="冒充政府机关，头像使用国徽。",
                                   source="api", external_ref="inactive-1")
    with pytest.raises(ServiceError) as exc:
        services.complaint_submit(actor=client, data=data)
    assert exc.value.status == 403
