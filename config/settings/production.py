"""Production: PostgreSQL via DATABASE_URL, secrets from the environment, HTTPS only."""

from __future__ import annotations

import os
from typing import Any

from .base import *  # noqa: F403
from .checks import require_database_url, require_secret_key

DEBUG = False
# Refuse to start (ImproperlyConfigured, with what to set) without a long random key or a database URL.
SECRET_KEY = require_secret_key(os.environ)
require_database_url(os.environ)  # base.DATABASES already parsed it; without it base would use SQLite
NOVATOR_DEMO = False
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
# The load balancer's health check speaks plain HTTP to the app server: it gets 200/503, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: HTTPS only, this host only, the whole site; no script reads the CSRF cookie (pages send
# the token from the form or the hx-headers attribute), so it is HttpOnly too.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# E-mail leaves by SMTP: EMAIL_URL=smtp+tls://user:password@host:587 (base.py; without it, localhost:25).
if not os.environ.get("EMAIL_URL"):
    NOVATOR_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# --- scale-out: stateless app servers (docs/deployment.md) --------------------------------------------
# Several gunicorn instances on several machines serve the same PostgreSQL: nothing may live in one
# process's memory. The cache is Redis when REDIS_URL is set, else a table in the database
# (`manage.py createcachetable`); sessions are written to the database and read through the cache.
CACHES: dict[str, dict[str, Any]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "novator",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "novator_cache",
            # sessions and the chunks of cached rankings: Django's default of 300 entries would cull them
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Uploaded files: S3-compatible object storage (django-storages) when STORAGE_S3_BUCKET is set, else the
# private directory NOVATOR_VAR_DIR/private, which several servers then share (NFS or the like). Files are
# never public: the views check permissions and stream them (`attachment_response`), so the bucket is
# private and no URL of it is handed out.
if os.environ.get("STORAGE_S3_BUCKET"):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["STORAGE_S3_BUCKET"],
                "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("STORAGE_S3_REGION") or None,
                "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY") or None,
                "secret_key": os.environ.get("STORAGE_S3_SECRET_KEY") or None,
                "location": os.environ.get("STORAGE_S3_PREFIX", "private"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
