"""Staff management in the back office (admins: ``core.manage_staff``), and the page where a
person sets a password with the one-time link an admin gave them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import roles, staff
from core.errors import ServiceError
from core.forms_staff import StaffCreateForm, StaffRolesForm
from core.models import AuditEntry

manage = permission_required(staff.PERMISSION, raise_exception=True)
RECENT_ACTIONS = 20


def _attach(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _role_words(user) -> list[str]:
    return [str(roles.ROLE_LABELS[r]) for r in staff.roles_of(user)]


@manage
def staff_list(request):
    users = list(User.objects.order_by("-is_active", "username").prefetch_related(Prefetch("groups")))
    return render(request, "core/staff_list.html", {
        "title": _("工作人员"), "rows": [(u, _role_words(u)) for u in users]})


def _link_page(request, user, link: str):
    response = render(request, "core/staff_link.html", {"title": _("设置密码的链接"), "person": user, "link": link})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@manage
def staff_new(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = staff.staff_create(actor=request.user, username=d["username"], full_name=d["full_name"],
                                      email=d["email"], roles=d["roles"])
            link = staff.staff_password_link(actor=request.user, user=user, base_url=request.build_absolute_uri("/"))
        except ServiceError as exc:
            _attach(form, exc)
        else:
            return _link_page(request, user, link)
    return render(request, "core/staff_form.html", {"title": _("新建工作人员"), "form": form},
                  status=422 if form.errors else 200)


def _detail(request, person: User, *, roles_form=None, status: int = 200):
    actions = (AuditEntry.objects.filter(actor_user=person).only("created_at", "event", "subject_label", "source")
               .order_by("-id")[:RECENT_ACTIONS])
    return render(request, "core/staff_detail.html", {
        "title": person.get_username(), "person": person, "roles": _role_words(person),
        "roles_form": roles_form or StaffRolesForm(initial={"roles": staff.roles_of(person)}),
        "actions": list(actions)}, status=status)


@manage
def staff_detail(request, pk):
    person = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)
    if request.method == "POST":
        form = StaffRolesForm(request.POST)
        if form.is_valid():
            try:
                staff.staff_set_roles(actor=request.user, user=person, roles=form.cleaned_data["roles"])
            except ServiceError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("角色已保存"))
                return redirect("core:staff_detail", pk=person.pk)
        return _detail(request, person, roles_form=form, status=422)
    return _detail(request, person)


@require_POST
@manage
def staff_toggle(request, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        staff.staff_set_active(actor=request.user, user=person, active=not person.is_active)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账号已重新启用") if not person.is_active else _("账号已停用"))
    return redirect("core:staff_detail", pk=person.pk)


@never_cache
@require_POST
@manage
def staff_password_link(request, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        link = staff.staff_password_link(actor=request.user, user=person, base_url=request.build_absolute_uri("/"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("core:staff_detail", pk=person.pk)
    return _link_page(request, person, link)


@method_decorator(login_not_required, name="dispatch")
class StaffPasswordSetView(auth_views.PasswordResetConfirmView):
    """Django's reset-confirm page: the token is one-time (it no longer matches once the
    password has changed); the choice is audited."""

    template_name = "registration/staff_password_set.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        staff.staff_password_set_recorded(user=form.user)
        messages.success(self.request, _("密码已设置，请登录"))
        return response
