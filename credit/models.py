"""Models of the credit app (not built yet)."""
