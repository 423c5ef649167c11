"""Django settings. Everything that differs between a laptop and a team server comes from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# Lets typed code write ModelAdmin[Workspace] or ModelForm[User]: Django's classes take the subscript at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("OUTSIDEIN_DATA_DIR", "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not “{value}”.") from None


def _secret_key() -> str:
    # A laptop install must work with zero configuration, yet sessions must survive restarts:
    # keep a generated key beside the database unless one is given.
    if key := os.environ.get("OUTSIDEIN_SECRET_KEY"):
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("OUTSIDEIN_DEBUG")
ALLOWED_HOSTS = os.environ.get("OUTSIDEIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("OUTSIDEIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Links in e-mails and calendar feeds need an absolute address outside any request.
SITE_URL = os.environ.get("OUTSIDEIN_SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    # Two-step sign-in (workspaces/second_factor.py): codes from an authenticator app, and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "outsidein.core",
    "outsidein.workspaces",
    "outsidein.customers",
    "outsidein.conversations",
    "outsidein.guides",
    "outsidein.learning",
    "outsidein.initiatives",
    "outsidein.feedback",
    "outsidein.insights",
    "outsidein.engagement",
    "outsidein.loop",
    "outsidein.journeys",
    "outsidein.api",
    # The top layer (URL conf, home page, demo, the commands that compose areas); see docs/architecture.md.
    "outsidein.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "outsidein.site.errors.MethodNotAllowedPages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "outsidein.workspaces.middleware.WorkspaceMiddleware",
    "outsidein.workspaces.middleware.RememberWrites",
    "outsidein.workspaces.audit.AuditContext",
]

ROOT_URLCONF = "outsidein.site.urls"
WSGI_APPLICATION = "outsidein.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "outsidein.workspaces.context_processors.workspace",
            ],
        },
    },
]

# Each test run gets a database of its own, so two runs (SQLite and PostgreSQL side by side, or two people's) on one
# machine never drop each other's test database.
TEST_DB_SUFFIX = os.environ.get("OUTSIDEIN_TEST_DB_SUFFIX", f"-{os.getpid()}")
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'outsidein.sqlite3'}",
        conn_max_age=int(os.environ.get("OUTSIDEIN_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while pages read; IMMEDIATE avoids "database is locked" on upgrade of a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests run against a real database file (WAL, triggers, FTS5 as in production), not an in-memory one.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-outsidein{TEST_DB_SUFFIX}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{TEST_DB_SUFFIX.replace('-', '_')}"}
# A PostgreSQL streaming replica of the database, for the reads of list and insight pages and API lists
# (core/replica.py); a person's pages read the primary for REPLICA_STICKY_SECONDS after they save something.
if _replica_url := os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=int(os.environ.get("OUTSIDEIN_DB_CONN_MAX_AGE", "0")))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["outsidein.core.replica.ReplicaRouter"]
REPLICA_STICKY_SECONDS = _env_int("OUTSIDEIN_REPLICA_STICKY_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workspaces.User"
OTP_TOTP_ISSUER = "Outside-In"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["outsidein.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
# Serve straight from the apps' static folders: no collectstatic step is needed to run the product.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = DATA_DIR / "media"
# Where the files an import keeps (uploads, rejected-rows reports) are read from by every machine
# (core/filestore.py): "files", MEDIA_ROOT alone (one machine), or "database", also kept in the database so a worker
# or web process on another machine, with another data directory, reads them. PostgreSQL (a team's server) keeps
# them in the database unless told otherwise (OUTSIDEIN_FILE_STORE).
FILE_STORE = os.environ.get("OUTSIDEIN_FILE_STORE") or (
    "files" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "database")
if FILE_STORE not in ("files", "database"):
    raise ImproperlyConfigured(f"OUTSIDEIN_FILE_STORE must be files or database, not {FILE_STORE!r}.")

TASKS = {"default": {"BACKEND": os.environ.get("OUTSIDEIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# -- background jobs: lease and heartbeat (core/jobs.py) --
# A running job renews its lease every sixth of this; a job whose lease ran out has stopped (its worker was
# killed or lost) and the next worker resumes it or fails it.
JOB_LEASE_SECONDS = float(os.environ.get("OUTSIDEIN_JOB_LEASE_SECONDS", "30"))
# -- end of background jobs --


def _default_mailer() -> dict:
    """SMTP when a host is configured, otherwise print to the console so a laptop install never fails to "send"."""
    if not (host := os.environ.get("OUTSIDEIN_SMTP_HOST")):
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": host,
            "port": int(os.environ.get("OUTSIDEIN_SMTP_PORT", "25")),
            "username": os.environ.get("OUTSIDEIN_SMTP_USER", ""),
            "password": os.environ.get("OUTSIDEIN_SMTP_PASSWORD", ""),
            "use_tls": _env_bool("OUTSIDEIN_SMTP_STARTTLS"),
            "use_ssl": _env_bool("OUTSIDEIN_SMTP_SSL"),
        },
    }


MAILERS = {"default": _default_mailer()}
DEFAULT_FROM_EMAIL = os.environ.get("OUTSIDEIN_FROM_EMAIL", "Outside-In <outsidein@localhost>")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # Server-rendered SVG charts carry presentation attributes; inline style is the only relaxation.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Serving over HTTPS -------------------------------------------------------------------------------
# A laptop install speaks plain HTTP on 127.0.0.1; a team server sets OUTSIDEIN_HTTPS=true and gets secure
# cookies, a redirect from http:// and a year of HSTS in one switch. Each part can be set on its own (README,
# "Running on a server"). HSTS for subdomains and preload stay opt-in: they bind every host of the domain.
HTTPS = _env_bool("OUTSIDEIN_HTTPS")
SESSION_COOKIE_SECURE = _env_bool("OUTSIDEIN_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "outsidein.site.errors.csrf_failure"
SECURE_SSL_REDIRECT = _env_bool("OUTSIDEIN_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = _env_int("OUTSIDEIN_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("OUTSIDEIN_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_bool("OUTSIDEIN_HSTS_PRELOAD")
# Behind a proxy that ends TLS, the proxy says so in a header (e.g. X-Forwarded-Proto: https). Trust it only
# when told: a server reached directly would otherwise let any client claim to be on HTTPS.
if _proxy_header := os.environ.get("OUTSIDEIN_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "outsidein.core.uploads.SizeLimitedUploadHandler",  # past the upload limit nothing is stored, only counted
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Import limits ------------------------------------------------------------------------------------
# What one imported file (feedback, accounts, persons; from a page or the command line) may hold. A file over a
# limit is refused, naming the limit, before a page or an import is built on it: a sheet with 200,000 columns or
# an XLSX that unpacks a thousandfold would otherwise hold a worker for minutes and a gigabyte of memory.
# Each can be set from the environment (OUTSIDEIN_IMPORT_MAX_UPLOAD_MB, _MAX_COLUMNS, _PREVIEW_ROWS,
# _MAX_CELL_CHARS, _MAX_XLSX_UNPACKED_MB, _MAX_XLSX_RATIO, _MAX_XLSX_SHARED_STRINGS_MB).
OUTSIDEIN_IMPORT_LIMITS = {
    # Uploads through the pages; a local file given to `outsidein import` has no size limit.
    "MAX_UPLOAD_BYTES": _env_int("OUTSIDEIN_IMPORT_MAX_UPLOAD_MB", 512) * 1024 * 1024,
    "MAX_COLUMNS": _env_int("OUTSIDEIN_IMPORT_MAX_COLUMNS", 1_000),
    "PREVIEW_ROWS": _env_int("OUTSIDEIN_IMPORT_PREVIEW_ROWS", 5),  # rows read to show the mapping page
    # Read at most this much of one cell; a feedback item keeps at most 1,000,000 characters of text and rejects
    # a longer cell naming its column, a cell beyond this limit is not even held in memory.
    "MAX_CELL_CHARS": _env_int("OUTSIDEIN_IMPORT_MAX_CELL_CHARS", 16_000_000),
    "MAX_XLSX_UNPACKED_BYTES": _env_int("OUTSIDEIN_IMPORT_MAX_XLSX_UNPACKED_MB", 2_048) * 1024 * 1024,
    # Office files unpack 5 to 30 times; a part unpacking more than this is a zip bomb.
    "MAX_XLSX_RATIO": _env_int("OUTSIDEIN_IMPORT_MAX_XLSX_RATIO", 100),
    # openpyxl holds all of a workbook's texts in memory (about twice their unpacked size).
    "MAX_XLSX_SHARED_STRINGS_BYTES": _env_int("OUTSIDEIN_IMPORT_MAX_XLSX_SHARED_STRINGS_MB", 256) * 1024 * 1024,
}

# --- Closing the loop (outsidein.loop) ------------------------------------------------------------------
# A customer who raised a suggestion this many days ago and has heard nothing back about it is owed a reply:
# the owed replies page, the pulse and the weekly digest list them (OUTSIDEIN_LOOP_OWED_DAYS).
LOOP_OWED_DAYS = _env_int("OUTSIDEIN_LOOP_OWED_DAYS", 14)

# How feedback text is scored for sentiment (OUTSIDEIN_SENTIMENT): "vader", the lexicon (the default: fast, 60 µs a
# text), or "embeddings", a classifier on sentence embeddings and wording trained on the project's own labelled
# sentences (feedback/sentiment_model.py; far better on three-way labels, 3 points better on Yelp's two-way ones,
# 25-50 times slower: a million imported items would spend 10-20 minutes scoring on two cores, so opt-in;
# docs/benchmarks.md).
# Stored scores keep the scorer they were made with.
SENTIMENT_SCORER = os.environ.get("OUTSIDEIN_SENTIMENT", "vader")
if SENTIMENT_SCORER not in ("vader", "embeddings"):
    raise ImproperlyConfigured(f"OUTSIDEIN_SENTIMENT must be vader or embeddings, not {SENTIMENT_SCORER!r}.")

# How long the audit trail keeps an event (OUTSIDEIN_AUDIT_KEEP_DAYS); older ones are forgotten daily.
AUDIT_KEEP_DAYS = _env_int("OUTSIDEIN_AUDIT_KEEP_DAYS", 365)
if AUDIT_KEEP_DAYS < 1:
    raise ImproperlyConfigured(f"OUTSIDEIN_AUDIT_KEEP_DAYS must be at least 1, not {AUDIT_KEEP_DAYS}.")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OUTSIDEIN_LOG_LEVEL", "WARNING")},
}

# --- Throttling failed sign-ins and wrong tokens (outsidein.workspaces.throttle) ----------------------------
# A client that fails too often is refused for a cool-off period before any password is hashed or token looked
# up. Sign-ins count per (e-mail, client address) pair, so nobody can lock a person out from the person's own
# address, and more loosely per address. Counts live in the database, so every web process and worker agrees.
AUTHENTICATION_BACKENDS = [
    "outsidein.workspaces.throttle.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE = [*MIDDLEWARE, "outsidein.workspaces.throttle.RetryAfterMiddleware"]
LOGIN_FAILURE_LIMIT = _env_int("OUTSIDEIN_LOGIN_FAILURE_LIMIT", 10)
LOGIN_ADDRESS_FAILURE_LIMIT = _env_int("OUTSIDEIN_LOGIN_IP_FAILURE_LIMIT", 50)
LOGIN_COOLOFF_MINUTES = _env_int("OUTSIDEIN_LOGIN_COOLOFF_MINUTES", 15)
TOKEN_FAILURE_LIMIT = _env_int("OUTSIDEIN_TOKEN_FAILURE_LIMIT", 20)
TOKEN_COOLOFF_MINUTES = _env_int("OUTSIDEIN_TOKEN_COOLOFF_MINUTES", 15)
# Behind reverse proxies, how many of them append to X-Forwarded-For; 0 (the default) trusts no header and
# counts REMOTE_ADDR, since a server reached directly would otherwise let a client pick its own address.
TRUSTED_PROXY_COUNT = _env_int("OUTSIDEIN_TRUSTED_PROXY_COUNT", 0)
for _name, _value in [("OUTSIDEIN_LOGIN_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT),
                      ("OUTSIDEIN_LOGIN_IP_FAILURE_LIMIT", LOGIN_ADDRESS_FAILURE_LIMIT),
                      ("OUTSIDEIN_LOGIN_COOLOFF_MINUTES", LOGIN_COOLOFF_MINUTES),
                      ("OUTSIDEIN_TOKEN_FAILURE_LIMIT", TOKEN_FAILURE_LIMIT),
                      ("OUTSIDEIN_TOKEN_COOLOFF_MINUTES", TOKEN_COOLOFF_MINUTES)]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {_value}.")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"OUTSIDEIN_TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}.")
