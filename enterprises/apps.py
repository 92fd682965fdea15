from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """One Django app (label `enterprises`: one set of tables and migrations) made of rooms with the same
    skeleton: `registry/` (the enterprises themselves), `figures/` (the dashboards' counts) and the topics
    `responsibility/`, `admission/`, `standardization/`, `training/`; `common/` holds what the topics share.
    Each room plugs itself into the platform with its own `setup.register()`, called here in this order
    (the demo seeders run in it)."""

    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules ("enterprises.…")
        from .admission import setup as admission_setup
        from .figures import setup as figures_setup
        from .registry import setup as registry_setup
        from .responsibility import setup as responsibility_setup
        from .standardization import setup as standardization_setup
        from .training import setup as training_setup

        for room in (
            registry_setup,
            figures_setup,
            responsibility_setup,
            admission_setup,
            standardization_setup,
            training_setup,
        ):
            room.register()
