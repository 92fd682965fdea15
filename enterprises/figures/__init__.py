"""The dashboards' enterprise figures: per area, industry and department counts kept equal to the records
(listeners in `receivers.py`, the upsert in `services.py`, a nightly recount in `tasks.py`)."""
