"""MoneyRequest.fingerprint: a stored request's hash never changes, whatever its text holds.

Replays are recognised by comparing the stored hash with a new one (rule 2), so the fingerprint must
stay exactly sha256 of json.dumps(..., sort_keys=True) of the six values, as it always was.
"""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from wallet_core.domain import Kind, MoneyRequest


def definition(request: MoneyRequest, amount: str) -> str:
    canonical = {"kind": request.kind.value, "player_id": request.player_id, "currency": request.currency,
                 "amount": amount, "reference_id": request.reference_id, "reverse_payouts": request.reverse_payouts}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def test_known_requests_keep_their_stored_hashes() -> None:
    # Rows in stores hold these: a change of the fingerprint's text would turn their retries into conflicts.
    bet = MoneyRequest(kind=Kind.DEBIT, provider="aigame", transaction_id="b1", player_id="p1", currency="USD",
                       amount="10.00")
    assert bet.fingerprint("10") == "0128ee5a4fddc45d5cd3a208651f932e5947a5ff8982ef78ab23b6f3af068838"
    cancel = MoneyRequest(kind=Kind.ROLLBACK, provider="aigame", transaction_id="c1", player_id="jos\u00e9",
                          currency="USD", amount="", reference_id="b1", reverse_payouts=True)
    assert cancel.fingerprint("") == "456aee1c51fd23389d171a48b03b75b682aee2f7d1334e8035d066421f9b70db"


@given(kind=st.sampled_from(list(Kind)), player_id=st.text(), currency=st.text(max_size=8), amount=st.text(),
       reference_id=st.text(), reverse_payouts=st.booleans())
def test_it_is_the_hash_of_the_sorted_json(kind: Kind, player_id: str, currency: str, amount: str,
                                           reference_id: str, reverse_payouts: bool) -> None:
    request = MoneyRequest(kind=kind, provider="p", transaction_id="t", player_id=player_id, currency=currency,
                           amount=amount, reference_id=reference_id, reverse_payouts=reverse_payouts)
    assert request.fingerprint(amount) == definition(request, amount)


def test_text_that_json_escapes_is_hashed_as_json_writes_it() -> None:
    for text in ("\"\\/\b\f\n\r\t\x00\x1f\x7f", "\u00e9\u2028\ud800\U0001f600", "</script>", ""):
        request = MoneyRequest(kind=Kind.CREDIT, provider="p", transaction_id="t", player_id=text, currency=text,
                               amount=text, reference_id=text)
        assert request.fingerprint(text) == definition(request, text)
