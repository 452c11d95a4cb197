"""Tests of the feedback service (a package, so its conftest never shadows tests/conftest.py)."""
