"""medcyber settings: one module, read from the environment.

Local runs need no configuration at all; ``MEDCYBER_ENV=production`` turns on every
production check (``manage.py check --deploy`` clean) and refuses unsafe defaults.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent
MEDCYBER_ENV = env.str("MEDCYBER_ENV", default="development")
PRODUCTION = MEDCYBER_ENV == "production"
DATA_DIR = Path(env.str("MEDCYBER_DATA_DIR", default="var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if PRODUCTION:
        return env.str("SECRET_KEY")
    if "SECRET_KEY" in env:
        return env.str("SECRET_KEY")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
MEDCYBER_BASE_URL = env.str("MEDCYBER_BASE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "medcyber.core",
    "medcyber.accounts",
    "medcyber.registry",
    "medcyber.claims",
    "medcyber.desk",
    "medcyber.incidents",
    "medcyber.guideline",
    "medcyber.portal",
    "medcyber.core.admin_site.MedcyberAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "medcyber.training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "medcyber.core.middleware.AuditContextMiddleware",
    "medcyber.accounts.middleware.StaffMfaRequiredMiddleware",
]

ROOT_URLCONF = "medcyber.urls"
WSGI_APPLICATION = "medcyber.wsgi.application"
ASGI_APPLICATION = "medcyber.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medcyber.core.context_processors.programme",
                "medcyber.portal.context_processors.alerts",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'medcyber.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (login rate limits and lockouts must be shared by every web process) -------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "medcyber.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read on every signed-in request: from Redis, written through to the database
    # so that a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "medcyber_cache",
        }
    }

# --- background tasks -----------------------------------------------------------------------
TASKS_BACKEND = env.str("TASKS_BACKEND", default="db")
if TASKS_BACKEND == "rq":
    # Workers: `medcyber rqworker --job-class django_tasks_rq.Job default`
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- accounts, sign-in and MFA --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "medcyber.accounts.passwords.GuidelinePasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "medcyber.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
# Five failed logins for one account within 15 minutes lock it for the rest of the window;
# allauth counts them in the shared cache, so the limit holds across web processes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_FORMS = {"activate_totp": "medcyber.accounts.forms.ActivateTOTPForm"}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_TOTP_ISSUER = "medcyber"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- internationalisation: Japanese first -----------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- static files and uploads -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
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
MEDIA_ROOT = DATA_DIR / "files"
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- e-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or "EMAIL_HOST" in env
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="medcyber <noreply@medcyber.invalid>")
# Training mail (TRAIN-1): the senders' domain and the most mails a minute through EMAIL_HOST.
TRAINING_SENDER_DOMAIN = env.str("TRAINING_SENDER_DOMAIN", default="training.invalid")
TRAINING_SEND_RATE_PER_MINUTE = env.int("TRAINING_SEND_RATE_PER_MINUTE", default=60)
# Mails handed over per batch (one connection, three writes); a killed worker can leave at most
# this many "uncertain" (never re-sent).
TRAINING_SEND_BATCH = env.int("TRAINING_SEND_BATCH", default=200)
# SMTP connections a sending worker uses at once (each waits on the server's replies).
TRAINING_SEND_CONNECTIONS = env.int("TRAINING_SEND_CONNECTIONS", default=4)
# Reports by forwarding: the report mailbox (each facility's address is a sub-address of it),
# read over IMAP by a periodic task and by `medcyber training read-reports`.
TRAINING_REPORT_ADDRESS = env.str("TRAINING_REPORT_ADDRESS", default="report@training.invalid")
TRAINING_REPORT_IMAP_HOST = env.str("TRAINING_REPORT_IMAP_HOST", default="")
TRAINING_REPORT_IMAP_PORT = env.int("TRAINING_REPORT_IMAP_PORT", default=0)
TRAINING_REPORT_IMAP_USER = env.str("TRAINING_REPORT_IMAP_USER", default="")
TRAINING_REPORT_IMAP_PASSWORD = env.str("TRAINING_REPORT_IMAP_PASSWORD", default="")
TRAINING_REPORT_IMAP_SSL = env.bool("TRAINING_REPORT_IMAP_SSL", default=True)
TRAINING_REPORT_POLL_SECONDS = env.int("TRAINING_REPORT_POLL_SECONDS", default=300)
# A new known-exploited flaw found at this many facilities is proposed as a portal alert.
GUIDELINE_KEV_ALERT_FACILITIES = env.int("GUIDELINE_KEV_ALERT_FACILITIES", default=10)
# Registry Excel exports (every member's personal data) are deleted this many days after writing.
REGISTRY_EXPORT_RETENTION_DAYS = env.int("REGISTRY_EXPORT_RETENTION_DAYS", default=7)

# --- the programme's contact details (ADM-2) ------------------------------------------------
# Defaults only: association staff edit the live values in the admin (core.ProgrammeContact).
MEDCYBER_CONTACT_DEFAULTS = {
    "desk_name": "日本医師会サイバーセキュリティ対応相談窓口（サイ窓）",
    "desk_phone": "0120-179-066",
    "desk_hours": "年中無休 6:00〜21:00",
    "office_name": "日本医師会 情報システム課",
    "office_phone": "03-3942-6135",
    "office_fax": "03-3946-6295",
    "office_email": "josys@po.med.or.jp",
}

# --- logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- production --------------------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# --- uploads ----------------------------------------------------------------------------------
# Every upload is scanned by clamd (a Unix socket when CLAMD_SOCKET is set, else TCP) and
# refused when clamd cannot be reached: there is deliberately no switch to skip the scan.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="") or None
CLAMD_HOST = env.str("CLAMD_HOST", default="127.0.0.1")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
MEDCYBER_UPLOAD_MAX_BYTES = env.int("MEDCYBER_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)


def _file_keys() -> list[str]:
    """Fernet keys for files at rest, newest first (older ones still decrypt: key rotation)."""
    if PRODUCTION or env.str("MEDCYBER_FILE_KEYS", default="").strip():
        keys = [key.strip() for key in env.list("MEDCYBER_FILE_KEYS") if key.strip()]
        if not keys:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("MEDCYBER_FILE_KEYS names no key")
        return keys
    path = DATA_DIR / "file_keys"
    if not path.exists():
        import base64  # a Fernet key: 32 random bytes, URL-safe base64

        path.touch(mode=0o600)
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return [key.strip() for key in path.read_text().split(",") if key.strip()]


MEDCYBER_FILE_KEYS = _file_keys()

# --- support payments: the association as the requester of Zengin transfers (PAY-4) ----------
# The bank gives the requester code; the defaults only make local runs and the demo work.
ZENGIN_REQUESTER = {
    "code": env.str("ZENGIN_REQUESTER_CODE", default="0000000000"),
    "name": env.str("ZENGIN_REQUESTER_NAME", default="ｼﾔ)ﾆﾎﾝｲｼｶｲ"),
    "bank_code": env.str("ZENGIN_REQUESTER_BANK_CODE", default="0001"),
    "branch_code": env.str("ZENGIN_REQUESTER_BRANCH_CODE", default="001"),
    "account_type": env.str("ZENGIN_REQUESTER_ACCOUNT_TYPE", default="1"),
    "account_number": env.str("ZENGIN_REQUESTER_ACCOUNT_NUMBER", default="0000000"),
}
# Between records: CRLF by default; some banks want LF or nothing at all.
ZENGIN_RECORD_SEPARATOR = {"crlf": b"\r\n", "lf": b"\n", "none": b""}[
    env.str("ZENGIN_RECORD_SEPARATOR", default="crlf")
]
