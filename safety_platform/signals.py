"""Signals other apps listen to. Both are sent after the transaction that caused them commits."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Fact class, fact=<Fact>. Credit and assessment react to new facts here.
fact_recorded = Signal()

# sender=StatutoryDeadline class, deadline=<StatutoryDeadline>, level=<int>. Sent once per level reached.
deadline_escalated = Signal()
