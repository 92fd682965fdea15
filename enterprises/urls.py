"""Web routes of the enterprises app: each room lists its own patterns (one `enterprises:` namespace)."""

from __future__ import annotations

from .registry import urls as registry
from .views import admission, responsibility, standardization, training

app_name = "enterprises"

urlpatterns = (
    registry.urlpatterns
    + responsibility.urlpatterns
    + admission.urlpatterns
    + standardization.urlpatterns
    + training.urlpatterns
)
