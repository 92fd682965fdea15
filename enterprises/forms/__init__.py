"""Web forms of the enterprises app, one module per topic."""

from .registry import EnterpriseForm, ImportForm, StatusChangeForm

__all__ = ["EnterpriseForm", "ImportForm", "StatusChangeForm"]
