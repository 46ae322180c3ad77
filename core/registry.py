"""One registry for the extension points of the back office (after NetBox's ``netbox/registry.py``).

``core`` sits low in the layers (rules ← core ← accounts ← moderation ← rechecks | appeals ←
complaints ← reports ← config) and must not know the apps above it. Yet the dashboard, the
navigation, the audit log's event words, the staff roles, the account and case pages and the
exports all show things those apps own. Each app therefore *declares* its pieces here from its
``AppConfig.ready()``; core and the pages below read the registry and never import upwards.

Every store is keyed, so registering the same thing twice (``ready()`` may run more than once in
tests) replaces it instead of adding a duplicate. Nothing here is a mutable list that modules
append to behind each other's backs: the registry is the only place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """A link in the staff navigation, shown to users holding ``permission`` (None: everyone)."""

    url_name: str
    label: Any
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A dashboard, account-page or case-page panel: ``fn(request, *objects) -> dict | None``.

    A dashboard panel returns ``{"title", "value", "url"}`` (a tile) or a dict with ``template``;
    account and case panels return a dict with ``template`` (included with ``panel``) or None.
    """

    key: str
    fn: Callable[..., dict | None]
    order: int = 100


@dataclass(frozen=True)
class WebhookEventType:
    """An event type platform clients can receive by webhook (``core.webhooks``).

    ``scope``: the API scope a client needs to receive it (None: only sent to one named client,
    such as the test event or a complaint's feedback to the client that forwarded it).
    ``example``: the ``data`` of a typical event, for the docs and the back office.
    """

    type: str
    label: Any
    scope: str | None
    example: dict = field(default_factory=dict)


@dataclass
class Registry:
    nav: dict[str, NavItem] = field(default_factory=dict)
    dashboard_panels: dict[str, Panel] = field(default_factory=dict)
    # dashboard charts: fn(request, period: core.charts.Period) -> core.charts.chart(...) | None.
    # Keys are "<app>.<chart>"; rechecks ("rechecks.latest_runs") and appeals
    # ("appeals.overturned_share") register theirs the same way once they exist.
    dashboard_charts: dict[str, Panel] = field(default_factory=dict)
    account_panels: dict[str, Panel] = field(default_factory=dict)
    case_panels: dict[str, Panel] = field(default_factory=dict)
    # audit event code -> words; event group prefix ("case.") -> words
    event_labels: dict[str, Any] = field(default_factory=dict)
    event_groups: dict[str, Any] = field(default_factory=dict)
    # role -> permissions ("app_label.codename"); synced to Django groups after migrate
    role_permissions: dict[str, set[str]] = field(default_factory=dict)
    # list key ("moderation.measures") -> an export declaration (core.exports.ExportSpec)
    exports: dict[str, Any] = field(default_factory=dict)
    # the URL name of the view that writes those exports (kwarg ``key``); "" while no app provides one
    export_view: str = ""
    # demo data: name -> fn(stdout), run by seed_demo after the accounts are seeded
    seed_hooks: dict[str, Panel] = field(default_factory=dict)
    # when holiday data of years changes: name -> fn(*, actor, years) -> int (deadlines changed)
    deadline_recomputers: dict[str, Callable[..., int]] = field(default_factory=dict)
    # extra checks for /healthz and the system status page: name -> fn() -> dict
    health_checks: dict[str, Callable[[], dict]] = field(default_factory=dict)
    # stored files under MEDIA_ROOT: path prefix ("images/") -> permission needed to see them;
    # a file under no registered prefix is never served by the generic media view (fail closed)
    media_prefixes: dict[str, str] = field(default_factory=dict)
    # platform API scopes: scope ("accounts:read") -> words shown when a client is created
    api_scopes: dict[str, Any] = field(default_factory=dict)
    # webhook event types ("notice.created") -> WebhookEventType
    webhook_events: dict[str, WebhookEventType] = field(default_factory=dict)
    # records outside the audit chain that verify_audit also checks (e.g. stored report files):
    # name -> fn() -> (records checked, list of problems found)
    integrity_checks: dict[str, Callable[[], tuple[int, list[str]]]] = field(default_factory=dict)
    # columns holding core.crypto.keyed_hash values: "app_label.Model" -> field names
    # (manage.py rotate_lookup_key wraps each stored hash when the lookup key rotates)
    lookup_hash_fields: dict[str, set[str]] = field(default_factory=dict)


registry = Registry()


def register_nav(url_name: str, label, permission: str | None = None, *, order: int = 100) -> None:
    registry.nav[url_name] = NavItem(url_name, label, permission, order)


def nav_items() -> list[NavItem]:
    return sorted(registry.nav.values(), key=lambda item: item.order)


def _panel(store: dict[str, Panel], fn, order: int, key: str | None) -> None:
    key = key or f"{fn.__module__}.{fn.__qualname__}"
    store[key] = Panel(key, fn, order)


def register_dashboard_panel(fn, *, order: int = 100, key: str | None = None) -> None:
    _panel(registry.dashboard_panels, fn, order, key)


def register_dashboard_chart(fn, *, order: int = 100, key: str | None = None) -> None:
    """A chart on the dashboard (see ``core.charts``); every chart gets the page's date range."""
    _panel(registry.dashboard_charts, fn, order, key)


def register_account_panel(fn, *, order: int = 100, key: str | None = None) -> None:
    _panel(registry.account_panels, fn, order, key)


def register_case_panel(fn, *, order: int = 100, key: str | None = None) -> None:
    _panel(registry.case_panels, fn, order, key)


def panels(store: dict[str, Panel], request, *objects) -> list[dict]:
    """Render the panels of one store for a request, in order, dropping those that return None."""
    out = []
    for panel in sorted(store.values(), key=lambda p: p.order):
        result = panel.fn(request, *objects)
        if result:
            out.append(result)
    return out


def register_events(labels: dict[str, Any], groups: dict[str, Any] | None = None) -> None:
    registry.event_labels.update(labels)
    registry.event_groups.update(groups or {})


def register_role_permissions(role: str, permissions) -> None:
    registry.role_permissions.setdefault(role, set()).update(permissions)


def register_export(key: str, entry) -> None:
    registry.exports[key] = entry


def register_export_view(url_name: str) -> None:
    """The app that writes exports names its view here; list pages link to it by this name."""
    registry.export_view = url_name


def register_seed_hook(fn, *, order: int = 100, key: str | None = None) -> None:
    _panel(registry.seed_hooks, fn, order, key)


def register_deadline_recomputer(name: str, fn: Callable[..., int]) -> None:
    registry.deadline_recomputers[name] = fn


def register_health_check(name: str, fn: Callable[[], dict]) -> None:
    registry.health_checks[name] = fn


def register_media_prefix(prefix: str, permission: str) -> None:
    if not prefix.endswith("/"):
        raise ValueError("a media prefix is a folder and ends with '/'")
    registry.media_prefixes[prefix] = permission


def media_permission(path: str) -> str | None:
    """The permission needed to see the stored file at ``path`` (None: it is not served)."""
    matches = [p for p in registry.media_prefixes if path.startswith(p)]
    return registry.media_prefixes[max(matches, key=len)] if matches else None


def register_api_scopes(scopes: dict[str, Any]) -> None:
    registry.api_scopes.update(scopes)


def register_webhook_events(*types: WebhookEventType) -> None:
    for event_type in types:
        registry.webhook_events[event_type.type] = event_type


def register_integrity_check(name: str, fn: Callable[[], tuple[int, list[str]]]) -> None:
    """``verify_audit`` runs ``fn()`` after the chain: it returns how many records it checked and
    a line per problem (an edited file or row), so an app above core can have its own records
    verified without core importing it."""
    registry.integrity_checks[name] = fn


def register_lookup_hash_fields(model_label: str, *fields: str) -> None:
    """Columns storing ``core.crypto.keyed_hash`` values (``""`` means none). Every such column
    must be registered, or a lookup-key rotation leaves it unmatched (docs/security.md)."""
    registry.lookup_hash_fields.setdefault(model_label, set()).update(fields)
