"""Art 13: a public account (公众账号) shows its operator, registered operating address, content
category, USCC and a valid contact.

Registrations and changes that would leave a public account without the complete block are
refused with every missing or invalid field named (the platform fixes them all in one go). The
USCC is checked with python-stdnum (GB 32100) and, where the account has a verified organisation
identity — a USCC real-name identity (Art 9) or an approved organisation certification — it must
be that organisation's code. ``incomplete_q()`` finds existing public accounts with a gap, for
the dashboard and the account list.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import IdentityMethod, ReviewStatus
from accounts.identity import IdentityError, validate_uscc
from core import crypto
from core.errors import ServiceError

ART13_FIELDS = ("operator_name", "operator_address", "content_category", "uscc", "contact")
FIELD_WORDS = {
    "operator_name": gettext_lazy("运营主体"),
    "operator_address": gettext_lazy("注册运营地址"),
    "content_category": gettext_lazy("内容生产类别"),
    "uscc": gettext_lazy("统一社会信用代码"),
    "contact": gettext_lazy("有效联系方式"),
}


def incomplete_q() -> Q:
    """Public accounts missing any Art 13 field (served by the partial index account_art13_gap_idx)."""
    gap = Q()
    for name in ART13_FIELDS:
        gap |= Q(**{name: ""})
    return Q(is_public_account=True) & gap


def contact_is_valid(value: str) -> bool:
    """A contact the public can use: an e-mail address or a telephone number (mainland without +86)."""
    value = value.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            return False
        return True
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, "CN"))
    except phonenumbers.NumberParseException:
        return False


def verified_uscc_hashes(*, account, identity) -> set[str]:
    """Keyed hashes of the USCCs the account is verified as: the submission's own USCC identity,
    the account's USCC identities, and its approved organisation certifications."""
    hashes: set[str] = set()
    if identity is not None and identity.method == IdentityMethod.USCC:
        hashes.add(identity.number_hash)
    if account is not None:
        hashes.update(account.identities.filter(method=IdentityMethod.USCC).values_list("number_hash", flat=True))
        for number in account.org_certifications.filter(status=ReviewStatus.APPROVED).values_list("uscc", flat=True):
            hashes.add(crypto.keyed_hash(IdentityMethod.USCC, number))
    return hashes


def _uscc_problem(value: str, verified: set[str]) -> tuple[str, str] | None:
    try:
        number = validate_uscc(value, field_name="uscc").number
    except IdentityError as exc:
        return exc.message, "invalid"
    if verified and crypto.keyed_hash(IdentityMethod.USCC, number) not in verified:
        return _("统一社会信用代码与账号已认证的机构身份不一致"), "mismatch"
    return None


def block_problems(block: dict, *, verified: set[str]) -> list[dict]:
    """Every missing or invalid Art 13 field, as API errors (``info.<field>``)."""
    problems = []
    for name in ART13_FIELDS:
        value = (block.get(name) or "").strip()
        found = None
        if not value:
            found = (_("公众账号须填写%(field)s（Art 13）") % {"field": FIELD_WORDS[name]}, "required")
        elif name == "uscc":
            found = _uscc_problem(value, verified)
        elif name == "contact" and not contact_is_valid(value):
            found = (_("有效联系方式须为电子邮箱或电话号码"), "invalid")
        if found:
            problems.append({"field": f"info.{name}", "message": found[0], "code": found[1]})
    return problems


def check_submission(*, info: dict, account, is_public: bool | None, identity) -> None:
    """Refuse (422) a registration or change that would leave a public account without its
    complete Art 13 block; the block is the account's live fields overlaid with the submitted ones."""
    public = is_public if is_public is not None else bool(account is not None and account.is_public_account)
    if not public:
        return
    block = {name: getattr(account, name) for name in ART13_FIELDS} if account is not None else {}
    block.update({k: v for k, v in info.items() if k in ART13_FIELDS})
    problems = block_problems(block, verified=verified_uscc_hashes(account=account, identity=identity))
    if problems:
        fields = "、".join(str(FIELD_WORDS[p["field"][5:]]) for p in problems)
        raise ServiceError(_("公众账号信息不完整或无效（Art 13）：%(fields)s") % {"fields": fields},
                           field=problems[0]["field"], code="art13_incomplete", errors=problems)
