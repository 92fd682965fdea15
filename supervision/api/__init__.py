"""REST API of the supervision app (mounted at /api/v1/supervision/)."""
