from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """One app (label `enterprises`, one set of tables and migrations) holding several rooms, each with the
    same skeleton: `registry/`, `figures/` and the topics. Each room plugs itself in with its `setup.register()`."""

    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from .legal_numbers import register as register_legal_numbers

        register_legal_numbers()
        from .figures import setup as figures_setup
        from .registry import setup as registry_setup

        registry_setup.register()
        figures_setup.register()
        from .setup_topics import register_topics

        register_topics()  # issue 6: responsibility, admission, standardization, training
