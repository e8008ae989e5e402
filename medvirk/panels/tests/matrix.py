"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py)."""

CASES: list = []
