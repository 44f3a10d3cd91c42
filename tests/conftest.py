"""Loads the shared fixtures of tests/support/ (its docstring is the map); tests import the plain helpers from
tests.support. Every test that takes `app` (or `chat`) runs twice, on SQLite and on PostgreSQL."""
import pytest

pytest.register_assert_rewrite("tests.support")
pytest_plugins = ["tests.support.harness", "tests.support.province", "tests.support.officials"]
