"""The REST API against its own OpenAPI schema: property-based requests (schemathesis).

Every operation is called with requests generated from the schema the API serves; none
may answer 500, and every answer must match what the schema says it returns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from jixiao.web import create_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> object:
    from fastapi.testclient import TestClient

    web = create_app(str(tmp_path_factory.mktemp("api") / "api.db"))
    client = TestClient(web)
    files = [
        ("files", (p.name, p.read_bytes())) for p in (ROOT / "samples" / "seeds").glob("*.txt")
    ]
    assert client.post("/api/v1/documents", files=files,
                       headers={"X-Requested-With": "test"}).status_code == 200  # fmt: skip
    return web


def test_no_request_makes_the_api_fail(app: object) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 6
    checks = (
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_schema_conformance,
    )
    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def call(case: schemathesis.Case) -> None:
            case.headers = {**(case.headers or {}), "X-Requested-With": "schemathesis"}
            response = case.call()
            assert response.status_code < 500, (case.path, response.text[:300])
            case.validate_response(response, checks=checks)

        call()
