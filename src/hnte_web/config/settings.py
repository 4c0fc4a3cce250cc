"""Settings for the hnte identification system.

One environment variable picks the database: ``DATABASE_URL`` (default: an SQLite file in the data
directory; ``postgres://user@host:5432/db`` in production and CI). ``HNTE_DATA_DIR`` holds the SQLite file,
uploads (outside the web root, served only through permission-checked views), collected static files
and the generated secret key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HNTE_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("HNTE_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("HNTE_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("HNTE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
HTTPS = os.environ.get("HNTE_HTTPS", "") == "1"  # behind TLS: secure cookies, HSTS, redirect

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "hnte_web.core",
    "hnte_web.audit",
    "hnte_web.accounts",
    "hnte_web.enterprises",
    "hnte_web.applications",
    "hnte_web.review",
    "hnte_web.registries",
    "hnte_web.experts",
    "hnte_web.publicity",
    "hnte_web.certificates",
    "hnte_web.supervision",
]

MIDDLEWARE = [
    "hnte_web.core.middleware.DatabaseUnavailableMiddleware",  # first: a database outage is a clear 503, never a traceback
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hnte_web.core.i18n.LanguageMiddleware",
]

ROOT_URLCONF = "hnte_web.config.urls"
WSGI_APPLICATION = "hnte_web.config.wsgi.application"

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
                "hnte_web.core.i18n.context",
            ],
            "builtins": ["hnte_web.core.templatetags.hnte"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hnte.sqlite3'}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # BEGIN IMMEDIATE: a transaction takes the write lock first, so concurrent decisions serialise and the
    # loser re-reads the new state (SQLite has no SELECT ... FOR UPDATE).
    # HNTE_SQLITE_TIMEOUT: seconds a writer waits for the lock before the request fails (a clear 503).
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                       "timeout": float(os.environ.get("HNTE_SQLITE_TIMEOUT", 20)), "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The office queue's covering index (applications.app_queue_count_idx) INCLUDEs a column on PostgreSQL; SQLite
# builds it without, and says so (models.W040): expected, not a problem.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True  # Django's own messages (form errors) in the request's language; ours live side by side (core.i18n)
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads never live under the web root: only hnte_web.applications.views.attachment_download serves them.
UPLOAD_ROOT = DATA_DIR / "uploads"
UPLOAD_MAX_BYTES = int(os.environ.get("HNTE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Log-in lock-out: this many consecutive failures lock the account for LOCKOUT_MINUTES.
LOCKOUT_THRESHOLD = 5
LOCKOUT_MINUTES = 15
# Anonymous self-assessment API: requests per minute per client address.
API_ANON_RATE_PER_MINUTE = int(os.environ.get("HNTE_API_ANON_RATE", 60))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # the system's own host name(s) only; "preload" is the operator's decision
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get("HNTE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HNTE_LOG_LEVEL", "WARNING")},
}
