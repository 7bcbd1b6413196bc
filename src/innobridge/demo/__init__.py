"""A bilingual demo set for a Shanghai-like region, loaded by `innobridge demo` (fictional records)."""

from innobridge.demo.generate import build_demo, demo_relevance
from innobridge.demo.load import DEMO_USERS, DemoUser, load_demo

__all__ = ["DEMO_USERS", "DemoUser", "build_demo", "demo_relevance", "load_demo"]
