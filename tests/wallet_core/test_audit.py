"""The admin audit through a real core: an account opened by CreateAccount is recorded with who,
when and what; a refused call records nothing; entries read back in order, by time."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.core import CoreHandle, bearer
from tests.support.logs import watching_logs
from tests.wallet_core.helpers import refused
from wallet.v1 import wallet_pb2 as pb
from wallet_core.audit import ACCOUNT_OPENED, AdminAudit
from wallet_core.store.database import create_engine


async def _entries(
    core: CoreHandle, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[str, str, str, dict[str, object]]]:
    engine = create_engine(core.database_url)
    try:
        found = await AdminAudit(engine).entries(since=since, until=until)
    finally:
        await engine.dispose()
    return [(e.actor, e.action, e.subject, dict(e.details)) for e in found]


async def test_an_account_opened_by_create_account_is_audited_with_who_and_what(core: CoreHandle) -> None:
    before = datetime.now(UTC)
    opened = await core.stub.CreateAccount(
        pb.CreateAccountRequest(player_id="p1", currency="USD", initial_balance="12.5"),
        metadata=bearer(core.admin_token),
    )
    await core.open_account("p2", "COIN")
    wallet_id = opened.account.wallet_id
    assert await _entries(core) == [
        ("admin", ACCOUNT_OPENED, "p1 USD", {"wallet_id": wallet_id, "opening_balance": "12.50"}),
        ("admin", ACCOUNT_OPENED, "p2 COIN", {"wallet_id": wallet_id + 1, "opening_balance": "0"}),
    ]
    engine = create_engine(core.database_url)
    try:
        (first, _) = await AdminAudit(engine).entries()
        assert before <= first.at <= datetime.now(UTC)
        assert await AdminAudit(engine).entries(limit=1) == [_]
    finally:
        await engine.dispose()
    assert await _entries(core, since=datetime.now(UTC) + timedelta(seconds=1)) == []
    assert await _entries(core, until=before) == []


async def test_a_refused_admin_call_is_not_audited(core: CoreHandle) -> None:
    await core.open_account("p1", "USD")
    again = await refused(core.open_account("p1", "USD"))
    not_admin = await refused(
        core.stub.CreateAccount(
            pb.CreateAccountRequest(player_id="p3", currency="USD"), metadata=bearer(core.token_for("tests"))
        )
    )
    assert (again.reason, not_admin.reason) == ("ACCOUNT_EXISTS", "PERMISSION_DENIED")
    assert [subject for _, _, subject, _ in await _entries(core)] == ["p1 USD"]


async def test_an_entry_the_store_cannot_take_is_logged_in_full_not_raised(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'not-migrated.db'}")  # no admin_audit table
    try:
        with watching_logs() as watch:
            await AdminAudit(engine).record("admin", "player.blocked", "p1", reason="chargebacks")
    finally:
        await engine.dispose()
    (record,) = [r for r in watch.records if r.name == "wallet_core.audit"]
    assert record.levelno == logging.ERROR and record.exc_info
    assert json.loads(vars(record)["audit_entry"])["details"] == {"reason": "chargebacks"}
