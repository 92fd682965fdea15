"""Who-did-it fields read in Chinese: change histories and the admin show a field's label."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation

OUR_APPS = ("safety_platform", "enterprises", "hazards", "credit", "emergency", "assessment", "supervision")


def test_every_user_field_has_a_chinese_label() -> None:
    user_model = get_user_model()
    english = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS:
                continue
            for field in model._meta.get_fields():
                if getattr(field, "concrete", False) and getattr(field, "related_model", None) is user_model:
                    label = str(field.verbose_name)
                    if label.isascii():
                        english.append(f"{model._meta.label}.{field.name}: {label!r}")
    assert not english, english


def test_every_field_and_model_has_a_chinese_label() -> None:
    """Every concrete field of our models (but the automatic `id`) and every model reads in Chinese."""
    english = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS:
                continue
            model_label = str(model._meta.verbose_name)
            if model_label.isascii():
                english.append(f"{model._meta.label}: {model_label!r}")
            for field in model._meta.get_fields():
                if not isinstance(field, models.Field) or not field.concrete:
                    continue
                if field.auto_created and field.primary_key and field.name == "id":
                    continue
                label = str(field.verbose_name)
                if label.isascii():
                    english.append(f"{model._meta.label}.{field.name}: {label!r}")
    assert not english, english
