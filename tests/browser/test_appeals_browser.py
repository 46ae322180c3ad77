"""The account holder opens the appeal link in a notice (no login), files an appeal with a picture;
a second supervisor — not the one who issued the measure — claims it from the queue and lifts
the measure; the first supervisor is told they may not review it."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Account
from appeals.models import Appeal
from moderation.choices import MeasureState, NoticeKind
from moderation.models import Measure, Notice
from moderation.services.measures import measure_apply
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_appeal_filed_from_the_notice_link_and_decided_by_a_second_supervisor(
        page, staff_login, supervisor, supervisor2, make_account, tmp_path):
    account = make_account(uid="ap1", name="山里的摄影师", bio="全网最专业的风光摄影")
    measure = measure_apply(actor=supervisor, account=account, kind="suspend", legal_basis=["8.7"],
                            reason="简介夸大其词", expires_at=timezone.now() + dt.timedelta(days=7))
    notice = Notice.objects.get(measure=measure, kind=NoticeKind.MEASURE_APPLIED)
    picture = tmp_path / "proof.png"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, format="PNG")
    picture.write_bytes(buf.getvalue())

    # The holder, not logged in, follows the link the platform passed on.
    page.goto(notice.payload["appeal_url"])
    assert "暂停使用" in page.inner_text("main")
    page.fill("textarea[name=statement]", "我是获奖的风光摄影师，简介属实，附获奖证书。")
    page.set_input_files("input[name=evidence]", str(picture))
    page.click("button[type=submit]")
    code = page.inner_text("[data-testid=tracking-code]").strip()
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.evidence.count() == 1 and appeal.source == "public"

    # The supervisor who issued the measure cannot review it.
    staff_login("supervisor", PASSWORD)
    page.goto(f"/appeals/{appeal.pk}/")
    assert page.locator("[data-testid=appeal-involved]").is_visible()
    page.context.clear_cookies()

    staff_login("supervisor2", PASSWORD)
    page.goto("/appeals/")
    page.click("[data-testid=appeal-claim-next]")
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    page.check("input[name=outcome][value=lifted]")
    page.check("input[name=articles][value='8.7']")
    page.fill("textarea[name=reason]", "获奖证书属实，简介不构成夸大。")
    page.click("[data-testid=appeal-decide] button[type=submit]")
    page.wait_for_selector("[data-testid=appeal-outcome]")
    assert "撤销" in page.inner_text("[data-testid=appeal-outcome]")

    assert Measure.objects.get(pk=measure.pk).state == MeasureState.LIFTED
    assert Account.objects.get(pk=account.pk).credit_score == 100
    assert Notice.objects.filter(kind=NoticeKind.APPEAL_DECIDED, account=account).exists()
