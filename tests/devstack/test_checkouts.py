"""Another checkout's code: refused unless a process started for it imports the wallet from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.checkouts import PACKAGES, NotACheckout, check_checkout, imported_elsewhere, missing_packages
from devstack.processes import ROOT


async def test_this_checkout_is_one(tmp_path: Path) -> None:
    assert missing_packages(ROOT) == []
    await check_checkout(ROOT, tmp_path)


async def test_a_directory_without_the_packages_is_refused(tmp_path: Path) -> None:
    (tmp_path / "wallet_core").mkdir()
    (tmp_path / "wallet_core" / "__init__.py").write_text("")
    assert missing_packages(tmp_path) == [p for p in PACKAGES if p != "wallet_core"]
    with pytest.raises(NotACheckout, match="is not a checkout of the wallet"):
        await check_checkout(tmp_path, tmp_path)


def test_modules_from_elsewhere_are_named(tmp_path: Path) -> None:
    inside, outside = str(tmp_path / "wallet_core" / "__init__.py"), "/elsewhere/wallet_cli/__init__.py"
    assert imported_elsewhere([inside, outside], tmp_path) == [outside]
