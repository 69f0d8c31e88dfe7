"""Tests marked ``kubo_lib`` run the real kubo library: where
:func:`conformance.targets.kubo_lib.available` gives a reason it cannot run here (no unshare, no
wheel, not Linux x86_64, ``$FAKEIPFS_NO_KUBO_LIB``), they are skipped with that reason."""
from __future__ import annotations

import pytest

from conformance.targets import kubo_lib


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = kubo_lib.available()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"kubo_lib unavailable: {reason}")
    for item in items:
        if item.get_closest_marker("kubo_lib") is not None:
            item.add_marker(skip)
