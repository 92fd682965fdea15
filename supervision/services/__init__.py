"""Writes and rules of the supervision app."""
