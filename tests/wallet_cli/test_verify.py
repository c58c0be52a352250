"""`wallet verify` against an insider with SQL access: an entry and its balance rewritten
consistently, whole chains rewritten with their hashes recomputed; `--anchor FILE` written, then
checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from tests.support.ledger import bet, open_ledger, payout
from tests.wallet_cli.test_commands import wallet
from wallet_core import chain, verify
from wallet_core.store.database import create_engine
from wallet_core.store.queries import utc
from wallet_core.store.schema import accounts, entries


async def _bets_of(database_url: str, player: str, count: int, first: int = 0) -> None:
    async with open_ledger(database_url) as ledger:
        if not await ledger.accounts(player):
            await ledger.create_account(player, "USD", "100.00")
        for n in range(first, first + count):
            await bet(ledger, "tests", f"{player}-b{n}", player, "USD", "2.00", f"r{n}")
            await payout(ledger, "tests", f"{player}-b{n}", player, "USD", "1.00", f"r{n}", f"{player}-w{n}")


async def _entry_ids(database_url: str, player: str) -> list[int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            query = (
                select(entries.c.id)
                .join(accounts, accounts.c.id == entries.c.account_id)
                .where(accounts.c.player_id == player)
                .order_by(entries.c.id)
            )
            return list((await conn.execute(query)).scalars())
    finally:
        await engine.dispose()


async def _take_more_from(database_url: str, player: str, entry_id: int, amount: int, *, rechain: bool) -> None:
    """What an insider does to hide money taken: the entry's amount, every later balance_after and
    the account's balance rewritten so that they add up; with ``rechain``, every hash from that
    entry on recomputed and the head too (the hash is no secret)."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            account_id = (await conn.execute(select(accounts.c.id).where(accounts.c.player_id == player))).scalar_one()
            await conn.execute(update(entries).where(entries.c.id == entry_id).values(amount=entries.c.amount - amount))
            await conn.execute(
                update(entries)
                .where(entries.c.account_id == account_id, entries.c.id >= entry_id)
                .values(balance_after=entries.c.balance_after - amount)
            )
            await conn.execute(
                update(accounts).where(accounts.c.id == account_id).values(balance=accounts.c.balance - amount)
            )
            if rechain:
                head = chain.GENESIS
                chained = select(entries).where(entries.c.account_id == account_id).order_by(entries.c.id)
                for row in (await conn.execute(chained)).mappings():
                    created = utc(row["created_at"])
                    assert created is not None
                    head = chain.entry_hash(
                        head, account_id, row["transaction_id"], row["amount"], row["balance_after"], created
                    )
                    await conn.execute(update(entries).where(entries.c.id == row["id"]).values(chain_hash=head))
                await conn.execute(update(accounts).where(accounts.c.id == account_id).values(chain_head=head))
    finally:
        await engine.dispose()


async def test_an_entry_and_its_balance_rewritten_consistently_break_the_chain(database_url: str) -> None:
    await _bets_of(database_url, "alice", 3)
    await _bets_of(database_url, "bob", 2)
    clean = wallet("verify", database_url=database_url)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 mismatches, 0 broken chains" in clean.stdout

    rewritten = (await _entry_ids(database_url, "alice"))[2]  # the first bet's payout
    await _take_more_from(database_url, "alice", rewritten, 100, rechain=False)
    caught = wallet("verify", database_url=database_url)
    assert caught.returncode == 1, caught.stdout
    assert caught.stderr == ""
    assert caught.stdout.splitlines() == [
        f"BROKEN CHAIN account 1 (alice USD): entry {rewritten} does not hash to its chain hash",
        "checked 2 accounts: 0 mismatches, 1 broken chains",
    ]


async def test_the_chains_are_walked_alike_whatever_rows_each_read_brings(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _bets_of(database_url, "alice", 3)
    await _bets_of(database_url, "bob", 2)
    async with open_ledger(database_url) as ledger:
        await ledger.create_account("carol", "USD")  # no entry at all
    engine = create_engine(database_url)
    try:
        whole = await verify.walk_chains(engine)
        monkeypatch.setattr(verify, "STREAMED_ROWS", 2)  # an account's entries over several reads
        assert await verify.walk_chains(engine) == whole
        assert [(w.account.player_id, w.entries, w.broken) for w in whole] == [
            ("alice", 7, None),  # the opening balance, then a bet and its payout each time
            ("bob", 5, None),
            ("carol", 0, None),
        ]
        rewritten = (await _entry_ids(database_url, "alice"))[4]
        await _take_more_from(database_url, "alice", rewritten, 100, rechain=False)
        broken = [w.broken for w in await verify.walk_chains(engine)]
        assert broken[0] is not None and broken[0].entry_id == rewritten and broken[1:] == [None, None]
    finally:
        await engine.dispose()


async def test_an_entry_deleted_from_the_end_leaves_a_head_that_is_not_the_last_entrys(database_url: str) -> None:
    await _bets_of(database_url, "alice", 2)
    last = (await _entry_ids(database_url, "alice"))[-1]
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"DELETE FROM entries WHERE id = {last}"))
            await conn.execute(text("UPDATE accounts SET balance = balance - 100"))
    finally:
        await engine.dispose()
    caught = wallet("verify", database_url=database_url)
    assert caught.returncode == 1
    assert "BROKEN CHAIN account 1 (alice USD): its chain head is not its last entry's hash" in caught.stdout


async def test_an_anchor_is_written_then_extended_and_catches_chains_rewritten_whole(
    database_url: str, tmp_path: Path
) -> None:
    await _bets_of(database_url, "alice", 2)
    await _bets_of(database_url, "bob", 1)
    anchor = tmp_path / "anchor.json"
    taken = wallet("verify", "--anchor", str(anchor), database_url=database_url)
    assert taken.returncode == 0, taken.stdout + taken.stderr
    written = json.loads(anchor.read_text())
    assert f"digest {written['digest']}" in taken.stdout
    assert [(a["player_id"], a["entries"]) for a in written["accounts"]] == [("alice", 5), ("bob", 3)]

    await _bets_of(database_url, "alice", 2, first=2)  # the ledger goes on
    extended = wallet("verify", "--anchor", str(anchor), database_url=database_url)
    assert extended.returncode == 0, extended.stdout
    assert f"the ledger extends the anchor {anchor}" in extended.stdout
    assert json.loads(anchor.read_text()) == written  # checked, never rewritten

    rewritten = (await _entry_ids(database_url, "alice"))[1]  # the first bet, before the anchor
    await _take_more_from(database_url, "alice", rewritten, 100, rechain=True)
    assert wallet("verify", database_url=database_url).returncode == 0  # consistent: the chains alone pass
    caught = wallet("verify", "--anchor", str(anchor), database_url=database_url)
    assert caught.returncode == 1
    anchored_last = written["accounts"][0]["last_entry"]
    assert caught.stdout.splitlines()[:2] == [
        "checked 2 accounts: 0 mismatches, 0 broken chains",
        f"NOT EXTENDING THE ANCHOR account 1 (alice USD): entry {anchored_last} (number 5 of its chain) is not "
        f"the anchored entry {anchored_last} with head {written['accounts'][0]['head']}: it or an earlier entry "
        "was rewritten",
    ]
    assert caught.stdout.splitlines()[2].startswith(f"the ledger does not extend the anchor {anchor}")


async def test_an_anchor_counts_entries_removed_and_accounts_gone(database_url: str, tmp_path: Path) -> None:
    await _bets_of(database_url, "alice", 2)
    anchor = tmp_path / "anchor.json"
    assert wallet("verify", "--anchor", str(anchor), database_url=database_url).returncode == 0
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:  # the whole account, its entries and their chain: gone
            await conn.execute(text("DELETE FROM entries"))
            await conn.execute(text("UPDATE transactions SET account_id = NULL"))
            await conn.execute(text("DELETE FROM accounts"))
    finally:
        await engine.dispose()
    caught = wallet("verify", "--anchor", str(anchor), database_url=database_url)
    assert caught.returncode == 1
    assert "NOT EXTENDING THE ANCHOR account 1 (alice USD): is anchored but is no longer in the ledger" in (
        caught.stdout
    )


async def test_an_anchor_file_changed_or_a_broken_ledger_is_one_line_and_no_anchor(
    database_url: str, tmp_path: Path
) -> None:
    await _bets_of(database_url, "alice", 1)
    anchor = tmp_path / "anchor.json"
    assert wallet("verify", "--anchor", str(anchor), database_url=database_url).returncode == 0
    document = json.loads(anchor.read_text())
    document["accounts"][0]["entries"] = 2
    anchor.write_text(json.dumps(document))
    edited = wallet("verify", "--anchor", str(anchor), database_url=database_url)
    assert edited.returncode == 2 and edited.stdout == ""
    assert (
        edited.stderr
        == f"wallet: {anchor}: its heads do not give its digest {document['digest']}: the file was changed\n"
    )
    anchor.write_text("{not json")
    unreadable = wallet("verify", "--anchor", str(anchor), database_url=database_url)
    assert unreadable.returncode == 2 and unreadable.stderr.startswith(
        f"wallet: {anchor} is not a readable wallet anchor"
    )

    await _take_more_from(database_url, "alice", (await _entry_ids(database_url, "alice"))[0], 1, rechain=False)
    fresh = tmp_path / "fresh.json"
    refused = wallet("verify", "--anchor", str(fresh), database_url=database_url)
    assert refused.returncode == 1 and not fresh.exists()
    assert f"no anchor written to {fresh}: the ledger fails verify" in refused.stdout
