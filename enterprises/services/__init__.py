"""Writes of the enterprises app's topics not yet in their own room."""
