"""Settings shared by every environment, configured by environment variables (see .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))
# Runtime files of the embedded default: SQLite database, Celery's filesystem broker, uploads.
VAR_DIR = Path(env("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

# The platform's own apps come first: for translations, an app listed earlier wins when two
# catalogs translate the same English string (django-celery-beat would otherwise turn "Name" into 任务名).
INSTALLED_APPS = [
    "safety_platform",
    "enterprises",
    "hazards",
    "credit",
    "emergency",
    "assessment",
    "supervision",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "safety_platform.third_party.AxesConfig",  # django-axes with a Chinese name in the admin
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # first: production.py puts WhiteNoise right after it
    "safety_platform.db_router.ReadReplicaMiddleware",  # a no-op unless DATABASE_REPLICA_URL is set
    "safety_platform.middleware.ContentSecurityPolicyMiddleware",
    "safety_platform.middleware.FastPathMiddleware",  # plain feed and hazard list pages (FEED_FAST_PATHS)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safety_platform.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safety_platform.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safety_platform.middleware.NulCharacterMiddleware",  # a NUL in a form or address: a 400 naming the field
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safety_platform.middleware.AuditlogMiddleware",  # auditlog's, skipped on reads of FEED_FAST_PATHS
    "axes.middleware.AxesMiddleware",
]

# The departments' read-only feeds: a plain page (API key, JSON, no filter) is answered by the handler named
# here before the session, locale, CSRF, auth and audit middleware (FastPathMiddleware); every feed read
# skips auditlog's setup (AuditlogMiddleware). The handler returns None for anything else. Likewise the hazard
# list's plain page as a signed-in phone asks for it (session cookie, the list's filters, page).
FEED_FAST_PATHS = {
    "/api/v1/credit/ratings/": "credit.api.fast.ratings_page",
    "/api/v1/credit/blacklist/": "credit.api.fast.blacklist_page",
    "/api/v1/hazards/": "hazards.api.fast.hazard_list_page",
}

# Only the platform's own files; no inline script, no inline style, no eval (README "Security").
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# HTML pages under a prefix get this policy instead: the API's third-party pages (DRF's browsable API has
# style= attributes, Swagger UI and Redoc write their styles at run time) and Django's admin (its templates
# and widgets, e.g. the API key form, carry style= attributes) may use inline styles, only that.
_INLINE_STYLES = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
CONTENT_SECURITY_POLICY_RELAXED = {
    "/api/": _INLINE_STYLES + "; worker-src 'self' blob:",  # Redoc's search runs in a worker of its own bundle
    "/admin/": _INLINE_STYLES,
}

ROOT_URLCONF = "safety_platform.urls"
WSGI_APPLICATION = "safety_platform.wsgi.application"

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
                "safety_platform.context_processors.navigation",
            ],
        },
    }
]

# Embedded default: SQLite in var/ so that a newcomer needs nothing installed.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the Celery worker write while the web process reads; the timeout rides out short locks.
    # IMMEDIATE takes the write lock when a transaction starts: a deferred one that read first and then
    # writes (every select_for_update … save service) fails at once with "database is locked" when another
    # writer got in between, because SQLite cannot wait there without risking a deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A PostgreSQL that accepts connections and never answers (hung, or a network that swallows packets)
    # would hold a web worker until gunicorn kills it; libpq waits without limit by default. Give up after a
    # few seconds and the request answers 503 with Retry-After (safety_platform/errors.py); the PostgreSQL
    # drill in tests/platform/test_faults_drills.py. `?connect_timeout=` in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=3)
    )
    # A network partition in the middle of a query leaves libpq waiting for an answer that never comes, and
    # the web worker with it. TCP keepalives notice the dead peer (idle 10 s, then 3 probes 5 s apart) and
    # tcp_user_timeout gives up on data the peer never acknowledges (25 s), both before gunicorn's 30 s;
    # a busy but reachable server acknowledges at the TCP level, so a long query is never cut by these.
    # a statement that runs too long (a lock never released, a runaway query) is cancelled by PostgreSQL
    # after DJANGO_DB_STATEMENT_TIMEOUT seconds (0: no limit) and the request answers 503 (errors.py) — 20 s,
    # under gunicorn's default 30 s worker timeout, so the worker answers before gunicorn kills it.
    # Celery workers and management commands (nightly recalculations, assessment runs, migrations) switch
    # to DJANGO_DB_LONG_STATEMENT_TIMEOUT: safety_platform.db_timeouts.use_long_statement_timeout().
    # Values given in DATABASE_URL (`?keepalives_idle=…`, `?options=…`) win.
    DB_STATEMENT_TIMEOUT = env.int("DJANGO_DB_STATEMENT_TIMEOUT", default=20)
    DB_LONG_STATEMENT_TIMEOUT = env.int("DJANGO_DB_LONG_STATEMENT_TIMEOUT", default=600)
    _db_options = DATABASES["default"]["OPTIONS"]
    _db_options.setdefault("keepalives", 1)
    _db_options.setdefault("keepalives_idle", env.int("DJANGO_DB_KEEPALIVES_IDLE", default=10))
    _db_options.setdefault("keepalives_interval", env.int("DJANGO_DB_KEEPALIVES_INTERVAL", default=5))
    _db_options.setdefault("keepalives_count", env.int("DJANGO_DB_KEEPALIVES_COUNT", default=3))
    _db_options.setdefault("tcp_user_timeout", env.int("DJANGO_DB_TCP_USER_TIMEOUT_MS", default=25000))
    if "statement_timeout" not in _db_options.get("options", ""):
        _timeout = f"-c statement_timeout={DB_STATEMENT_TIMEOUT}s"
        _db_options["options"] = f"{_db_options.get('options', '')} {_timeout}".strip()
    # No JIT compilation (DJANGO_DB_JIT=true turns it back on). PostgreSQL compiles a statement whose
    # estimated cost passes jit_above_cost, and correlated subqueries (the training overview's compliance
    # counts, 11 per person) are estimated far above what they cost: at 5,000 enterprises that query ran in
    # 0.18 s and spent 4.9 s in JIT compilation (EXPLAIN ANALYZE, load average ~9). A web request is short;
    # compiling never pays back there, and the batch statements of the worker stay below the threshold.
    if not env.bool("DJANGO_DB_JIT", default=False) and "jit=" not in _db_options.get("options", ""):
        _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
# A persistent connection (CONN_MAX_AGE > 0) is checked before a request reuses it, so one that died with the
# database (a restart, an outage) is replaced rather than failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica for the departments' feeds (safety_platform/db_router.py; README "Deploying at scale"):
# GET requests under READ_REPLICA_PATHS read from it; writes, accounts and keys stay on the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **env.db("DATABASE_REPLICA_URL").get("OPTIONS", {})},
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["safety_platform.db_router.ReplicaRouter"]
READ_REPLICA_PATHS = env.list("READ_REPLICA_PATHS", default=["/api/v1/credit/ratings/", "/api/v1/credit/blacklist/"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "safety_platform.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures lock the username/IP pair for 30 minutes, and 20 failures from one
# address (any accounts) lock the address; failures on AXES_SPRAYING_ACCOUNTS accounts from one address
# alert the administrators (password spraying). See safety_platform/security.py.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_SPRAYING_ACCOUNTS = env.int("AXES_SPRAYING_ACCOUNTS", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "safety_platform.security.PlatformAxesHandler"
# Sessions suit a shared office computer: 30 minutes idle ends one, and none lives longer than 12 hours.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_SECONDS", default=12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# Hosts departments may register webhooks to (approved by an administrator); ".example.cn" allows subdomains.
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])
# A user's API token (Authorization: Token …) expires after this many days; department API keys have their own expiry.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind reverse proxies (nginx, the intranet gateway) the client's address is read from
# X-Forwarded-For, trusting exactly this many proxies; 0 = REMOTE_ADDR (served directly).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "safety_platform.net.client_ip"
# The address printed in QR codes on posted risk cards (what workers' phones can reach), e.g.
# https://safety.longyan.gov.cn; empty = the address the printing user browsed from.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="").rstrip("/")
# Workers called in to share the nightly credit recalculation with the one that starts it.
CREDIT_RECALC_HELPERS = env.int("CREDIT_RECALC_HELPERS", default=1)

# Users read Simplified Chinese by default; English is switchable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package-lock.json) and are served by the platform: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded evidence (photos, documents) is never served directly: views check visibility first.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Images are refused above this many pixels, read from the header before decoding (a phone photo is 12-50 MP).
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A list filter's empty choice means "any": it reads 全部 (All), as the yes/no filters' does, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "safety_platform.api.authentication.ApiKeyAuthentication",
        "safety_platform.security.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["safety_platform.api.permissions.IsAuthenticatedUserOrScopedKey"],
    "DEFAULT_PAGINATION_CLASS": "safety_platform.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "safety_platform.api.schema.PlatformAutoSchema",
    "EXCEPTION_HANDLER": "safety_platform.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "safety_platform.api.renderers.PlatformJSONRenderer",  # DRF's JSON, encoded by orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Longyan work-safety supervision platform API",
    "DESCRIPTION": (
        "REST API for supervising departments, key enterprises and other government systems. "
        "Authenticate with `Authorization: Api-Key <key>` (department keys), `Authorization: Token <token>` "
        "(users) or a browser session. Errors are JSON; bad input is a 400 naming the field."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are for departments' integrators: a signed-in user or an API key, not the public.
    "SERVE_PERMISSIONS": ["safety_platform.api.permissions.SchemaReader"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Links from a created object to its reads, writes and actions, and from an ETag to the writes it guards.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "safety_platform.api.schema.add_links"],
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseStatusEnum": "enterprises.registry.choices.EnterpriseStatus",
        "CreditBlacklistCaseEnum": "credit.choices.BlacklistCase",
        "CreditRemovalReasonEnum": "credit.choices.RemovalReason",
        "JointMeasureKindEnum": "credit.choices.JointMeasureKind",
        "JointMeasureBasisEnum": "credit.choices.JointMeasureBasis",
        "JointMeasureChannelEnum": "credit.choices.JointMeasureChannel",
        "JointMeasureStatusEnum": "credit.choices.JointMeasureStatus",
        "HazardGradeEnum": "hazards.choices.HazardGrade",
        "AssessmentGradeEnum": "assessment.choices.AssessmentGrade",
        "HazardStateEnum": "hazards.choices.HazardState",
        "DutyKindEnum": "enterprises.responsibility.models.DutyKind",
        "JointInspectionStatusEnum": "enterprises.responsibility.models.JointInspectionStatus",
        "ProjectCategoryEnum": "enterprises.admission.models.ProjectCategory",
        "ProjectStatusEnum": "enterprises.admission.models.ProjectStatus",
        "DensePlaceKindEnum": "enterprises.admission.models.PlaceKind",
        "SitingDecisionEnum": "enterprises.admission.models.ReviewDecision",
        "CatalogKindEnum": "enterprises.admission.models.CatalogKind",
        "CatalogStatusEnum": "enterprises.admission.models.CatalogStatus",
        "CatalogMatchedByEnum": "enterprises.admission.models.MatchedBy",
        "ExitKindEnum": "enterprises.admission.models.ExitKind",
        "ExitStatusEnum": "enterprises.admission.models.ExitStatus",
        "StandardizationLevelEnum": "enterprises.standardization.models.StandardizationLevel",
        "StandardizationIssuingLevelEnum": "enterprises.standardization.models.IssuingLevel",
        "StandardizationCertificateStatusEnum": "enterprises.standardization.models.CertificateStatus",
        "DemonstrationStatusEnum": "enterprises.standardization.models.DemonstrationStatus",
        "DemonstrationMeasureKindEnum": "enterprises.standardization.models.MeasureKind",
        "EmployeeRoleEnum": "enterprises.training.models.PersonRole",
        "EmployeeStatusEnum": "enterprises.training.models.EmployeeStatus",
        "SpecialOperationEnum": "enterprises.training.models.SpecialOperation",
        "PostEventKindEnum": "enterprises.training.models.PostEventKind",
        "TrainingCategoryEnum": "enterprises.training.models.TrainingCategory",
        "EmergencyTeamKindEnum": "emergency.choices.TeamKind",
        "EmergencyReadinessEnum": "emergency.choices.Readiness",
        "EmergencyEquipmentStatusEnum": "emergency.choices.EquipmentStatus",
        "EmergencyWarehouseLevelEnum": "emergency.choices.WarehouseLevel",
        "EmergencyMovementKindEnum": "emergency.choices.MovementKind",
        "EmergencyStockAlertKindEnum": "emergency.choices.StockAlertKind",
        "EmergencyDispatchStatusEnum": "emergency.choices.DispatchStatus",
        "EmergencyDispatchActionEnum": "emergency.choices.DispatchAction",
        "EmergencyAccidentGradeEnum": "emergency.choices.AccidentGrade",
        "EmergencyAccidentCategoryEnum": "emergency.choices.AccidentCategory",
        "EmergencyAccidentStatusEnum": "emergency.choices.AccidentStatus",
        "EmergencyReportLevelEnum": "emergency.choices.ReportLevel",
        "EmergencyResponseKindEnum": "emergency.choices.ResponseKind",
        "EmergencyResponsibilityKindEnum": "emergency.choices.ResponsibilityKind",
        "EmergencyPartyKindEnum": "emergency.choices.PartyKind",
        "EmergencyMeasureStatusEnum": "emergency.choices.MeasureStatus",
        "EmergencyWarningLevelEnum": "emergency.choices.WarningLevel",
        "EmergencyWarningKindEnum": "emergency.choices.WarningKind",
        "EmergencyWarningStatusEnum": "emergency.choices.WarningStatus",
        "EmergencyPlanKindEnum": "emergency.choices.PlanKind",
        "EmergencyPlanStatusEnum": "emergency.choices.PlanStatus",
        "EmergencyDrillKindEnum": "emergency.choices.DrillKind",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport so the embedded
# default still runs a real worker and beat with nothing installed.
REDIS_URL = env("REDIS_URL", default="")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# The request path must never hang because the broker is down: publish fails fast and is logged.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY = False
# No result backend: nothing reads a task's result, and a Redis result backend retried its
# connection on the request path for ~20 s when Redis was down. Work goes through the task outbox.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task killed with its worker is redelivered after the visibility timeout (late acks): 5 minutes,
# longer than any task's normal run (the nightly recalculation resumes in batches of its own).
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=300)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        "max_retries": 1,
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        # Look for messages of killed workers every 10 s (kombu's default sweep is ~100 s on top of the timeout).
        "unacked_restore_interval": env.int("CELERY_BROKER_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": 1,
    }
else:
    _celery_queue = VAR_DIR / "celery" / "queue"
    _celery_done = VAR_DIR / "celery" / "processed"
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is unused; naming it silences kombu
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_queue),
        "data_folder_out": str(_celery_queue),
        "processed_folder": str(_celery_done),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }

CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    # Short timeouts and a wrapper that turns a Redis outage into a cache miss (logged), never a hang or a 500.
    CACHES = {
        "default": {
            "BACKEND": "safety_platform.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

# Audit trail: every domain model is registered in its app's apps.ready(); the log is append-only.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Notices by e-mail and SMS are sent by a Celery task (safety_platform.channels); a send waits at most this long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@safety.longyan.local")
# "log" (embedded default): SMS texts go to the log and var/sms.log. "http": POST to SMS_GATEWAY_URL.
SMS_BACKEND = env("SMS_BACKEND", default="log")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
# A worker owns the e-mail / SMS it is sending this long; if it dies, they are sent again (same id) after it.
OUTBOUND_CLAIM_SECONDS = env.int("OUTBOUND_CLAIM_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Domain settings
PLATFORM_NAME = _("Longyan work-safety supervision platform")
API_KEY_DEFAULT_DAYS = env.int("API_KEY_DEFAULT_DAYS", default=365)
