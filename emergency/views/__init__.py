"""Web views of the emergency app, one module per topic (see urls.py)."""
