"""The account page's recheck history panel (registered through core.registry)."""

from rechecks import selectors


def account_recheck_panel(request, account):
    if not request.user.has_perm("rechecks.view_recheckrun"):
        return None
    return {
        "template": "rechecks/partials/account_rechecks.html",
        "account": account,
        "results": selectors.account_results(account),
        "corrections": selectors.account_corrections(account),
    }
