"""Receivers for the signals of the apps below (connected in RechecksConfig.ready())."""

from __future__ import annotations


def on_case_decided(sender, *, case, actor, **kwargs):
    """moderation.signals.case_decided: a confirmed recheck case starts the correction deadline."""
    from rechecks.services.corrections import on_recheck_case_decided

    on_recheck_case_decided(case=case, actor=actor)


def on_info_applied(sender, *, actor, account, source, changed, **kwargs):
    """accounts.signals.account_info_applied: a passing change may end a recheck suspension."""
    from rechecks.services.corrections import correction_check_after_change

    correction_check_after_change(actor=actor, account=account)


def on_import_finished(sender, *, run, **kwargs):
    """accounts.signals.import_finished: recheck the imported accounts (Art 15)."""
    from rechecks.services.runs import recheck_start

    recheck_start(actor=None, scope=f"import={run.pk}", join=True, note=f"导入 {run.path}")
