"""Automatic refusals are visible and can be overturned (issue 14): the submission page shows the
findings, a supervisor overturns with a reason (audited, the holder told), and the rules page
counts overturned refusals per rule."""

import pytest

from accounts.models import Account
from core.errors import ServiceError
from core.models import AuditEntry
from moderation import selectors, services
from moderation.models import Notice, Submission


@pytest.fixture
def refused(submit):
    status, body = submit("o1", {"name": "人民日报"})
    assert body["status"] == "rejected", body
    return Submission.objects.get(uid="o1")


def test_submission_page_shows_findings_and_list_links_it(refused, login, moderator):
    c = login(moderator)
    html = c.get("/moderation/submissions/?decision=reject").content.decode()
    assert f'href="/moderation/submissions/{refused.pk}/"' in html
    html = c.get(f"/moderation/submissions/{refused.pk}/").content.decode()
    assert "人民日报" in html and "8.4" in html and 'id="findings"' in html
    assert 'id="overturn"' not in html  # moderators do not overturn


def test_rule_filter(refused, login, moderator):
    rule = next(f["rule"] for f in refused.findings if f.get("severity") == "reject")
    c = login(moderator)
    assert f"/moderation/submissions/{refused.pk}/" in c.get(f"/moderation/submissions/?rule={rule}").content.decode()
    assert f"/moderation/submissions/{refused.pk}/" not in c.get("/moderation/submissions/?rule=nope").content.decode()


def test_supervisor_overturns_a_refusal(refused, login, supervisor):
    c = login(supervisor)
    r = c.post(f"/moderation/submissions/{refused.pk}/overturn/", {"reason": "短"})
    assert r.status_code == 422 and 'id="error-reason"' in r.content.decode()
    r = c.post(f"/moderation/submissions/{refused.pk}/overturn/", {"reason": "是同名的个人账号，并非媒体"})
    assert r.status_code == 302
    refused.refresh_from_db()
    assert refused.status == "overturned"
    account = Account.objects.get(uid="o1")
    assert account.name == "人民日报"
    entry = AuditEntry.objects.get(event="submission.overturned")
    assert entry.new["reason"] == "是同名的个人账号，并非媒体" and entry.new["rules"]
    assert Notice.objects.filter(account_uid="o1", kind="submission_approved").exists()
    counts = selectors.overturned_by_rule()
    assert counts and all(n == 1 for n in counts.values())
    html = c.get("/moderation/rules/").content.decode()
    rule = entry.new["rules"][0]
    assert f'data-testid="overturned-{rule}">1<' in html
    # twice is refused
    with pytest.raises(ServiceError):
        services.submission_overturn(actor=supervisor, submission=refused, reason="再推翻一次试试")


def test_moderator_may_not_overturn(refused, login, moderator):
    assert login(moderator).post(f"/moderation/submissions/{refused.pk}/overturn/",
                                 {"reason": "是同名的个人账号"}).status_code == 403
    with pytest.raises(ServiceError):
        services.submission_overturn(actor=moderator, submission=refused, reason="是同名的个人账号")


def test_old_change_does_not_overwrite_a_newer_one(submit, make_account, supervisor):
    make_account(uid="o2", name="小明")
    submit("o2", {"name": "人民日报"}, kind="change")
    old = Submission.objects.get(uid="o2", status="rejected")
    submit("o2", {"name": "小明明"}, kind="change")
    with pytest.raises(ServiceError) as exc:
        services.submission_overturn(actor=supervisor, submission=old, reason="误伤，应当通过")
    assert exc.value.code == "superseded"
    assert Account.objects.get(uid="o2").name == "小明明"
