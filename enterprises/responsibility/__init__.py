"""Responsibility (责任清单): departments' duty lists and their reviews; joint inspections and their findings."""
