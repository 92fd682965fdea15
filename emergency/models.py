"""Models of the emergency app (not built yet)."""
