"""Django's admin autodiscovery imports this module; each room registers its models in its own `admin.py`."""

from .admission import admin as admission_admin  # noqa: F401
from .registry import admin as registry_admin  # noqa: F401
from .responsibility import admin as responsibility_admin  # noqa: F401
from .standardization import admin as standardization_admin  # noqa: F401
from .training import admin as training_admin  # noqa: F401
