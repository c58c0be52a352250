"""domain.fingerprint: a stored request's hash never changes, whatever its text holds.

Replays are recognised by comparing the stored hash with a new one (rule 2), so the fingerprint must
stay exactly sha256 of json.dumps(..., sort_keys=True) of the six values, as it always was.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from wallet_core.domain import Kind, MoneyRequest, fingerprint
from wallet_core.store.database import json_text

SCALES = {"USD": 2}


def definition(kind: Kind, player_id: str, currency: str, amount: str, reference_id: str, reverse_payouts: bool) -> str:
    canonical = {
        "kind": kind.value,
        "player_id": player_id,
        "currency": currency,
        "amount": amount,
        "reference_id": reference_id,
        "reverse_payouts": reverse_payouts,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def test_known_requests_keep_their_stored_hashes() -> None:
    # Rows in stores hold these: a change of the fingerprint's text would turn their retries into conflicts.
    bet = "0128ee5a4fddc45d5cd3a208651f932e5947a5ff8982ef78ab23b6f3af068838"
    assert fingerprint(Kind.DEBIT, "p1", "USD", "10", "", False) == bet
    cancel = "456aee1c51fd23389d171a48b03b75b682aee2f7d1334e8035d066421f9b70db"
    assert fingerprint(Kind.ROLLBACK, "jos\u00e9", "USD", "", "b1", True) == cancel
    # A prepared request hashes its amount's canonical spelling ("10.00" and "10" are one amount).
    assert MoneyRequest.prepare(SCALES, Kind.DEBIT, "aigame", "b1", "p1", "USD", "10.00").fingerprint == bet
    assert (
        MoneyRequest.prepare(
            SCALES, Kind.ROLLBACK, "aigame", "c1", "jos\u00e9", "USD", "", reference_id="b1", reverse_payouts=True
        ).fingerprint
        == cancel
    )


@given(
    kind=st.sampled_from(list(Kind)),
    player_id=st.text(),
    currency=st.text(max_size=8),
    amount=st.text(),
    reference_id=st.text(),
    reverse_payouts=st.booleans(),
)
def test_it_is_the_hash_of_the_sorted_json(
    kind: Kind, player_id: str, currency: str, amount: str, reference_id: str, reverse_payouts: bool
) -> None:
    assert fingerprint(kind, player_id, currency, amount, reference_id, reverse_payouts) == definition(
        kind, player_id, currency, amount, reference_id, reverse_payouts
    )


def test_text_that_json_escapes_is_hashed_as_json_writes_it() -> None:
    for text in ('"\\/\b\f\n\r\t\x00\x1f\x7f', "\u00e9\u2028\ud800\U0001f600", "</script>", ""):
        assert fingerprint(Kind.CREDIT, text, text, text, text, False) == definition(
            Kind.CREDIT, text, text, text, text, False
        )


def test_a_request_is_prepared_once_with_what_every_layer_needs() -> None:
    details = {"bet": {"Banker": 10}, "\u00e9": [1.5, None]}
    bet = MoneyRequest.prepare(SCALES, Kind.DEBIT, "aigame", "b1", "p1", "USD", "12.5", details=details)
    assert (bet.amount, bet.amount_sent, bet.details_text) == (1250, Decimal("12.5"), json_text(details))
    assert bet.fingerprint == fingerprint(Kind.DEBIT, "p1", "USD", "12.5", "", False)
    # A cancel without a currency: its bet's currency converts the amount, in the ledger.
    cancel = MoneyRequest.prepare(SCALES, Kind.ROLLBACK, "aigame", "c1", "p1", "", "12.50", reference_id="b1")
    assert (cancel.amount, cancel.amount_sent, cancel.details_text) == (0, Decimal("12.50"), "{}")
    assert cancel.fingerprint == fingerprint(Kind.ROLLBACK, "p1", "", "12.5", "b1", False)
