"""A bounded schemathesis run over the whole OpenAPI schema: no input may cause a server error.

Driven through hypothesis directly (schemathesis's pytest plugin does not load under pytest 9 here).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from innobridge.core.context import Context
from innobridge.web.app import create_app

EXAMPLES_PER_OPERATION = 8


def test_no_input_causes_a_server_error(ctx: Context, officer_headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(ctx))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35  # every registry entity's five routes at least
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            for headers in (officer_headers, {}):  # as an officer, and anonymously
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query or ''} -> "
                        f"{response.status_code}: {response.text[:200]}"
                    )

        call()
    assert not failures, "\n".join(failures[:20])
