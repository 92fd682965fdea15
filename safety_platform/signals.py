"""Signals other apps listen to (the core sends them, so it never imports an app)."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Fact class, fact=<Fact>. Credit and assessment react to new facts here.
fact_recorded = Signal()

# sender=StatutoryDeadline class, deadline=<StatutoryDeadline>, level=<int>. Sent once per level reached.
deadline_escalated = Signal()

# sender=None, action="count" | "hold" | "release". Sent by `safety_platform.backup`: apps with outbound work
# (credit's webhook deliveries) answer with {kind: number} — pending ones counted for the manifest, held after a
# restore (they may have been sent after the backup was taken), released by an operator.
outbound_hold = Signal()

# sender=Department class, department=<Department>. Sent when an administrator has changed which industries a
# department supervises: the enterprises app re-derives the supervising department of every enterprise not set
# by hand and answers with the number of enterprises changed.
department_industries_changed = Signal()
