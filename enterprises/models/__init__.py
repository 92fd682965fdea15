"""Enterprise registry models. Admission, standardization and training live in sibling modules."""

from .registry import Enterprise, EnterpriseStatusChange

__all__ = ["Enterprise", "EnterpriseStatusChange"]
