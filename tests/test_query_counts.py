"""Staff list and detail pages: their database queries do not grow with the rows they show
(Zulip's ``assert_database_query_count``; pytest-django's ``django_assert_max_num_queries``).

Each page is measured with one row, then again after twenty more (the ``flat_query_count``
fixture in conftest.py): the count must be the same, and within the page's budget (a budget
that grows is a decision, not an accident). The account, case and complaint lists and the case
page have theirs beside their other tests."""

from __future__ import annotations

from accounts import services as account_services
from core.audit import record
from moderation import services
from moderation.choices import MeasureKind, PauseScope


def test_dashboard(login, admin_user, supervisor, make_account, flat_query_count):
    def add_row(i):
        account = make_account(name=f"仪表盘{i}")
        services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                               reason=f"警示 {i}")
        services.case_open(actor=None, reason="registration", source="test", account=account)

    # tiles (one query each) + 12 charts (one or two aggregate queries each)
    flat_query_count(login(admin_user), "/", add_row, budget=40)


def test_audit_log(login, auditor, make_account, flat_query_count):
    from django.db import transaction

    account = make_account(uid="audited")

    def add_row(i):
        with transaction.atomic():
            record(f"test.event{i % 3}", actor=auditor, subject=account, new={"i": i})

    flat_query_count(login(auditor), "/records/audit/", add_row, budget=10)


def test_account_detail(login, supervisor, make_account, flat_query_count):
    account = make_account(uid="detail", mobile="13800138000")

    def add_row(i):
        account_services.account_apply_info(actor=None, account=account, info={"bio": f"简介第{i}版"})
        services.measure_apply(actor=supervisor, account=account, kind=MeasureKind.WARNING, legal_basis=["8.7"],
                               reason=f"警示 {i}")

    flat_query_count(login(supervisor), f"/accounts/{account.uid}/", add_row, budget=30)


def test_measure_list(login, supervisor, make_account, flat_query_count):
    def add_row(i):
        services.measure_apply(actor=supervisor, account=make_account(uid=f"measured-{i}"), kind=MeasureKind.WARNING,
                               legal_basis=["8.7"], reason=f"警示 {i}")

    flat_query_count(login(supervisor), "/moderation/measures/", add_row, budget=10,
                     shows=lambda i: f"measured-{i}<")


def test_pending_measures(login, supervisor, supervisor2, make_account, flat_query_count):
    def add_row(i):
        services.measure_apply(actor=supervisor, account=make_account(uid=f"closing-{i}"), kind=MeasureKind.CLOSE,
                               legal_basis=["8.7"], reason=f"多次违规 {i}")

    flat_query_count(login(supervisor2), "/moderation/measures/pending/", add_row, budget=10,
                     shows=lambda i: f"closing-{i}<")


def test_rules_page(login, supervisor, flat_query_count):
    def add_row(i):
        services.rule_term_save(actor=supervisor, term=f"测试违规词{i}", category="测试", article="8.7")

    flat_query_count(login(supervisor), "/moderation/rules/", add_row, budget=10, shows=lambda i: f"测试违规词{i}<")


def test_reason_templates(login, supervisor, flat_query_count):
    def add_row(i):
        services.reason_template_save(actor=supervisor, article="8.7", title=f"理由模板{i}", text="账号名称含有违规内容")

    flat_query_count(login(supervisor), "/moderation/rules/reasons/", add_row, budget=10,
                     shows=lambda i: f"理由模板{i}<")


def test_pause_switches(login, supervisor, flat_query_count):
    def add_row(i):
        switch = services.pause_set(actor=supervisor, scope=PauseScope.REGISTRATION, reason=f"演练 {i}")
        services.pause_lift(actor=supervisor, switch=switch)

    flat_query_count(login(supervisor), "/moderation/pauses/", add_row, budget=12, shows=lambda i: f"演练 {i}<")


def test_my_cases(login, moderator, make_account, flat_query_count):
    def add_row(i):
        case = services.case_open(actor=None, reason="registration", source="test",
                                  account=make_account(uid=f"mine-{i}"))
        services.case_claim(actor=moderator, case=case)

    flat_query_count(login(moderator), "/moderation/cases/mine/", add_row, budget=12)
