"""Settings for CSP Performance, all read from the environment (see README "Configuration").

Malformed values stop start-up with a message naming the variable (``csp.env``).
"""

import datetime as dt
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from csp.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string, or set DEBUG=true for a "
            "development run with the built-in development key."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "csp.apps.CspAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "indicators",
    "submissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and views: a NUL character in a lookup is a database error (a 500).
    "csp.request_limits.RefuseNullCharactersMiddleware",
    "csp.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "csp.security.SessionLifetimeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it refuses sign-in after repeated failures.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after AXES_FAILURE_LIMIT failed attempts for a username from one address,
# sign-in is refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

if not DEBUG:
    # Serves the collected static files in production (gunicorn serves no files itself);
    # in development runserver serves them from the apps.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "csp.urls"

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
                "csp.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "csp.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, not manifest-hashed: the vendored GOV.UK CSS names font files we leave out.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Cache: per-process memory unless CACHE_URL names a Redis server. Production must share it:
# see the production profile below, which refuses to start without it.
CACHE_URL = env_str("CACHE_URL") or ""
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} must be a redis:// URL (or unset).")
CACHES = {
    "default": {"BACKEND": "csp.redis_cache.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# E-mail: csp/settings_email.py (smtp, console or GOV.UK Notify; README "E-mail").
from csp.settings_email import *  # noqa: E402,F403,I001

# Celery: with no broker, tasks run eagerly in-process and their errors propagate.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
if CELERY_BROKER_URL is not None and "://" not in CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r} is not a URL: expected e.g. "
        "'redis://127.0.0.1:6379/0'."
    )
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None  # and a slow job (the PDF) in a thread:
CELERY_TASK_EAGER_PROPAGATES = True
EAGER_JOBS_IN_BACKGROUND = env_bool("EAGER_JOBS_IN_BACKGROUND", True)
# Only the full recompute's chord (ADR 0028) uses results (in the broker unless named elsewhere).
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
# How long Redis waits before handing out again a message a killed worker never acknowledged.
_VISIBILITY = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _VISIBILITY}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A full recompute silent for STALE s is dead; the sweep resends a chunk idle RESEND s (ADR 0028).
RECOMPUTE_RUN_STALE_SECONDS = env_int("RECOMPUTE_RUN_STALE_SECONDS", 7200, minimum=1)
RECOMPUTE_CHUNK_RESEND_SECONDS = env_int("RECOMPUTE_CHUNK_RESEND_SECONDS", 120, minimum=1)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # A full recompute every night catches anything a lost task missed.
    "nightly-full-recompute": {
        "task": "indicators.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Requests whose task never ran (the broker was down when the change committed).
    "sweep-recompute-requests": {
        "task": "indicators.sweep_recompute_requests",
        "schedule": 300.0,
    },
    # On the first of each month, open the round for the month just ended.
    "open-next-rounds": {
        "task": "submissions.open_next_rounds",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "daily-reminders": {
        "task": "submissions.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "submissions.api.pagination.Pages",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "submissions.api.schema.ApiSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSP Performance API",
    "DESCRIPTION": "Areas, indicators, approved and derived figures, submissions and their "
    "workflow, rounds and published packs. Every endpoint applies the same permission rules as "
    "the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Bodies are declared as JSON only (the browsable API's forms still work): a generated
    # client needs one body form per operation (openapi-python-client fails on three).
    "PARSER_WHITELIST": ["csp.request_limits.LimitedJSONParser"],
    # Several bodies have a "status": the action log's is named for what it is. Target kinds
    # appear in two components (a target nested in an adoption, and /api/targets/). A
    # submission's choices are named once: a saved submission (with its commentary findings)
    # repeats the submission's fields.
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "submissions.actions_log.rules.ACTION_STATUSES",
        "TargetKindEnum": "indicators.engine.vocabulary.TargetKind.choices",
        "SubmissionStatusEnum": "submissions.cycle.workflow.State.choices",
        "SubmissionEntryStatusEnum": "submissions.cycle.validation.EntryStatus.choices",
    },
}

# --- Bad input (README "Limits") -------------------------------------------------------------
# Request bodies (form or JSON, files apart) of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes
# (Django's default, 2.5 MB); JSON at most csp.request_limits.MAX_JSON_DEPTH levels deep. Anything
# else is a 400 with a message, never a server error.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded files (imports): read at most this much, then refused (README "Imports").
FILE_UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "csp.request_limits.LimitedJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "csp.request_limits.api_exception_handler"
# --- end of bad input ---------------------------------------------------------------------------

DEMO_PASSWORD = env_str("DEMO_PASSWORD") or "csp-demo-2016"  # the demo users' (load_demo)

# Absolute address of the site, for links in e-mails.
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
}

# --- Uploaded files, and background jobs whose task was lost -----------------------------------
# An uploaded import file is kept in Django's default storage between its preview and its
# store, never in one process's memory, so every web and Celery worker must reach the same
# storage: a directory (MEDIA_ROOT, shared by all of them) or an S3-compatible bucket
# (STORAGE_BACKEND=s3, through django-storages; it needs boto3 installed). Uploads are never
# served: MEDIA_URL is only there because Django wants one.
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGE_BACKEND = (env_str("STORAGE_BACKEND") or "filesystem").lower()
if STORAGE_BACKEND == "s3":
    _bucket = env_str("AWS_STORAGE_BUCKET_NAME") or ""
    if not _bucket:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    try:
        import boto3  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "STORAGE_BACKEND=s3 needs boto3: install it (pip install 'django-storages[s3]')."
        ) from None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Unset: AWS itself. Set for MinIO, Ceph, Scaleway, OVH... e.g. https://s3.example.org
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for MinIO
            "location": env_str("AWS_LOCATION") or "",  # a prefix inside the bucket
            # Unset: boto3 finds credentials itself (environment, instance role, profile).
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND={STORAGE_BACKEND!r} is not 'filesystem' (MEDIA_ROOT) or 's3'."
    )
# Import jobs and PDFs whose task was lost (the broker was down, a worker died) are queued again,
# and old uploads deleted, by this sweep: a lost job finishes within 10 minutes of the broker's
# return (5 minutes' grace for a queued task, plus at most one interval).
CELERY_BEAT_SCHEDULE["sweep-lost-jobs"] = {
    "task": "submissions.sweep_lost_jobs",
    "schedule": 120.0,
}
# --- Production profile (issue 9; docs/adr/0007-production-profile.md) ------------------------
# With DEBUG off every default here is the safe one; each can be loosened by its variable.

# Production needs a cache shared by every process: sessions, the pack caches and sign-out
# must agree across gunicorn workers (and Celery needs Redis anyway).
if not DEBUG and not CACHE_URL:
    raise ImproperlyConfigured(
        "CACHE_URL is not set. With DEBUG off, set CACHE_URL to a Redis URL such as "
        "'redis://127.0.0.1:6379/1' so every worker shares sessions and caches."
    )
# Sessions live in the database; the cache fronts them only when every process shares it, so a
# sign-out on one worker is a sign-out on all (a per-process cache would keep serving it).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)
# Idle timeout: the session expires SESSION_IDLE_MINUTES after its last request
# (csp.security.SessionLifetimeMiddleware moves the expiry on); absolute lifetime: it ends
# SESSION_MAX_HOURS after sign-in whatever its activity.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 480, minimum=1) * 60
SESSION_MAX_SECONDS = env_int("SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads the token from the cookie (forms carry it)
SESSION_COOKIE_SAMESITE = "Lax"
# Cookies only over HTTPS. SECURE_COOKIES=false is for a plain-HTTP run on loopback only.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes from a load balancer may come over plain HTTP to the server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Only behind a proxy that terminates TLS and always sets (never passes on) X-Forwarded-Proto;
# otherwise a client could claim HTTPS for a plain request.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (csp.security.SecurityHeadersMiddleware, in django-csp 4's shape):
# no inline script or style anywhere, in development too, so a violation shows up at once.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
# Features no page uses, switched off for this site and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    name: []
    for name in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Health (/readyz): a worker records a heartbeat every minute through beat; older than this and
# the worker (or beat) is taken as down. The nightly full recompute must have run within
# READYZ_RECOMPUTE_MAX_HOURS once the derived store has rows.
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "csp.heartbeat",
    "schedule": 60.0,
    # A heartbeat queued while no worker listens is worthless later (Celery's `expires`).
    "options": {"expire_seconds": 50},
}
READYZ_HEARTBEAT_MAX_SECONDS = 180
READYZ_RECOMPUTE_MAX_HOURS = 26

# --- Faults and load (issue 9): knobs the production fault test turns ---------------------------
# Where collectstatic writes and whitenoise serves from (default: staticfiles/ in the project).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or STATIC_ROOT)
# How often beat sweeps the recompute requests a lost task left behind (a broker outage, a killed
# worker); a request is swept once it is this old, or a minute old if that is sooner.
RECOMPUTE_SWEEP_SECONDS = env_int("RECOMPUTE_SWEEP_SECONDS", 300, minimum=1)
CELERY_BEAT_SCHEDULE["sweep-recompute-requests"]["schedule"] = float(RECOMPUTE_SWEEP_SECONDS)
# Tests only: each full-recompute chunk waits this long before writing (a worker to kill mid-run).
RECOMPUTE_CHUNK_TEST_PAUSE_SECONDS = env_int("RECOMPUTE_CHUNK_TEST_PAUSE_SECONDS", 0, minimum=0)
# Sign-in, single sign-on and the second factor: csp/settings_accounts.py (ADR 0033).
from csp.settings_accounts import *  # noqa: E402,F403,I001
INSTALLED_APPS += ACCOUNT_APPS  # noqa: F405
_at = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_at:_at] = ACCOUNT_MIDDLEWARE  # noqa: F405
