"""Settings, all from environment variables (see docs/configuration.md).

The defaults give an embedded set-up: SQLite in WAL mode under ./var, an
in-process cache and e-mail printed to the console. Production sets
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, REDIS_URL and EMAIL_URL.
"""

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.str("SEMINARIUM_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# HTTPS=false only for local demos served over plain HTTP.
HTTPS = env.bool("HTTPS", default=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "seminarium.core",
    "seminarium.people",
    "seminarium.programmes",
    "seminarium.nominations",
    "seminarium.attendance",
    "seminarium.conferencing",
    "seminarium.timetabling",
    "seminarium.evaluation",
    "seminarium.certificates",
    "seminarium.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seminarium.core.middleware.ViewerPreferencesMiddleware",
    "seminarium.core.middleware.RejectNulCharactersMiddleware",
    "seminarium.core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "seminarium.urls"
WSGI_APPLICATION = "seminarium.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "seminarium.core.context_processors.viewer",
            ],
            "builtins": ["seminarium.core.templatetags.seminarium"],
        },
    }
]

# Database: SQLite in WAL mode by default; PostgreSQL in production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'seminarium.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers
            # queue on busy_timeout instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
elif env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # PostgreSQL: the hot statements of core/db.py (the join click, webhook batches) are
    # prepared on first use; Django's own cursors bind on the client and are never
    # prepared. Turn off behind a pooler
    # that cannot keep prepared statements (PgBouncer before 1.21, transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 0)
# Connections are kept, on SQLite too: opening one (and its WAL pragma) costs tens of
# milliseconds, which caps the join surge (docs/performance.md).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else in-process memory.
if REDIS_URL := env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="seminarium"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="seminarium@localhost")

# Sign-in
AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal"
LOGOUT_REDIRECT_URL = "home"
# Sign-in links for invited people (django-sesame): valid for 14 days, and
# void once the password changes.
SESAME_MAX_AGE = env.int("SIGN_IN_LINK_MAX_AGE", default=14 * 24 * 3600)
SESAME_TOKEN_NAME = "token"  # noqa: S105 (the query parameter's name)

# Login throttling (django-axes). Locks by user name as well as by address,
# and reads the address from REMOTE_ADDR only, so a forged X-Forwarded-For
# header cannot bypass it. Behind a proxy, set TRUSTED_PROXY_COUNT.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

# Internationalisation. Interface languages; kk, uz and tg follow later.
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", _("Chinese")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "seminarium_language"
TIMEZONE_COOKIE_NAME = "seminarium_timezone"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security: production defaults; HTTPS=false relaxes only what plain HTTP needs.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level is on the handler too: Django's own loggers (django.request's 4xx
    # warnings) pass records up to it whatever the root logger's level.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Attendance (docs/attendance.md): the share of scheduled time, in per cent, a
# participant must attend for a certificate, unless the programme sets its own.
ATTENDANCE_THRESHOLD = env.float("ATTENDANCE_THRESHOLD", default=85.0)

# Video rooms. Until a conferencing provider is configured, sessions use public
# Jitsi rooms with unguessable names.
JITSI_BASE_URL = env.str("JITSI_BASE_URL", default="https://meet.jit.si")
# Conferencing (docs/video-rooms.md): join buttons open this many minutes before a
# session; rooms are created this many hours ahead; each provider's own settings.
JOIN_OPENS_MINUTES = env.int("JOIN_OPENS_MINUTES", default=15)
VIDEO_ROOMS_AHEAD_HOURS = env.int("VIDEO_ROOMS_AHEAD_HOURS", default=48)
JITSI_JWT_BASE_URL = env.str("JITSI_JWT_BASE_URL", default="")
JITSI_JWT_APP_ID = env.str("JITSI_JWT_APP_ID", default="")
JITSI_JWT_APP_SECRET = env.str("JITSI_JWT_APP_SECRET", default="")
JITSI_JWT_AUDIENCE = env.str("JITSI_JWT_AUDIENCE", default="")
JITSI_JWT_SUBJECT = env.str("JITSI_JWT_SUBJECT", default="")
JITSI_JWT_MINUTES = env.int("JITSI_JWT_MINUTES", default=5)
JITSI_EVENT_SYNC_SECRET = env.str("JITSI_EVENT_SYNC_SECRET", default="")
JANUS_URL = env.str("JANUS_URL", default="http://127.0.0.1:8088/janus")
JANUS_PUBLIC_URL = env.str("JANUS_PUBLIC_URL", default="")
JANUS_TOKEN_SECRET = env.str("JANUS_TOKEN_SECRET", default="")
JANUS_API_SECRET = env.str("JANUS_API_SECRET", default="")
JANUS_ADMIN_KEY = env.str("JANUS_ADMIN_KEY", default="")
JANUS_ROOM_SECRET = env.str("JANUS_ROOM_SECRET", default="")
JANUS_EVENT_USER = env.str("JANUS_EVENT_USER", default="")
JANUS_EVENT_SECRET = env.str("JANUS_EVENT_SECRET", default="")
JANUS_JS_PATH = env.str("JANUS_JS_PATH", default="/usr/share/javascript/janus-gateway/janus.js")
BBB_URL = env.str("BBB_URL", default="")
BBB_SECRET = env.str("BBB_SECRET", default="")
BBB_CHECKSUM = env.str("BBB_CHECKSUM", default="sha256")
ZOOM_ACCOUNT_ID = env.str("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env.str("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env.str("ZOOM_CLIENT_SECRET", default="")
ZOOM_USER_ID = env.str("ZOOM_USER_ID", default="me")
ZOOM_WEBHOOK_SECRET = env.str("ZOOM_WEBHOOK_SECRET", default="")

# Timetable proposals: CP-SAT worker threads per solve, and the time limits organisers may ask.
TIMETABLE_SOLVER_WORKERS = env.int("TIMETABLE_SOLVER_WORKERS", default=2)
TIMETABLE_DEFAULT_TIME_LIMIT = env.int("TIMETABLE_DEFAULT_TIME_LIMIT", default=30)
TIMETABLE_MAX_TIME_LIMIT = env.int("TIMETABLE_MAX_TIME_LIMIT", default=600)

# Public certificate verification: look-ups per client address per window, and how
# long public caches may keep a verification page (a revocation shows within it).
CERTIFICATE_VERIFY_LIMIT = env.int("CERTIFICATE_VERIFY_LIMIT", default=30)
CERTIFICATE_VERIFY_WINDOW = env.int("CERTIFICATE_VERIFY_WINDOW", default=600)
CERTIFICATE_VERIFY_MAX_AGE = env.int("CERTIFICATE_VERIFY_MAX_AGE", default=60)

# Background jobs (Django's tasks API). Embedded default: a database-backed queue,
# worked by `seminarium db_worker` (which `seminarium demo` starts). Production may
# use Redis-backed RQ workers: TASKS_BACKEND=rq with REDIS_URL, run `seminarium rqworker`.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
