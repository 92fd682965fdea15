"""The enterprise registry: enterprises and their status history, credit-code validation, import/export,
the enterprise picker (`fields.py`) and search (`autocomplete.py`), compliance conditions (`compliance.py`)."""
