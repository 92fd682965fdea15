"""Organisation model: jurisdictions, industries, departments, users and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..choices import JURISDICTION_LEVEL_ORDER, JurisdictionLevel, Role
from ..permissions import is_enterprise_person
from ..scoping import SignedInQuerySet, within_path
from .fields import department_link, enterprise_link, jurisdiction_link

if TYPE_CHECKING:
    from django.db.models import QuerySet


class JurisdictionQuerySet(SignedInQuerySet["Jurisdiction"]):
    """The jurisdiction tree is public inside the platform: every signed-in user may read it."""

    def subtree(self, node: Jurisdiction) -> JurisdictionQuerySet:
        return self.filter(within_path("path", node.path))


class Jurisdiction(models.Model):
    """行政区划与网格 — a node of the tree city → county/district/zone → township → grid.

    `path` is a materialized path of ids ("/1/4/17/") so that "everything under this node" is one
    indexed range of paths (`safety_platform.scoping.within_path`), which is how inspectors are scoped; on
    PostgreSQL the column compares byte by byte (collation "C", migration 0012).
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"), max_length=12, unique=True, null=True, blank=True, help_text=_("GB/T 2260 code where one exists")
    )
    level = models.CharField(_("level"), max_length=10, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("hierarchy path"), max_length=255, editable=False, db_index=True, default="")
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.level not in JurisdictionLevel.values:
            return  # no level or an unknown one: the level field's own error says so (the parent follows from it)
        expected_parent_level = self.expected_parent_level()
        if expected_parent_level is None and self.parent_id is not None:
            raise ValidationError({"parent": _("A city has no parent.")})
        if expected_parent_level is not None:
            if self.parent is None:
                raise ValidationError({"parent": _("This level needs a parent.")})
            if self.parent.level != expected_parent_level:
                raise ValidationError({"parent": _("The parent must be one level up.")})
            if self.pk and self.parent.path.startswith(self.path):
                raise ValidationError({"parent": _("A node cannot move under itself.")})

    def expected_parent_level(self) -> str | None:
        index = JURISDICTION_LEVEL_ORDER.index(JurisdictionLevel(self.level))
        return None if index == 0 else JURISDICTION_LEVEL_ORDER[index - 1]

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            if new_path == old_path:
                return
            self.path = new_path
            Jurisdiction.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # Moving a node moves its subtree: rewrite the descendants' path prefix in one statement.
                from django.db.models import Value
                from django.db.models.functions import Concat, Substr

                Jurisdiction.objects.filter(within_path("path", old_path)).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self) -> QuerySet[Jurisdiction]:
        return Jurisdiction.objects.filter(pk__in=self.ancestor_ids).order_by("path")

    def county(self) -> Jurisdiction | None:
        """The county/district/zone this node belongs to (itself if it is one)."""
        if self.level == JurisdictionLevel.COUNTY:
            return self
        return self.ancestors().filter(level=JurisdictionLevel.COUNTY).first()

    @property
    def full_name(self) -> str:
        return " / ".join(j.name for j in self.ancestors() if j.level != JurisdictionLevel.CITY) or self.name


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUP = "group", _("Group")
    CLASS = "class", _("Class")


class Industry(models.Model):
    """国民经济行业分类 — an industry of GB/T 4754-2017: section letter, then 2/3/4-digit codes.

    The code is stored with its section letter ("C2614") so that prefix matching walks the tree.
    """

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def level_for_code(code: str) -> str:
        return {1: IndustryLevel.SECTION, 3: IndustryLevel.DIVISION, 4: IndustryLevel.GROUP}.get(
            len(code), IndustryLevel.CLASS
        )

    def prefixes(self) -> list[str]:
        """Codes of this industry and every ancestor, most specific first ("C2614", "C261", "C26", "C")."""
        code = self.code
        return [code[:n] for n in (5, 4, 3, 1) if len(code) >= n]


class DepartmentQuerySet(SignedInQuerySet["Department"]):
    def supervising_for_industry(self, industry: Industry | None) -> Department | None:
        """The department that supervises an industry: the one holding the most specific prefix of its code."""
        if industry is None:
            return None
        prefixes = industry.prefixes()
        candidates = (
            DepartmentIndustry.objects.filter(industry__code__in=prefixes, department__is_active=True)
            .select_related("department", "industry")
            .order_by("department__jurisdiction__path", "department_id")
        )
        best: tuple[int, Department] | None = None
        for link in candidates:
            specificity = len(link.industry.code)
            if best is None or specificity > best[0]:
                best = (specificity, link.department)
        return best[1] if best else None


class Department(models.Model):
    """部门 — a government department; supervises industries ("管行业必须管安全")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    jurisdiction = jurisdiction_link(related_name="departments")
    industries = models.ManyToManyField(
        Industry,
        verbose_name=_("supervised industries"),
        through="DepartmentIndustry",
        related_name="departments",
        blank=True,
    )
    is_committee_member = models.BooleanField(_("safety committee member unit"), default=False)
    is_committee_office = models.BooleanField(
        _("safety committee office"), default=False, help_text=_("安委办: receives major-hazard reports")
    )
    duties = models.TextField(_("safety duties"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["jurisdiction__path", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class DepartmentIndustry(models.Model):
    """A department's supervision of one industry (a GB/T 4754 code prefix covers everything under it)."""

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.CASCADE)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("supervised industry")
        verbose_name_plural = _("supervised industries")
        constraints = [
            models.UniqueConstraint(fields=["department", "industry"], name="department_industry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.industry}"


class User(AbstractUser):
    """平台用户 — a person signing in, with one role and the scope that goes with it."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    department = department_link(optional=True, related_name="staff")
    enterprise = enterprise_link(optional=True, related_name="users")
    jurisdictions = models.ManyToManyField(
        Jurisdiction,
        verbose_name=_("jurisdictions"),
        blank=True,
        related_name="inspectors",
        help_text=_("Inspectors see enterprises in these jurisdictions and everything below them."),
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False) | Q(is_active=False),
                name="user_enterprise_role_has_enterprise",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT) | Q(department__isnull=False) | Q(is_active=False),
                name="user_department_role_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ENTERPRISE and not self.enterprise_id:
            raise ValidationError({"enterprise": _("An enterprise user belongs to one enterprise.")})
        if self.role == Role.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _("Department staff belong to a department.")})
        if self.role != Role.ENTERPRISE and self.enterprise_id:
            raise ValidationError({"enterprise": _("Only enterprise users belong to an enterprise.")})
        if self.role == Role.COUNTY_OFFICE and self.department_id:
            raise ValidationError(
                {"department": _("A county committee office belongs to its county, not to a department.")}
            )

    @staticmethod
    def clean_jurisdictions(role: str, jurisdictions: Any) -> None:
        """The jurisdictions a role may hold (a many-to-many field, so forms call this after `clean()`):
        a county committee office has exactly one, a county/district/zone."""
        if role != Role.COUNTY_OFFICE:
            return
        nodes = list(jurisdictions or [])
        if len(nodes) != 1 or nodes[0].level != JurisdictionLevel.COUNTY:
            raise ValidationError(
                {"jurisdictions": _("A county committee office has exactly one jurisdiction: its county or district.")}
            )

    # Role helpers -------------------------------------------------------------------------------
    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def sees_everything(self) -> bool:
        """Administrators and committee staff see the whole city."""
        return self.is_platform_admin or self.role == Role.COMMITTEE

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.INSPECTOR

    @property
    def is_department_staff(self) -> bool:
        return self.role == Role.DEPARTMENT

    @property
    def is_enterprise_user(self) -> bool:
        """`is_enterprise_person(user)`, the one rule, spelled for templates (they cannot call it)."""
        return is_enterprise_person(self)

    @property
    def is_committee(self) -> bool:
        return self.role == Role.COMMITTEE

    @property
    def is_county_office(self) -> bool:
        return self.role == Role.COUNTY_OFFICE

    @property
    def scopes_by_jurisdiction(self) -> bool:
        """Inspectors and county offices: what they see is the subtrees of `jurisdiction_paths`."""
        return not self.is_superuser and self.role in (Role.INSPECTOR, Role.COUNTY_OFFICE)

    @cached_property
    def office_county(self) -> Jurisdiction | None:
        """A county office's county (None for every other role)."""
        if self.role != Role.COUNTY_OFFICE:
            return None
        return self.jurisdictions.filter(level=JurisdictionLevel.COUNTY).order_by("path").first()

    @cached_property
    def jurisdiction_paths(self) -> list[str]:
        """Materialized paths of this user's jurisdictions (one query per request, then cached)."""
        return list(self.jurisdictions.values_list("path", flat=True))

    @property
    def api_key(self) -> None:
        return None
