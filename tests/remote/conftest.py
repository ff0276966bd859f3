"""Remote join and webhooks: the fake clock starts at the real time (receivers check signatures' timestamps)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))
