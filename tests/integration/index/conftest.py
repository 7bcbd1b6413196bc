"""The index fixtures are the matching ones (both backends): one definition."""

from tests.integration.matching.conftest import index, milvus_uri  # noqa: F401
