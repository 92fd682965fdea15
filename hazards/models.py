"""Models of the hazards app (not built yet)."""
