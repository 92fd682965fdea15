"""The enterprises API answers what its OpenAPI schema says (schemathesis found nulls the schema forbade,
plain lists documented as pages, and a compliance body that did not match either of its two shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from enterprises.admission.services import siting_review_run
from enterprises.models import ResponsibilityItem
from enterprises.registry.services import enterprise_change_status
from tests.enterprises.topic_factories import (
    EmployeeFactory,
    PlaceFactory,
    ProjectFactory,
    SeparationFactory,
    StdCertificateFactory,
)
from tests.platform.schema_check import response_errors

pytestmark = pytest.mark.django_db


def test_registry_and_topic_answers_match_the_schema(api_client: Any, users: Any, org: Any, xinluo_chem: Any) -> None:
    enterprise_change_status(actor=users["committee"], enterprise=xinluo_chem, status="suspended", reason="停产整顿")
    person = EmployeeFactory(enterprise=xinluo_chem, posted_on=dt.date(2024, 3, 1))
    ResponsibilityItem.objects.create(department=org.department("yjj"), duty="综合监管")  # no industry
    StdCertificateFactory(enterprise=xinluo_chem, industry=xinluo_chem.industry)  # its "issued" event has no actor
    SeparationFactory()
    project = ProjectFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"))
    PlaceFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"))
    siting_review_run(actor=users["committee"], project=project)
    api_client.force_authenticate(users["committee"])
    calls = [
        ("/api/v1/enterprises/{id}/status-history/", xinluo_chem.pk, {}),
        ("/api/v1/employees/{id}/post-events/", person.pk, {}),
        ("/api/v1/high-risk-projects/{id}/reviews/", project.pk, {}),
        ("/api/v1/responsibility-items/", None, {}),
        ("/api/v1/standardization-certificates/", None, {}),
        ("/api/v1/training-compliance/", None, {}),
        ("/api/v1/training-compliance/", None, {"enterprise": xinluo_chem.pk}),
        ("/api/v1/standardization-coverage/", None, {}),
    ]
    errors = []
    for path, pk, params in calls:
        response = api_client.get(path.format(id=pk), params)
        assert response.status_code == 200, (path, response.content)
        errors += [(path, params, e) for e in response_errors(path, "get", 200, response.json())]
    assert errors == []


def test_patching_an_enterprise_answers_with_every_field(api_client: Any, users: Any, org: Any) -> None:
    from tests.factories import EnterpriseFactory

    # An industry no department supervises: the supervising department (and its name) is empty.
    orphan = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("F"))
    assert orphan.supervising_department_id is None
    api_client.force_authenticate(users["committee"])
    response = api_client.patch(f"/api/v1/enterprises/{orphan.pk}/", {"employees": 12}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["supervising_department_name"] is None  # was left out of PATCH answers
    assert response_errors("/api/v1/enterprises/{id}/", "patch", 200, response.json()) == []


def test_a_status_change_without_a_person_is_documented_as_such(api_client: Any, users: Any, xinluo_chem: Any) -> None:
    """A status recorded by an import, the admin's bulk load or the system has no `changed_by`: the schema
    said it was always a string, so generated clients failed on the enterprise's status history."""
    from enterprises.models import EnterpriseStatusChange

    EnterpriseStatusChange.objects.create(enterprise=xinluo_chem, to_status="operating", reason="批量导入")
    api_client.force_authenticate(users["committee"])
    path = "/api/v1/enterprises/{id}/status-history/"
    body = api_client.get(path.format(id=xinluo_chem.pk)).json()
    assert None in {row["changed_by"] for row in (body["results"] if isinstance(body, dict) else body)}
    assert response_errors(path, "get", 200, body) == []
