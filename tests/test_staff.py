"""Staff management (issue 22): admins create and deactivate staff, assign roles and issue
one-time password links; every change is an audit entry; nobody else may; deactivated staff keep
their name on past records."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from core import roles, staff
from core.errors import ServiceError
from core.models import AuditEntry


def _events(user) -> list[str]:
    return list(AuditEntry.objects.filter(subject_type="auth.user", subject_id=str(user.pk))
                .order_by("id").values_list("event", flat=True))


def test_admin_creates_staff_assigns_roles_and_deactivates_audited(admin_user):
    person = staff.staff_create(actor=admin_user, username="li.si", full_name="李四", roles=[roles.MODERATOR])
    assert staff.roles_of(person) == [roles.MODERATOR] and not person.has_usable_password()
    staff.staff_set_roles(actor=admin_user, user=person, roles=[roles.MODERATOR, roles.SUPERVISOR])
    staff.staff_set_active(actor=admin_user, user=person, active=False)
    staff.staff_set_active(actor=admin_user, user=person, active=True)
    assert _events(person) == ["staff.created", "staff.roles_changed", "staff.deactivated", "staff.reactivated"]
    change = AuditEntry.objects.get(event="staff.roles_changed")
    assert change.old == {"roles": ["moderator"]} and change.new == {"roles": ["moderator", "supervisor"]}
    assert change.actor_user == admin_user and change.actor_label
    person.refresh_from_db()
    assert set(person.groups.values_list("name", flat=True)) == {"moderator", "supervisor"}


@pytest.mark.parametrize("who", ["moderator", "supervisor", "auditor"])
def test_only_admins_manage_staff(request, who, admin_user):
    actor = request.getfixturevalue(who)
    with pytest.raises(ServiceError) as exc:
        staff.staff_create(actor=actor, username="x1", roles=[roles.MODERATOR])
    assert exc.value.status == 403
    with pytest.raises(ServiceError):
        staff.staff_set_roles(actor=actor, user=actor, roles=[roles.ADMIN])
    assert not AuditEntry.objects.filter(event__startswith="staff.").exists()


def test_bad_input_names_the_field(admin_user):
    for kwargs, field in [({"username": "a b", "roles": ["moderator"]}, "username"),
                          ({"username": "ok.name", "roles": ["boss"]}, "roles"),
                          ({"username": "ok.name", "roles": []}, "roles"),
                          ({"username": "ADMIN", "roles": ["moderator"]}, "username")]:
        with pytest.raises(ServiceError) as exc:
            staff.staff_create(actor=admin_user, **kwargs)
        assert exc.value.field == field, kwargs


def test_the_last_admin_cannot_be_removed_or_deactivate_themselves(admin_user):
    with pytest.raises(ServiceError) as exc:
        staff.staff_set_active(actor=admin_user, user=admin_user, active=False)
    assert exc.value.status == 403
    other = staff.staff_create(actor=admin_user, username="admin2", roles=[roles.ADMIN])
    with pytest.raises(ServiceError) as exc:
        staff.staff_set_roles(actor=admin_user, user=admin_user, roles=[roles.MODERATOR])
    assert exc.value.field == "roles"
    staff.staff_set_active(actor=admin_user, user=other, active=False)
    with pytest.raises(ServiceError) as exc:  # admin2 is inactive: admin is the last one
        staff.staff_set_roles(actor=None, user=admin_user, roles=[roles.MODERATOR])
    assert exc.value.code == "last_admin"


def test_deactivated_staff_cannot_sign_in_and_keep_their_name_on_records(admin_user, moderator, login, client):
    from moderation.services import pause_set

    supervisor = staff.staff_create(actor=admin_user, username="wang.wu", roles=[roles.SUPERVISOR])
    supervisor = User.objects.get(pk=supervisor.pk)
    pause_set(actor=supervisor, scope="registration", reason="演练暂停")
    session = login(supervisor)
    assert session.get("/").status_code == 200
    staff.staff_set_active(actor=admin_user, user=supervisor, active=False)
    assert session.get("/").status_code == 302  # signed out at the next request
    entry = AuditEntry.objects.get(event="pause.set")
    assert entry.actor_label == "wang.wu" and entry.actor_user_id == supervisor.pk


def test_password_link_is_one_time_and_audited(admin_user, client):
    person = staff.staff_create(actor=admin_user, username="zhao.liu", roles=[roles.AUDITOR])
    link = staff.staff_password_link(actor=admin_user, user=person, base_url="https://ql.example.cn/")
    assert link.startswith("https://ql.example.cn/records/staff/password/")
    path = link.removeprefix("https://ql.example.cn")
    r = client.get(path, follow=True)
    assert r.status_code == 200 and "new_password1" in r.content.decode()
    form_url = r.redirect_chain[-1][0]
    r = client.post(form_url, {"new_password1": "Qinglang-good-pass-42", "new_password2": "Qinglang-good-pass-42"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Qinglang-good-pass-42")
    r = client.get(path, follow=True)
    assert 'data-testid="invalid-link"' in r.content.decode()  # used once: no more
    assert _events(person) == ["staff.created", "staff.password_link_issued", "staff.password_set"]
    assert "Qinglang-good-pass-42" not in str(list(AuditEntry.objects.values_list("new", flat=True)))


def test_a_new_link_stops_the_old_password(admin_user):
    person = staff.staff_create(actor=admin_user, username="qian.qi", roles=[roles.MODERATOR])
    person.set_password("old-password-123")
    person.save()
    staff.staff_password_link(actor=admin_user, user=person)
    person.refresh_from_db()
    assert not person.check_password("old-password-123")


def test_create_staff_command_makes_the_first_admin(db, capsys):
    call_command("create_staff", "first.admin", "--role", "admin", "--name", "首位管理员",
                 "--base-url", "https://ql.example.cn")
    out = capsys.readouterr().out
    assert re.search(r"https://ql\.example\.cn/records/staff/password/\S+/\S+/", out)
    user = User.objects.get(username="first.admin")
    assert staff.roles_of(user) == ["admin"] and user.is_staff and user.has_perm("core.manage_staff")
    entry = AuditEntry.objects.get(event="staff.created")
    assert entry.source == "shell" and entry.actor_user is None


def test_staff_pages_for_admins_only(admin_user, moderator, login):
    assert login(moderator).get("/records/staff/").status_code == 403
    page = login(admin_user)
    r = page.post("/records/staff/new/", {"username": "sun.ba", "full_name": "孙八", "roles": ["moderator"]})
    assert r.status_code == 200 and 'data-testid="link"' in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    person = User.objects.get(username="sun.ba")
    r = page.post(f"/records/staff/{person.pk}/", {"roles": ["nonsense"]})
    assert r.status_code == 422 and 'data-field="roles"' in r.content.decode()
    r = page.post(f"/records/staff/{person.pk}/", {"roles": ["supervisor"]})
    assert r.status_code == 302 and staff.roles_of(person) == ["supervisor"]
    assert page.get(f"/records/staff/{person.pk}/").status_code == 200
    assert page.post(f"/records/staff/{person.pk}/toggle/").status_code == 302
    person.refresh_from_db()
    assert not person.is_active


def test_staff_list_query_count(admin_user, login, flat_query_count):
    page = login(admin_user)

    def add(i):
        staff.staff_create(actor=None, username=f"person{i}", roles=[roles.MODERATOR, roles.AUDITOR])

    flat_query_count(page, "/records/staff/", add, budget=12, shows=lambda i: f"person{i}")
