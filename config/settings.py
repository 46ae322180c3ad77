"""Settings for Qinglang.

Everything that differs between a laptop and production comes from the environment:

* ``QINGLANG_ENV`` — ``development`` (default) or ``production``. Production refuses to start
  without PostgreSQL, Redis, a strong ``DJANGO_SECRET_KEY`` and the field, lookup and audit keys
  (config/production.py; Art 16: a missing key must never silently fall back to a known one).
* ``DATABASE_URL`` — PostgreSQL in production; without it an embedded SQLite file is used so
  ``make run`` needs nothing but Python.
* ``REDIS_URL`` — Redis for RQ; without it background jobs run in-process after commit.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from django.core.exceptions import ImproperlyConfigured

from config import production
from core.clientip import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QINGLANG_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("QINGLANG_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
if PRODUCTION and not os.environ.get("QINGLANG_VAR_DIR"):
    # Uploaded files and generated reports live outside the code checkout (docs/operations.md).
    VAR_DIR = Path("/var/lib/qinglang")
DEBUG = os.environ.get("DJANGO_DEBUG", "0" if PRODUCTION else "1") == "1"

if PRODUCTION and (_unsafe := production.problems(os.environ)):
    raise ImproperlyConfigured("QINGLANG_ENV=production refuses to start:\n  - " + "\n  - ".join(_unsafe))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-qinglang"  # noqa: S105 - development default only

# Field encryption key for identity numbers and phones (Art 16). urlsafe base64 of 32 bytes;
# several keys separated by commas allow rotation (the first encrypts, all decrypt).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in os.environ.get("QINGLANG_FIELD_KEY", "").split(",") if k.strip()]
if not FIELD_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "QINGLANG_FIELD_KEY must be set when QINGLANG_ENV=production "
            "(generate one with: python manage.py generate_field_key)."
        )
    # A fixed development key: demo data only, never real identities.
    FIELD_ENCRYPTION_KEYS = ["ZGV2LW9ubHkta2V5LXFpbmdsYW5nLTMyLWJ5dGVzISE="]
# Audit MAC key (core/audit.py): outside the database, so whoever can write to the database
# cannot recompute the audit chain. Never change it (verify_audit checks old entries with it).
AUDIT_KEY = os.environ.get("QINGLANG_AUDIT_KEY", "").strip() or "ZGV2LW9ubHktYXVkaXQta2V5LXFpbmdsYW5nLTMyYnl0ZXM="
# Signed lane-head checkpoints are also appended to this file: ship it off the machine.
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("QINGLANG_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl"))
# Lookup-hash key chain (core/crypto.py): its own key, so field keys rotate without touching the
# blocklist; empty in development means "the last field key", as before the keys were separated.
LOOKUP_KEYS = [k.strip() for k in os.environ.get("QINGLANG_LOOKUP_KEY", "").split(",") if k.strip()]

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Reverse proxies whose X-Forwarded-For is believed (core/clientip.py); empty: the header is ignored.
TRUSTED_PROXIES = parse_networks(os.environ.get("QINGLANG_TRUSTED_PROXIES", ""))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_rq",
    "captcha",
    "ninja",  # serves /api/docs from its own static files (Swagger UI), not from a CDN
    "axes",
    "csp",
    "pgtrigger",
    # Our apps in the order of their layers (docs/architecture.md): each imports only those above it here.
    "core",
    "accounts",
    "moderation",
    "appeals",
    "rechecks",
    "complaints",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.logging.AccessLogMiddleware",  # one line per request: id, user id, path, status, duration
    # before anything reads a request body: caps multipart bodies, counts public complaint POSTs
    "complaints.middleware.PublicIntakeGuardMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreForStaffMiddleware",  # staff pages and API answers: Cache-Control no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ApiCallMiddleware",
    "core.middleware.PublicPathsLoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused log-in into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "moderation.context_processors.pause_banner",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "qinglang.sqlite3",
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (RQ). Without REDIS_URL, core.jobs runs work in-process after commit.
REDIS_URL = os.environ.get("REDIS_URL", "")
JOBS_SYNC = os.environ.get("QINGLANG_JOBS_SYNC", "0") == "1"
_rq_url = REDIS_URL or "redis://127.0.0.1:6379/0"
RQ_QUEUES = {
    name: {"URL": _rq_url, "DEFAULT_TIMEOUT": 600, "ASYNC": not JOBS_SYNC}
    for name in ("high", "default", "low")
}
RQ = {"COMMIT_MODE": "auto", "WORKER_CLASS": "core.worker.Worker"}

# Redis outages (issue 18, docs/operations.md): the cache answers "miss" and callers read
# PostgreSQL, jobs wait in core.PendingJob, rate limits count in PostgreSQL. A failed call opens a
# per-process breaker for REDIS_BREAKER_OPEN_SECONDS; the outage is logged once per WARN interval.
_redis_timeout = int(os.environ.get("QINGLANG_REDIS_TIMEOUT_MS", 50)) / 1000
REDIS_OPTIONS = {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout}
REDIS_BREAKER_OPEN_SECONDS = float(os.environ.get("QINGLANG_REDIS_BREAKER_SECONDS", 5))
REDIS_BREAKER_WARN_SECONDS = float(os.environ.get("QINGLANG_REDIS_WARN_SECONDS", 60))
PENDING_JOB_GRACE_SECONDS = 30
CACHES = {
    "default": (
        {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_OPTIONS}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Staff sessions live in PostgreSQL, so a Redis outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# --- Security (issue 11 §3–§5; docs/security.md) ---------------------------------------------
# Argon2 first (PBKDF2 costs 1–3 s per log-in on these CPUs); older hashes still verify and are
# re-hashed with Argon2 when their owner logs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Log-in lockout (core/login_lockout.py): per user name and per client address, separately.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("QINGLANG_LOGIN_FAILURE_LIMIT", 5))
QINGLANG_LOGIN_COOLOFF_MINUTES = int(os.environ.get("QINGLANG_LOGIN_COOLOFF_MINUTES", 15))
AXES_COOLOFF_TIME = "core.login_lockout.cooloff"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_CLIENT_STR_CALLABLE = "core.login_lockout.client_str"
AXES_LOCKOUT_CALLABLE = "core.login_lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# HTTPS (production defaults; each can be changed). Behind a TLS-terminating proxy set
# QINGLANG_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https — and make sure the proxy overwrites it.
SECURE_SSL_REDIRECT = os.environ.get("QINGLANG_SSL_REDIRECT", "1" if PRODUCTION else "0") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("QINGLANG_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("QINGLANG_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("QINGLANG_HSTS_PRELOAD", "1") == "1"
if _proxy_ssl := os.environ.get("QINGLANG_PROXY_SSL_HEADER", ""):
    _header, _, _value = _proxy_ssl.partition(",")
    if not (_header.startswith("HTTP_") and _value):
        raise ImproperlyConfigured("QINGLANG_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO,https")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())
# Content-Security-Policy (django-csp): only this site's own (vendored) files; no inline script
# or style except an element carrying the per-request nonce ({{ request.csp_nonce }}).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", CSP_NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root even when serving from finders
MEDIA_ROOT = Path(os.environ.get("QINGLANG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Request bodies: API images are base64 inside JSON, so allow a few MB; anything bigger is 413.
# The API call log is written in batches (core.apicalls): this many rows, or after this long.
# A process killed outright loses what is waiting; 1 writes every call before its answer.
API_CALL_BATCH_ROWS = int(os.environ.get("QINGLANG_API_CALL_BATCH_ROWS", 50))
API_CALL_BATCH_SECONDS = float(os.environ.get("QINGLANG_API_CALL_BATCH_SECONDS", 1.0))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("QINGLANG_MAX_BODY_BYTES", 8 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "generic/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

NINJA_PAGINATION_PER_PAGE = 50

# The public complaint form's captcha (django-simple-captcha, served under /complaints/public/):
# characters from complaints.captcha (secrets, no look-alikes), valid as long as the form is.
CAPTCHA_CHALLENGE_FUNCT = "complaints.captcha.challenge"
CAPTCHA_TIMEOUT = 30  # minutes
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LETTER_ROTATION = (-25, 25)  # legible to people; the alphabet has no look-alikes

# Public URL prefixes that need no login (Art 19: the complaint entrance is public); views can
# also opt out one by one with django.contrib.auth.decorators.login_not_required.
PUBLIC_PATH_PREFIXES = ("/healthz", "/static/", "/api/", "/login/", "/i18n/", "/complaints/public/", "/appeals/public/",
                        "/moderation/public/", "/platform-rules/", "/favicon.ico")

# Outbound webhooks (core/webhooks, docs/integration.md). Production accepts only https:// URLs;
# URLs resolving to loopback, private, link-local, reserved or cloud-metadata addresses are refused
# unless QINGLANG_WEBHOOK_ALLOW_NETWORKS names them (comma-separated addresses or networks).
# E-mail (organisation certification outcomes): the console backend by default (make run prints
# the message); production sets the SMTP backend and its host through the environment (README).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Django 6.1 deprecates the EMAIL_* settings in favour of MAILERS (removal in 2028); pytest-django
# still swaps EMAIL_BACKEND for its outbox, so they stay, and only those the environment sets are set.
for _name, _cast in (("EMAIL_HOST", str), ("EMAIL_PORT", int), ("EMAIL_HOST_USER", str),
                     ("EMAIL_HOST_PASSWORD", str), ("EMAIL_TIMEOUT", int)):
    if os.environ.get(f"DJANGO_{_name}"):
        globals()[_name] = _cast(os.environ[f"DJANGO_{_name}"])
for _name in ("EMAIL_USE_TLS", "EMAIL_USE_SSL"):
    if os.environ.get(f"DJANGO_{_name}"):
        globals()[_name] = os.environ[f"DJANGO_{_name}"] == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "qinglang@localhost")
# Seconds each dashboard chart is cached per period, language and permission set (0: never).
DASHBOARD_CHART_CACHE_SECONDS = int(os.environ.get("QINGLANG_DASHBOARD_CACHE_SECONDS", 120))
# Working days an organisation certification is reviewed within (official-website plan).
ORG_CERT_REVIEW_WORKING_DAYS = int(os.environ.get("QINGLANG_ORG_CERT_REVIEW_WORKING_DAYS", 5))

WEBHOOK_REQUIRE_HTTPS = os.environ.get("QINGLANG_WEBHOOK_REQUIRE_HTTPS", "1" if PRODUCTION else "0") == "1"
WEBHOOK_ALLOWED_NETWORKS = parse_networks(os.environ.get("QINGLANG_WEBHOOK_ALLOW_NETWORKS", ""),
                                          setting="QINGLANG_WEBHOOK_ALLOW_NETWORKS")
# Seconds from a failed attempt to the next: 10 s, 1 min, 5 min, 30 min, 2 h (six attempts in all).
WEBHOOK_RETRY_SECONDS = [int(s) for s in os.environ.get("QINGLANG_WEBHOOK_RETRY_SECONDS",
                                                        "10,60,300,1800,7200").split(",") if s.strip()]
WEBHOOK_CONNECT_TIMEOUT = 3.0
WEBHOOK_READ_TIMEOUT = 10.0
WEBHOOK_MAX_RESPONSE_BYTES = 4096
# A "sending" attempt older than this died with its process (no attempt can take this long).
WEBHOOK_ATTEMPT_STALE_SECONDS = 120
# The sweep queues a delivery whose booked retry is this late.
WEBHOOK_SWEEP_GRACE_SECONDS = 60

# Logs: plain lines in development, JSON lines in production (QINGLANG_LOG_FORMAT overrides);
# errors also go to QINGLANG_ERROR_HANDLER (a dotted logging.Handler class, e.g. a Sentry or
# syslog handler) when set — docs/security.md, "Error reporting".
LOG_FORMAT = os.environ.get("QINGLANG_LOG_FORMAT", "json" if PRODUCTION else "plain")
ERROR_HANDLER = os.environ.get("QINGLANG_ERROR_HANDLER", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"},
                "disallowed_host": {"()": "core.logging.DisallowedHostFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
        **({"errors": {"class": ERROR_HANDLER, "level": "ERROR", "filters": ["request_id"]}} if ERROR_HANDLER else {}),
    },
    "root": {"handlers": ["console", *(["errors"] if ERROR_HANDLER else [])],
             "level": os.environ.get("QINGLANG_LOG_LEVEL", "INFO")},
    "loggers": {
        # django.request logs full request lines; keep it at WARNING and never log bodies.
        "django.request": {"level": "WARNING"},
        # scanners naming other hosts: one WARNING line each, no traceback (docs/operations.md)
        "django.security.DisallowedHost": {"filters": ["disallowed_host"]},
        # one line per request (core.logging.AccessLogMiddleware); QINGLANG_ACCESS_LOG=0 silences it
        "qinglang.request": {"level": "INFO" if os.environ.get("QINGLANG_ACCESS_LOG", "1") == "1" else "WARNING"},
    },
}
