"""The dashboards' enterprise figures: per area, industry and department counts kept equal to the records
(the domain apps' figure sources in `sources.py`, listeners in `receivers.py`, the upsert in `services.py`, a
nightly recount in `tasks.py`)."""
