"""A bounded schemathesis run over the whole OpenAPI schema, anonymously and as a programme officer: no
input causes a server error, and every answer keeps to the schema (status code, content type, body,
headers; 405s name the allowed methods). Runs on SQLite and, with INNOBRIDGE_TEST_POSTGRES_URL, PostgreSQL.

Driven through hypothesis directly (schemathesis's pytest plugin does not load under pytest 9 here).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from innobridge.core.context import Context
from innobridge.web.app import create_app

# Bounded for CI (about 30 s per database here); FUZZ_EXAMPLES=50 explores further by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_schema_whatever_the_input(
    ctx: Context, officer_headers: dict[str, str], mode: GenerationMode
) -> None:
    """Positive: valid input by the schema; negative: input the schema forbids, which must be refused."""
    checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(ctx))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35  # every registry entity's five routes at least
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            for who, headers in (("officer", officer_headers), ("anonymous", {})):
                try:
                    case.call_and_validate(headers=headers, checks=checks)
                except (Exception, FailureGroup) as exc:  # a check failed: note it, keep exploring
                    failures.append(
                        f"[{who}] {case.method} {case.formatted_path} query={case.query or ''} "
                        f"body={str(case.body)[:120]}\n    {str(exc)[:600]}"
                    )

        try:
            call()
        except Unsatisfiable:  # negative mode: nothing about this operation can be made invalid
            assert mode == GenerationMode.NEGATIVE
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:30])
