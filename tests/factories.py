"""factory_boy factories for the core and the registry (apps add theirs under tests/<app>/)."""

from __future__ import annotations

import itertools

import factory

from enterprises.models import Enterprise
from enterprises.registry.validators import make_credit_code
from safety_platform.models import User

_serial = itertools.count(1)
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def next_credit_code(region: str = "350802") -> str:
    n = next(_serial)
    digits = []
    for _ in range(9):
        n, r = divmod(n, 31)
        digits.append(_ALPHABET[r])
    return make_credit_code(region, "".join(reversed(digits)))


def with_wrong_check(code: str) -> str:
    """`code` with another check character: a credit code the GB 32100 check refuses."""
    return code[:17] + ("0" if code[17] != "0" else "1")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    role = "inspector"
    password = factory.django.Password("pass-Word-1")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    credit_code = factory.LazyFunction(next_credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    legal_representative = "张三"
    address = "福建省龙岩市"
    risk_category = "industry_trade"

    @factory.post_generation
    def derive_department(obj: Enterprise, create: bool, extracted: object, **kwargs: object) -> None:
        if create and not obj.department_set_manually:
            from enterprises.registry.services import _apply_derived_department

            _apply_derived_department(obj, {})
            obj.save(update_fields=["supervising_department", "department_set_manually"])
