"""Texts the platform seeds for staff to read (schemes' and rule sets' notes, risk bandings' basis) cite the
city's document and the law in Chinese, never the project's design notes ("DESIGN §3c"), which are not part of the
platform; installations seeded before are rewritten by data migrations, and a note someone edited is kept."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from assessment.models import Scheme
from hazards.models import RiskBanding
from supervision.models import InspectionRuleSet

pytestmark = pytest.mark.django_db

MIGRATIONS = {
    "assessment": "assessment.migrations.0006_scheme_notes_cite_city_measures",
    "supervision": "supervision.migrations.0008_rule_notes_cite_city_measures",
    "hazards": "hazards.migrations.0014_risk_banding_basis_in_chinese",
    "version": "supervision.migrations.0009_rule_set_version_label",
}


def _texts() -> list[str]:
    return [
        *Scheme.objects.values_list("notes", flat=True),
        *InspectionRuleSet.objects.values_list("notes", flat=True),
        *RiskBanding.objects.values_list("basis", flat=True),
    ]


def test_a_fresh_installation_shows_no_design_note_reference_and_no_english_basis() -> None:
    texts = _texts()
    assert len(texts) >= 5  # two schemes, the default rule set, two bandings
    assert not [text for text in texts if "DESIGN" in text]
    assert not [text for text in texts if " red" in text or "matrix" in text]
    assert any("六项措施" in text for text in Scheme.objects.values_list("notes", flat=True))
    # The rule set's version label, shown on plans and cases, names no design note's section either.
    assert not [v for v in InspectionRuleSet.objects.values_list("version", flat=True) if "§" in v]


def test_the_default_rule_set_keeps_its_plans_when_its_version_label_is_renamed() -> None:
    migration = importlib.import_module(MIGRATIONS["version"])
    rule_set = InspectionRuleSet.objects.get(version="LY-2025.1")
    InspectionRuleSet.objects.filter(pk=rule_set.pk).update(version=migration.OLD_VERSION)
    migration.forwards(apps, None)
    assert InspectionRuleSet.objects.get(pk=rule_set.pk).version == "LY-2025.1"
    migration.backwards(apps, None)
    assert InspectionRuleSet.objects.get(pk=rule_set.pk).version == migration.OLD_VERSION


def test_the_migrations_rewrite_the_old_seeded_texts_and_leave_edited_ones() -> None:
    assessment = importlib.import_module(MIGRATIONS["assessment"])
    supervision = importlib.import_module(MIGRATIONS["supervision"])
    hazards = importlib.import_module(MIGRATIONS["hazards"])
    scheme = Scheme.objects.order_by("pk").first()
    rule_set = InspectionRuleSet.objects.order_by("pk").first()
    lec = RiskBanding.objects.get(method="lec", is_active=True)
    matrix = RiskBanding.objects.get(method="matrix", is_active=True)
    assert scheme is not None and rule_set is not None
    Scheme.objects.filter(pk=scheme.pk).update(notes=assessment.TEXTS[0][0])
    InspectionRuleSet.objects.filter(pk=rule_set.pk).update(notes=supervision.OLD_NOTES)
    RiskBanding.objects.filter(pk=lec.pk).update(basis=hazards.TEXTS[0][1])
    RiskBanding.objects.filter(pk=matrix.pk).update(basis="本局修订的分级说明")  # edited by staff

    assessment.forwards(apps, None)
    supervision.forwards(apps, None)
    hazards.forwards(apps, None)

    scheme.refresh_from_db()
    rule_set.refresh_from_db()
    lec.refresh_from_db()
    matrix.refresh_from_db()
    assert scheme.notes == assessment.TEXTS[0][1] and "DESIGN" not in scheme.notes
    assert rule_set.notes.startswith("依据《龙岩市防范遏制重特大生产安全事故六项措施》第三部分第2条")
    assert lec.basis.startswith("作业条件危险性评价法（LEC）：D > 320 红色")
    assert matrix.basis == "本局修订的分级说明"

    assessment.backwards(apps, None)
    supervision.backwards(apps, None)
    scheme.refresh_from_db()
    rule_set.refresh_from_db()
    assert scheme.notes == assessment.TEXTS[0][0]
    assert rule_set.notes == supervision.OLD_NOTES
