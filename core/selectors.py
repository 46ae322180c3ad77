from core.models import AuditEntry


def audit_list(*, user, filters=None):
    from core.filtersets import AuditEntryFilterSet

    qs = AuditEntry.objects.all()
    if filters is not None:
        qs = AuditEntryFilterSet(filters, queryset=qs).qs
    return qs
