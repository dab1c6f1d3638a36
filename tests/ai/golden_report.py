"""Lines the golden test reports at the end of the session (see conftest.py)."""

LINES: list[str] = []
