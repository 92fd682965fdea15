"""Training: employees and their posts, three-level and annual training (train before posting),
special-operation certificates; the legal hours in `legal_numbers.py`."""
