"""Settings for the test run: a throw-away data directory, static files straight from the source tree,
a fast password hasher. The database is still picked by ``DATABASE_URL`` (SQLite by default; the test
command runs the web tests again on PostgreSQL)."""

import os
import tempfile

os.environ.setdefault("HNTE_DATA_DIR", tempfile.mkdtemp(prefix="hnte-test-"))
os.environ.setdefault("HNTE_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")

from .settings import *  # noqa: E402,F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
API_ANON_RATE_PER_MINUTE = 1000
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise looks for it even when serving from the finders
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # a file, not shared-cache memory: concurrent connections then lock like production SQLite does
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
