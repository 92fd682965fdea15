"""What the topic rooms share: list pages, new-record pages and service calls in views and API (`views.py`,
`api.py`), styled filtersets and forms, plugging a room into the shell (`setup.py`), the link to the hazards app
(`hazard_link.py`) and demo look-ups (their read-only inlines are the core's `admin_readonly`). It imports the
registry only, never a topic room; who may do what is in `enterprises/permissions.py`."""
