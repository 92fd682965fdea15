"""Models of the assessment app (not built yet)."""
