"""A reconciler against a real core (each store), the AIGame gateway in front of it, and the
simulated AIGame platform (its record API, with a short rate-limit interval): tests/support/reconciling.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.core import CoreHandle
from tests.support.reconciling import Reconciling, reconciling_over


@pytest.fixture
async def reconciling(core: CoreHandle) -> AsyncIterator[Reconciling]:
    async with reconciling_over(core) as found:
        yield found
