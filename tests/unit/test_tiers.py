"""The unit tier stays fast: no unit test loads the real model or builds a real index."""

from __future__ import annotations

import pytest


def test_no_unit_test_needs_the_real_model(request: pytest.FixtureRequest) -> None:
    session = request.session
    heavy = [
        item.nodeid
        for item in session.items
        if "tests/unit/" in item.nodeid and item.get_closest_marker("model") is not None
    ]
    assert heavy == [], "move these to tests/integration (they use the real model):\n" + "\n".join(
        heavy
    )
