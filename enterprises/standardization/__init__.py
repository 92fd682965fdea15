"""Standardization (安全生产标准化): certificates with expiry and re-review reminders, demonstration enterprises."""
