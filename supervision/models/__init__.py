from .inspection import Inspection, InspectionQuerySet

__all__ = ["Inspection", "InspectionQuerySet"]
