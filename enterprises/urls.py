"""Web routes of the enterprises app: each room lists its own patterns (one `enterprises:` namespace)."""

from __future__ import annotations

from .admission import urls as admission
from .registry import urls as registry
from .responsibility import urls as responsibility
from .standardization import urls as standardization
from .training import urls as training

app_name = "enterprises"

urlpatterns = (
    registry.urlpatterns
    + responsibility.urlpatterns
    + admission.urlpatterns
    + standardization.urlpatterns
    + training.urlpatterns
)
