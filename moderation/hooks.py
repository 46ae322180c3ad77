"""Receivers moderation connects to the account registry's signals: Art 11 qualifications and
organisation certifications submitted through the API open review cases."""

from moderation.choices import CaseReason


def on_qualification_submitted(sender, *, actor, obj, **kwargs) -> None:
    from moderation.services.cases import QUALIFICATION_RULE, case_open

    # One finding per domain (its rule names the domain): a qualification in a second domain joins
    # the account's open qualification case as a finding of its own, and deciding the case decides
    # every qualification it lists (issue 11: it used to replace the first, left pending for ever).
    case_open(actor=actor, account=obj.account, reason=CaseReason.QUALIFICATION, source=f"qualification:{obj.pk}",
              qualification=obj, requires_supervisor=True, findings=[{
                  "article": "11", "rule": f"{QUALIFICATION_RULE}.{obj.domain}", "field": "qualification",
                  "span": [0, 0],
                  "matched": obj.document_name, "term": obj.domain, "evasion": [], "severity": "review",
                  "explanation": f"提交{obj.get_domain_display()}资质：{obj.document_name}（{obj.issuer}）"}])


def on_org_certification_submitted(sender, *, actor, obj, **kwargs) -> None:
    from moderation.services.cases import case_open

    case_open(actor=actor, account=obj.account, reason=CaseReason.ORG_CERTIFICATION,
              source=f"org_certification:{obj.pk}", org_certification=obj, requires_supervisor=True,
              due_at=obj.due_at, findings=[{
                  "article": "7", "rule": "org_certification_submitted", "field": "org_name", "span": [0, 0],
                  "matched": obj.full_name, "term": obj.uscc, "evasion": [], "severity": "review",
                  "explanation": f"机构认证申请：{obj.full_name}（{obj.get_org_class_display()}）"}])


def on_rule_version_published(sender, *, version, actor=None, **kwargs) -> None:
    """Art 6: a new version that requires acceptance is announced to every account, by a job after
    commit (one notice per account; the platform asks the user to accept)."""
    if version.requires_acceptance:
        from core.jobs import enqueue

        enqueue("moderation.jobs.rule_version_notices", version.pk, queue="low")
