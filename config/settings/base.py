"""Settings shared by every environment. Environment-specific files import * from here."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .mail import email_settings
from .sso import sso_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("NOVATOR_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "novator.core",
    "novator.accounts",
    "novator.organizations",
    "novator.statuses",
    "novator.contests",
    "novator.expertise",
    "novator.projects",
    "novator.library",
    "novator.networks",
    "novator.events",
    "novator.monitoring",
    "novator.regions",
    "novator.notifications",
    "novator.portal",
    "novator.privacy",
    "novator.onboarding",
    "novator.documents",
    "novator.synthetic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (django-otp); then the users whom
    # NOVATOR_REQUIRE_2FA_FOR names are sent to set two factors up (novator.accounts.otp_middleware)
    "django_otp.middleware.OTPMiddleware",
    "novator.accounts.otp_middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Logs who read personal data on the pages listed in PERSONAL_DATA_PAGES (152-ФЗ).
    "novator.privacy.middleware.PersonalDataAccessMiddleware",
    # django-axes must be last: it turns a locked-out login into a clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "novator" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "novator.core.context_processors.novator",
                "novator.accounts.context_processors.roles",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, Any]:
    """One database, from DATABASE_URL when set, else SQLite in WAL mode."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": {
            # WAL lets the task worker write while the web server reads; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a user/address after too many failures.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # OpenID Connect (config/settings/sso.py): answers only the callback of a sign-in, and only when on
    "novator.accounts.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# frontend/static/vendor/ is filled from frontend/node_modules by `make assets` (npm packages, no CDN).
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
# Files served at the site's root by WhiteNoise (/favicon.ico, which browsers ask for by themselves).
WHITENOISE_ROOT = BASE_DIR / "frontend" / "root"
STORAGES = {
    # Uploaded files live outside the web root and are served only through permission-checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private", "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token <key>: ApiToken, expiring after NOVATOR_API_TOKEN_IDLE_DAYS without use
        "novator.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "novator.core.api.StandardPagination",
    # JSON with a nesting limit (NOVATOR_JSON_MAX_DEPTH): a body 5,000 levels deep is a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": [
        "novator.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "novator.core.api.exception_handler",
    # Password guessing through the token endpoint is slowed down per client address.
    "DEFAULT_THROTTLE_RATES": {"auth": "20/minute"},
    # the client's address behind the trusted proxies (novator.accounts.client_ip), never the raw header
    "NUM_PROXIES": int(os.environ.get("TRUSTED_PROXY_COUNT", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Novator API",
    "DESCRIPTION": "REST API of Novator, the information system of innovation infrastructure in education.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind` and a `state`: name their enums after the model, not the field.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "novator.organizations.models.OrganizationKind",
        "ContestKindEnum": "novator.contests.models.ContestKind",
        "ContestStateEnum": "novator.contests.models.ContestState",
        "ApplicationStateEnum": "novator.contests.models.ApplicationState",
    },
}

# Login throttling (django-axes): 10 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# How many reverse proxies (balancer, nginx) stand before the app: the client's address is the one the
# outermost of them wrote into X-Forwarded-For (novator.accounts.client_ip); 0 — REMOTE_ADDR.
NOVATOR_TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "novator.accounts.client_ip.client_ip"

# Content-Security-Policy (django-csp): nothing inline, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = False
# A refused form (expired CSRF token) is the site's 403 page with what to do, not Django's English one.
CSRF_FAILURE_VIEW = "novator.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# E-mail: every message is queued (notifications.OutgoingEmail) and sent by the task worker with retries
# through NOVATOR_EMAIL_DELIVERY_BACKEND, which EMAIL_URL sets (config/settings/mail.py, docs/deployment.md).
EMAIL_BACKEND = "novator.notifications.mail.QueuedEmailBackend"
NOVATOR_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "novator@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOVATOR_EMAIL_REPLY_TO = [a.strip() for a in os.environ.get("EMAIL_REPLY_TO", "").split(",") if a.strip()]
# seconds before the 2nd, 3rd, … attempt to send a message; after the last the message is marked failed
NOVATOR_EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)
if os.environ.get("EMAIL_URL"):
    globals().update(email_settings(os.environ["EMAIL_URL"]))
# Links in e-mails are made absolute with this (https://novator.example.ru); else with the request's host.
NOVATOR_BASE_URL = os.environ.get("NOVATOR_BASE_URL", "")

# Single sign-on by OpenID Connect (off without OIDC_CLIENT_ID) and NOVATOR_REQUIRE_2FA_FOR
# (config/settings/sso.py, docs/security.md)
_SSO = sso_settings(os.environ)
globals().update(_SSO)  # the OIDC_* settings of mozilla-django-oidc
NOVATOR_OIDC_ENABLED: bool = _SSO["NOVATOR_OIDC_ENABLED"]
NOVATOR_OIDC_ISSUER: str = _SSO["NOVATOR_OIDC_ISSUER"]
NOVATOR_OIDC_PROVIDER_NAME: str = _SSO["NOVATOR_OIDC_PROVIDER_NAME"]
NOVATOR_OIDC_MATCH_CLAIM: str = _SSO["NOVATOR_OIDC_MATCH_CLAIM"]
NOVATOR_OIDC_MATCH_FIELD: str = _SSO["NOVATOR_OIDC_MATCH_FIELD"]
NOVATOR_REQUIRE_2FA_FOR: list[str] = _SSO["NOVATOR_REQUIRE_2FA_FOR"]
# the issuer of the codes in the authenticator app (its list shows "Новатор: login")
OTP_TOTP_ISSUER = "Новатор"

# Novator's own settings
# An API token dies after this many days without use (and with a password change, a reset, a sign-out
# everywhere or its owner's revocation); a user keeps at most this many tokens (the least used go first).
NOVATOR_API_TOKEN_IDLE_DAYS = int(os.environ.get("API_TOKEN_IDLE_DAYS", "30"))
NOVATOR_API_TOKENS_PER_USER = 20
# «Forgot your password?»: the e-mailed link is valid this long; at most this many e-mails per address an hour
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
NOVATOR_PASSWORD_RESETS_PER_HOUR = 3
# How long an invitation link stays valid (novator.onboarding)
NOVATOR_INVITATION_DAYS = int(os.environ.get("NOVATOR_INVITATION_DAYS", "7"))
NOVATOR_DEMO = os.environ.get("NOVATOR_DEMO", "1") == "1"
NOVATOR_IMPORT_MAX_BYTES = 64 * 1024 * 1024  # a national registry (85,000 rows) is ~40 MB of CSV
NOVATOR_IMPORT_MAX_ROWS = 100_000
# Rows the registry import writes per transaction (a killed import resumes after its last whole batch).
NOVATOR_IMPORT_BATCH_SIZE = int(os.environ.get("NOVATOR_IMPORT_BATCH_SIZE", "1000"))
# ZIP-based uploads (DOCX, XLSX, ODT) are refused before parsing when they unpack to more than this, or
# more than this many times their size (zip bombs; novator.core.zipcheck). The registry import's XLSX may
# unpack further (85,000 rows are 130+ MB), at the same ratio.
NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES = int(os.environ.get("NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES", 100 * 2**20))
NOVATOR_UPLOAD_MAX_ZIP_RATIO = int(os.environ.get("NOVATOR_UPLOAD_MAX_ZIP_RATIO", 100))
NOVATOR_IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("NOVATOR_IMPORT_MAX_UNZIPPED_BYTES", 512 * 2**20))
# How deep a JSON request body may nest (novator.core.parsers); deeper is refused with a 400.
NOVATOR_JSON_MAX_DEPTH = 64
# Background jobs (novator/core/jobs.py): a running job renews its heartbeat every quarter of the lease;
# the task workers' reaper queues again a job whose process has ended or whose heartbeat is older than the
# lease, at most NOVATOR_JOB_MAX_RECOVERIES times, then marks it failed.
NOVATOR_JOB_LEASE_SECONDS = float(os.environ.get("NOVATOR_JOB_LEASE_SECONDS", "120"))
NOVATOR_JOB_MAX_RECOVERIES = int(os.environ.get("NOVATOR_JOB_MAX_RECOVERIES", "3"))

# Uploaded files are scanned by ClamAV when its daemon's socket is configured (novator.core.files).
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")

# Personal data (152-ФЗ, docs/personal-data.md): how long it is kept; `manage.py purge_personal_data`.
PERSONAL_DATA_RETENTION_YEARS = int(os.environ.get("PERSONAL_DATA_RETENTION_YEARS", "5"))
# at most 30 days (152-ФЗ ст. 21 ч. 5; a larger value fails the system check privacy.E001)
PERSONAL_DATA_WITHDRAWN_GRACE_DAYS = int(os.environ.get("PERSONAL_DATA_WITHDRAWN_GRACE_DAYS", "30"))
# the operator of personal data as the acts of destruction name it (full name of the organisation, address)
PERSONAL_DATA_OPERATOR = os.environ.get("PERSONAL_DATA_OPERATOR", "")
PERSONAL_DATA_ACCESS_LOG_RETENTION_YEARS = int(
    os.environ.get("PERSONAL_DATA_ACCESS_LOG_RETENTION_YEARS", "3")
)
# Pages and API endpoints that show one person's data: each read is logged (novator.privacy.middleware).
PERSONAL_DATA_PAGES = {
    "organizations:person_edit": {"model": "organizations.Person"},
    "privacy:person": {"model": "organizations.Person"},
    "privacy:consent_scan": {"model": "organizations.Person"},
    "privacy:destruction_act": {"model": "organizations.Person"},
    "event-registration-detail": {"model": "events.Registration", "person": "person_id"},
    "event-registration-list": {"source": "response", "person": "person"},
    "events:attendance": {
        "model": "events.Registration",
        "lookup": "event_id",
        "exclude": {"status": "cancelled"},
        "person": "person_id",
    },
    "events:ticket": {"model": "events.Registration", "person": "person_id"},
    "events:certificate": {
        "model": "events.Certificate",
        "kwarg": "code",
        "lookup": "code",
        "person": "person_id",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
