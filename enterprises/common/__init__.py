"""What the topic rooms share: who may write (`access.py`), list pages and service calls in views and API
(`views.py`, `api.py`), styled filtersets and forms, the link to the hazards app (`hazard_link.py`), demo look-ups
and admin pieces. It imports the registry only, never a topic room."""
