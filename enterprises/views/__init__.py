"""Web views of the enterprises app, one module per topic (see urls.py)."""
