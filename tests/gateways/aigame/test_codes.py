from gateways.aigame.codes import ENDPOINTS, MESSAGES, SUCCESS, code_table, message_for
from gateways.aigame.provisional import Provisional

# Every code aigame.md lists, per endpoint (800104 and 800106 provisional).
AIGAME_MD_CODES = {
    "balance": {408000, 600100, 800100, 800101, 800102, 800103},
    "bet": {408000, 600100, 800100, 800101, 800102, 800104, 800106},
    "payout": {408000, 600100, 800100, 800101, 800102, 800107, 800109},
    "refund": {408000, 600100, 800100, 800101, 800102, 800107, 800108},
    "detail": {408000, 408003, 408004, 600100, 700101, 700237},
}
# Beyond the lists, one choice: the allowlist guards every endpoint (408003), and the rate limit's
# code is the vendor's own (408004); a detail query the core cannot answer is a service exception.
EXTRA = {
    "balance": {408003, 408004},
    "bet": {408003, 408004},
    "payout": {408003, 408004},
    "refund": {408003, 408004},
    "detail": {800100},
}


def test_every_reason_has_a_row() -> None:
    assert code_table(Provisional()).uncovered() == frozenset()


def test_each_endpoint_answers_only_codes_aigame_lists_for_it() -> None:
    table = code_table(Provisional())
    for column, endpoint in enumerate(ENDPOINTS):
        used = {codes[column] for codes in table.rows.values()} | {table.fallback[column]}
        assert used <= AIGAME_MD_CODES[endpoint] | EXTRA[endpoint], endpoint


def test_the_money_answers_aigame_md_asks_for() -> None:
    table = code_table(Provisional())
    assert table.code_for("payout", "TRANSACTION_NOT_FOUND") == 800107
    assert table.code_for("payout", "IDEMPOTENCY_CONFLICT") == 800109
    assert table.code_for("bet", "INSUFFICIENT_FUNDS") == 800104
    assert table.code_for("bet", "ALREADY_ROLLED_BACK") == 800106
    assert table.code_for("refund", "ALREADY_SETTLED") == 800108
    assert table.code_for("detail", "TRANSACTION_NOT_FOUND") == 700237
    assert table.code_for("detail", "UNKNOWN_AGENT") == 700101


def test_the_provisional_codes_come_from_the_provisional_table() -> None:
    provisional = Provisional(insufficient_balance_code=811104, bet_failure_code=811106)
    table = code_table(provisional)
    assert table.code_for("bet", "INSUFFICIENT_FUNDS") == 811104
    assert table.code_for("bet", "ALREADY_ROLLED_BACK") == 811106
    assert message_for(811104, provisional) == "Insufficient balance"
    assert message_for(811106, provisional) == "Bet failure"


def test_every_code_has_a_message() -> None:
    provisional = Provisional()
    table = code_table(provisional)
    codes = {code for row in table.rows.values() for code in row}
    assert all(code in MESSAGES or code in (800104, 800106) for code in codes)
    assert message_for(SUCCESS, provisional) == "success"
    assert message_for(800107, provisional) == "Order ID does not exist"
