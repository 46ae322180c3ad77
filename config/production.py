"""What production refuses to start without (issue 11 §4; docs/security.md, README "Production").

With ``QINGLANG_ENV=production`` the embedded fallbacks are wrong, not merely slow: SQLite and a
per-process memory cache make rate limits, one-use captcha answers and log-in lockouts hold per
process only, and a guessable secret key forges sessions. So settings call ``problems()`` and
refuse to start, naming every missing or weak setting at once.
"""

from __future__ import annotations

from collections.abc import Mapping

MIN_SECRET_LENGTH = 50  # what Django's check --deploy (security.W009) asks for
MIN_SECRET_UNIQUE = 5
WEAK_SECRETS = {"dev-only-insecure-key-qinglang"}


def weak_secret(secret: str) -> bool:
    return (len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < MIN_SECRET_UNIQUE
            or secret.startswith("django-insecure") or secret in WEAK_SECRETS)


def problems(env: Mapping[str, str]) -> list[str]:
    """Every reason this environment must not run production, as lines for the operator."""
    found = []
    database = env.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://", "pgsql://")):
        found.append("DATABASE_URL must name PostgreSQL (postgres://user@host:5432/name); "
                     "the embedded SQLite database is for development only.")
    if not env.get("REDIS_URL", "").startswith(("redis://", "rediss://", "unix://")):
        found.append("REDIS_URL must name Redis (redis://host:6379/0): jobs, rate limits, captcha answers "
                     "and log-in lockouts must be shared by every process.")
    if weak_secret(env.get("DJANGO_SECRET_KEY", "")):
        found.append(f"DJANGO_SECRET_KEY must be a random string of at least {MIN_SECRET_LENGTH} characters "
                     "(python -c 'import secrets; print(secrets.token_urlsafe(64))').")
    for name, what in (("QINGLANG_FIELD_KEY", "the field encryption key"),
                       ("QINGLANG_LOOKUP_KEY", "the lookup-hash key (upgrading: the last key of QINGLANG_FIELD_KEY)"),
                       ("QINGLANG_AUDIT_KEY", "the audit MAC key (kept outside the database)")):
        if not env.get(name, "").strip():
            found.append(f"{name} must be set: {what}; generate one with python manage.py generate_field_key.")
    return found
