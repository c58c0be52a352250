"""Where an event is published."""

from __future__ import annotations

from wallet.v1 import wallet_pb2 as pb
from wallet_relay.subjects import account_of, subject_for


def test_subjects_name_the_provider_and_the_kind() -> None:
    debit = pb.Transaction(provider="aigame", kind=pb.TRANSACTION_KIND_DEBIT, status=pb.TRANSACTION_STATUS_COMPLETED)
    assert subject_for("wallet.v1.transactions", debit) == "wallet.v1.transactions.aigame.debit"
    cancel = pb.Transaction(provider="hrg", kind=pb.TRANSACTION_KIND_ROLLBACK, status=pb.TRANSACTION_STATUS_COMPLETED)
    assert subject_for("p", cancel) == "p.hrg.rollback"
    tombstone = pb.Transaction(
        provider="sud", kind=pb.TRANSACTION_KIND_ROLLBACK, status=pb.TRANSACTION_STATUS_TOMBSTONE
    )
    assert subject_for("p", tombstone) == "p.sud.tombstone"
    credit = pb.Transaction(provider="a.b*>c d", kind=pb.TRANSACTION_KIND_CREDIT)
    assert subject_for("p", credit) == "p.a_b__c_d.credit"  # one token: no separator, no wildcard


def test_an_account_is_a_player_in_a_currency() -> None:
    assert account_of(pb.Transaction(player_id="p1", currency="USD")) == ("p1", "USD")
