"""Settings for carehub, read from the environment.

Defaults are safe for the demo on SQLite (DEBUG=1). With DEBUG off, production sets SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, EMAIL_URL and DEFAULT_FROM_EMAIL, or carehub refuses to start; `manage.py check --deploy --fail-level
WARNING` then reports nothing (see docs/deploy.md).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

# The fallback key is only for a local demo (DEBUG on); with DEBUG off carehub refuses to start with it
# (carehub/checks.py, `carehub.E001`), as it does with SQLite, no ALLOWED_HOSTS or mail kept in memory.
DEMO_SECRET_KEY = "django-insecure-local-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY

# The demo answers on this machine; production names its hosts (none by default: `carehub.E006`).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# carehub's own apps come first: their translations and templates take precedence over Django's
# (the admin's Catalan "Log in" would otherwise win over the wording our pages use).
INSTALLED_APPS = [
    "carehub",
    "lending",
    "activities",
    "advice",
    "news",
    "guidance",
    "carehub.insights",
    # Before the admin, as its docs require: it patches the admin's model forms (docs/translation.md).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: the request id, the request log line and the metrics see every answer (carehub/observability).
    "carehub.observability.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carehub.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carehub.middleware.ContentSecurityPolicyMiddleware",
    "carehub.middleware.ApiErrorShapeMiddleware",
    "carehub.middleware.DatabaseErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "carehub.auth.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for 15 minutes; a desk PC shared by
# a team is not locked out for everyone by one person's typos.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "carehub.auth.lockout_response"
# The client's address: REMOTE_ADDR when carehub is reached directly; behind PROXY_COUNT trusted proxies (1 for
# one load balancer), the address the first of them saw, counted from the right of X-Forwarded-For
# (django-ipware counts the proxies listed in the header, hence the -1). What a client writes in the header
# itself is never taken: without proxies the header is ignored.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
# Beside 5 failures per (account, address): this many failures from one address, whatever the accounts, pause
# that address (password spraying); a stranger elsewhere can never lock a named account out.
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "10"))
AXES_VERBOSE = False  # its banner would open the output of every management command

ROOT_URLCONF = "carehub.urls"
WSGI_APPLICATION = "carehub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carehub.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent desks on the demo database wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction starts, so two desks writing at once queue up instead of one
    # failing with "database is locked" when its read turns into a write.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Separate test databases let several test runs share one PostgreSQL server.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

# How long an operation waits for a row another operation holds before answering "busy, try again"
# (carehub.locking). Operations hold their locks for milliseconds; a wait this long means trouble.
LOCK_TIMEOUT_MS = int(os.environ.get("LOCK_TIMEOUT_MS", "5000"))

# An API token stops working this many days after its last use (carehub.api_auth).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# API lists answer at most this many rows per page, whatever `limit` a client asks for.
NINJA_PAGINATION_MAX_LIMIT = 200

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Catalan first: it is the city's first language, then Spanish and English.
LANGUAGE_CODE = "ca"
LANGUAGES = [("ca", _("Catalan")), ("es", _("Spanish")), ("en", _("English"))]
# Each app keeps its catalogue in <app>/locale (see `make messages`).
LOCALE_PATHS: list = []
# Catalogue content (item types, advice services, activities, hubs) in the three languages: Catalan is the
# original, the one coordinators must fill in; an empty language shows the original, marked with its lang
# ({% content %} in carehub/templatetags/content.py). See docs/translation.md.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ca"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ca", "es", "en")}
TIME_ZONE = "Europe/Madrid"
# Public holidays series skip by default (carehub/holidays.py): Catalonia's from the `holidays` package, plus the
# city's two local ones, as "MM-DD" or "easter+N" rules with an English name (Barcelona: Whit Monday, La Mercè).
LOCAL_HOLIDAYS = [("easter+50", "Whit Monday"), ("09-24", "La Mercè")]
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_SAMESITE = "Lax"
# carehub's date and number formats (Catalan "2 de desembre", "8 d'octubre"; English day-first, 24 h), read
# before Django's own (carehub/formats, docs/language.md). Numbers are grouped only where a page asks for it
# (the `grouped` filter): a global USE_THOUSAND_SEPARATOR would also group ids in links and years.
FORMAT_MODULE_PATH = ["carehub.formats"]
# Where the accessibility statement sends requests for accessible information and complaints (RD 1112/2018).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "accessibilitat@carehub.invalid")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production (DEBUG off) serves what `collectstatic` wrote to STATIC_ROOT: every file under a name with its
# content's hash, with a gzip-compressed copy beside it, which WhiteNoise sends with a ten-year `immutable`
# cache lifetime; pages link the hashed names, so a deploy changes the links, not the caches. `collectstatic`
# is part of every deploy (docs/deploy.md): a page linking a file missing from the manifest is an error.
# The demo (DEBUG on) serves the source folders as they are, nothing collected.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or STATIC_ROOT)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Files asked for by their plain name (nothing carehub links) may change at the next deploy: an hour.
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600

# --- security -------------------------------------------------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day at the desk
# With DEBUG off: HTTPS only (redirect, HSTS for a year, Secure cookies) unless turned off one by one, e.g.
# SECURE_SSL_REDIRECT=0 behind a proxy that redirects itself (or BEHIND_TLS_PROXY=1 so that carehub sees
# which requests came over HTTPS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


# --- email ----------------------------------------------------------------------------------------------
def _email_settings(url: str) -> dict:
    """Parse EMAIL_URL such as smtp://user:password@mail.example.org:587 (smtps:// for implicit TLS)."""
    if not url:
        backend = "console" if DEBUG else "locmem"
        return {"EMAIL_BACKEND": f"django.core.mail.backends.{backend}.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and "tls=0" not in (parsed.query or ""),
    }


globals().update(_email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "carehub <no-reply@carehub.invalid>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every SMTP socket operation gives up after this many seconds: a mail server that accepts and never answers
# holds one worker for at most this long (requests never wait on mail: the worker sends it).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# Absolute links in messages and calendar feeds. The demo's follows PORT (`make run PORT=8001`); the
# `carehub.E004` deploy check refuses any http://127.0.0.1 default in production.
PORT = os.environ.get("PORT", "8000")
DEMO_SITE_URL = f"http://127.0.0.1:{PORT}"
# Production without SITE_URL: its first allowed host, over HTTPS.
_PRODUCTION_SITE_URL = (f"https://{ALLOWED_HOSTS[0]}"
                        if not DEBUG and ALLOWED_HOSTS and ALLOWED_HOSTS[0][0] not in ".*" else "")
SITE_URL = (os.environ.get("SITE_URL") or _PRODUCTION_SITE_URL or DEMO_SITE_URL).rstrip("/")

# --- notifications (carehub/notifications, docs/notifications.md) ---------------------------------------
# SMS: "console" prints them (demo); "http" posts JSON to SMS_URL with SMS_TOKEN as bearer token.
SMS_BACKEND = os.environ.get("SMS_BACKEND") or ("http" if os.environ.get("SMS_URL") else "console")
SMS_URL = os.environ.get("SMS_URL", "")
SMS_TOKEN = os.environ.get("SMS_TOKEN", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "VilaVeina")
SMS_TIMEOUT = int(os.environ.get("SMS_TIMEOUT", "10"))
PHONENUMBER_DEFAULT_REGION = "ES"
NOTIFICATIONS = {
    # A temporary failure (connection refused, timeout) is retried this many times in all, waiting
    # RETRY_BASE_SECONDS * 2**(attempt-1), at most RETRY_MAX_SECONDS, between tries (30 s ... 1 h: about two
    # hours in all); then the message goes to the hub's call list with the reason.
    "MAX_ATTEMPTS": int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8")),
    "RETRY_BASE_SECONDS": int(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "30")),
    "RETRY_MAX_SECONDS": int(os.environ.get("NOTIFY_RETRY_MAX_SECONDS", "3600")),
    # A claim older than this belongs to a worker that died mid-send: the sweep hands the message on.
    # Longer than any send can take (several EMAIL_TIMEOUTs), so a slow live worker is never doubled.
    "CLAIM_LEASE_SECONDS": int(os.environ.get("NOTIFY_CLAIM_LEASE_SECONDS", str(max(120, 6 * EMAIL_TIMEOUT)))),
    # The worker re-enqueues messages whose task was lost (process died after commit) this often.
    "SWEEP_SECONDS": int(os.environ.get("NOTIFY_SWEEP_SECONDS", "60")),
}

# Background tasks (Django's Tasks API through the django-tasks backport). The database backend is the
# embedded default on SQLite and PostgreSQL alike (`manage.py db_worker`); TASKS_BACKEND=rq, or a REDIS_URL,
# selects Redis through django-tasks-rq (`manage.py rqworker default --with-scheduler`) for several app servers.
REDIS_URL = os.environ.get("REDIS_URL", "")
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or ("rq" if REDIS_URL else "db")
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}}
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
# Redis (the shared cache below, the RQ backend) comes with the `redis` extra: without it, the first cache
# access or task would fail long after start-up.
if REDIS_URL or TASKS_BACKEND == "rq":
    from importlib.util import find_spec

    from django.core.exceptions import ImproperlyConfigured

    if not all(find_spec(module) for module in ("redis", "django_rq", "django_tasks_rq")):
        setting = "REDIS_URL" if REDIS_URL else "TASKS_BACKEND=rq"
        raise ImproperlyConfigured(
            f"{setting} is set but the redis extra is not installed: pip install 'carehub[redis]' "
            "(or requirements/production.txt, which includes it)")

# --- observability (carehub/observability, docs/operations.md) ------------------------------------------
# One JSON line per log record (LOG_FORMAT=text for a terminal), one per request; paths and query strings are
# never written (feed secrets, searched names).
from carehub.observability.logs import logging_config  # noqa: E402

LOGGING = logging_config(level=os.environ.get("LOG_LEVEL", "INFO"), fmt=os.environ.get("LOG_FORMAT", "json"))
CSRF_FAILURE_VIEW = "carehub.observability.views.csrf_failure"
# /metrics answers only clients connecting from these addresses directly (not through a proxy).
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
# /readyz reports "degraded" when the oldest waiting task or due message is older than this.
HEALTH_QUEUE_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_QUEUE_MAX_AGE_SECONDS", "900"))
# A load balancer probes over plain HTTP on the app server's address: no redirect to HTTPS for these.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from carehub.observability import sentry  # noqa: E402

    sentry.init(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
                release=os.environ.get("SENTRY_RELEASE") or None,
                traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")))

# --- domain ---------------------------------------------------------------------------------------------
# The planners' figures are published through cell-key perturbation (carehub/insights/perturbation.py,
# docs/insights.md): every count gets a fixed noise from this table; perturbed counts under `threshold` show "<5".
INSIGHTS_PERTURBATION = {
    "threshold": 5,
    "noise": {-2: 0.10, -1: 0.20, 0: 0.40, 1: 0.20, 2: 0.10},  # noise: probability (counts of 3 and more)
    "columns": 256,  # the table's cell-key positions
    "band_base": 20,  # rates from fewer (perturbed) records than this, within `band` of 0 or 1, show as a band
    "band": 0.10,
}
SIMPLE_HISTORY_REVERT_DISABLED = True

# Insights figures are cached this long (0 turns it off). With several workers, set REDIS_URL so that they
# share one cache (needs the redis extra: `pip install 'carehub[redis]'`); otherwise each process keeps
# its own.
INSIGHTS_CACHE_SECONDS = int(os.environ.get("INSIGHTS_CACHE_SECONDS", "600"))
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
    # Several app servers share this cache, and sessions are read from it (no session query on a page), written
    # through to the database (a restart of Redis logs no one out). Only with a shared cache: with each process's
    # own, a logout on one server would leave the session alive in another's memory (docs/deploy.md).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
