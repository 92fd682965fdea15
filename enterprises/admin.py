"""Django's admin autodiscovery imports this module: each room of the app registers its models in its own
`admin.py` (registry, responsibility, admission, standardization, training)."""

from . import admin_topics  # noqa: F401
from .registry import admin as registry_admin  # noqa: F401
