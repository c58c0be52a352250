"""Fuzzing the core's gRPC API (wallet.v1.WalletService) with well-formed messages holding anything.

Each example calls one method with random and adversarial field values (ids and amounts from
`inputs`, NUL, unicode and over-long strings, any int64 time, any int32 enum or page size, Structs
with NaN, infinities and deep nesting, batches with repeats) under a token that may be the right
one, another provider's, the admin's, unknown, malformed or missing. Whatever it is, the answer is
OK, or a status that is neither UNKNOWN nor INTERNAL carrying exactly one google.rpc.ErrorInfo
(domain wallet.v1, an UPPER_SNAKE reason of the contract, the gRPC code the README gives that
reason); a refusal moves no money, nothing is a false outage (STORE_UNAVAILABLE), and nothing is
logged as a crash.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2, timestamp_pb2
from google.protobuf.message import DecodeError, Message
from google.rpc import error_details_pb2, status_pb2
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.checks import LEAKS, Purse
from tests.fuzz.conftest import FUNDS, fuzz_settings
from tests.fuzz.inputs import HUGE_INTEGERS, NUMBER_LIKE
from tests.fuzz.tally import store_of, tried
from tests.support.core import CoreHandle, bearer
from tests.support.logs import watching_logs
from wallet.v1 import wallet_pb2 as pb

PROVIDER = "tests"
PLAYER = "fuzz-player"
METHODS = (
    "Debit",
    "Credit",
    "Rollback",
    "CreditBatch",
    "GetBalance",
    "GetTransaction",
    "ListTransactions",
    "ListStaleBets",
    "RecordReconciliation",
)
DETAILS_KEY = "grpc-status-details-bin"
UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
REASONS = frozenset(value.name.removeprefix("ERROR_REASON_") for value in pb.ErrorReason.DESCRIPTOR.values) - {
    "UNSPECIFIED"
}
# README, "Errors": the gRPC code of each reason.
README_CODES = {
    "INVALID_ARGUMENT": grpc.StatusCode.INVALID_ARGUMENT, "INVALID_AMOUNT": grpc.StatusCode.INVALID_ARGUMENT,
    "UNSUPPORTED_CURRENCY": grpc.StatusCode.INVALID_ARGUMENT, "CURRENCY_MISMATCH": grpc.StatusCode.FAILED_PRECONDITION,
    "PLAYER_MISMATCH": grpc.StatusCode.FAILED_PRECONDITION, "AMOUNT_MISMATCH": grpc.StatusCode.FAILED_PRECONDITION,
    "ACCOUNT_NOT_FOUND": grpc.StatusCode.NOT_FOUND, "TRANSACTION_NOT_FOUND": grpc.StatusCode.NOT_FOUND,
    "ACCOUNT_EXISTS": grpc.StatusCode.ALREADY_EXISTS, "IDEMPOTENCY_CONFLICT": grpc.StatusCode.ALREADY_EXISTS,
    "INSUFFICIENT_FUNDS": grpc.StatusCode.FAILED_PRECONDITION,
    "ALREADY_ROLLED_BACK": grpc.StatusCode.FAILED_PRECONDITION,
    "ALREADY_SETTLED": grpc.StatusCode.FAILED_PRECONDITION, "UNAUTHENTICATED": grpc.StatusCode.UNAUTHENTICATED,
    "PERMISSION_DENIED": grpc.StatusCode.PERMISSION_DENIED, "STORE_UNAVAILABLE": grpc.StatusCode.UNAVAILABLE,
    "TOKEN_EXPIRED": grpc.StatusCode.UNAUTHENTICATED, "PLAYER_BLOCKED": grpc.StatusCode.FAILED_PRECONDITION,
    "PAYOUT_HELD": grpc.StatusCode.ABORTED, "PAYOUT_REJECTED": grpc.StatusCode.FAILED_PRECONDITION,
    "LIMIT_REACHED": grpc.StatusCode.FAILED_PRECONDITION,
}  # fmt: skip
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)


def _no_surrogates(text: str) -> bool:
    return not re.search(r"[\ud800-\udfff]", text)


# --- field values ------------------------------------------------------------------------------------

ADVERSARIAL_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(("", "\x00", "a\x00b", "A" * 129, "A" * 5000, "🂡", "\u202e", " ", "'; DROP TABLE entries;--")),
    st.sampled_from(NUMBER_LIKE).filter(_no_surrogates),
)
IDS = st.one_of(st.sampled_from(("t1", "t2", "t3", "t4")), ADVERSARIAL_TEXT)
"""A few ids recur, so that payouts and cancels meet earlier bets."""
AMOUNTS = st.one_of(
    st.sampled_from(("1", "0.5", "10.00", "0", "2.505", "1000000000")),
    st.from_regex(r"-?[0-9]{1,30}(\.[0-9]{0,12})?", fullmatch=True),
    ADVERSARIAL_TEXT,
)
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from((float("nan"), float("inf"), -0.0, 1e308, 5e-324)),
)


def _deep(depth: int, as_list: bool) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value] if as_list else {"k": value}
    return value


def _json_containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)


DETAILS = st.one_of(
    st.none(),
    st.dictionaries(st.text(max_size=8), st.recursive(JSON_LEAVES, _json_containers, max_leaves=10), max_size=4),
    st.builds(lambda depth, as_list: {"deep": _deep(depth, as_list)}, st.integers(1, 45), st.booleans()),
)
EVENT_TIMES = st.one_of(
    st.none(),
    st.builds(lambda s, n: (s, n), st.integers(0, 253_402_300_799), st.integers(0, 999_999_999)),
    st.builds(lambda s, n: (s, n), INT64, INT32),
)


def _struct(values: dict[str, Any] | None) -> struct_pb2.Struct | None:
    if values is None:
        return None
    struct = struct_pb2.Struct()
    try:
        struct.update(values)
    except DecodeError:  # deeper than protobuf itself can build: not something a client can send
        return None
    return struct


@st.composite
def money_fields(draw: st.DrawFn) -> dict[str, Any]:
    """The fields a Debit, Credit or Rollback carries, each plausible or adversarial."""
    fields: dict[str, Any] = {
        "provider": draw(
            st.one_of(st.just(PROVIDER), st.just(PROVIDER), st.sampled_from(("aigame", "*")), ADVERSARIAL_TEXT)
        ),
        "transaction_id": draw(IDS),
        "player_id": draw(st.one_of(st.just(PLAYER), st.just(PLAYER), ADVERSARIAL_TEXT)),
        "currency": draw(st.one_of(st.sampled_from(("USD", "USD", "COIN", "EUR", "usd")), ADVERSARIAL_TEXT)),
        "amount": draw(AMOUNTS),
        "reference_transaction_id": draw(IDS),
    }
    for name in ("round_id", "game_id", "table_id", "raw_request"):
        if draw(st.booleans()):
            fields[name] = draw(ADVERSARIAL_TEXT)
    details = _struct(draw(DETAILS))
    if details is not None:
        fields["details"] = details
    event_time = draw(EVENT_TIMES)
    if event_time is not None:
        fields["event_time"] = timestamp_pb2.Timestamp(seconds=event_time[0], nanos=event_time[1])
    return fields


def _message(build: Callable[..., Message], fields: dict[str, Any]) -> Message:
    """The message, without its details if protobuf cannot nest them that deep inside it."""
    try:
        return build(**fields)
    except DecodeError:
        return build(**{name: value for name, value in fields.items() if name != "details"})


@st.composite
def requests(draw: st.DrawFn, method: str) -> Message:
    if method == "Debit":
        return _message(pb.DebitRequest, draw(money_fields()))
    if method == "Credit":
        return _message(pb.CreditRequest, draw(money_fields()))
    if method == "Rollback":
        return _message(pb.RollbackRequest, {**draw(money_fields()), "reverse_payouts": draw(st.booleans())})
    if method == "CreditBatch":
        credits: list[Message] = draw(st.lists(money_fields().map(lambda f: _message(pb.CreditRequest, f)), max_size=5))
        repeat: bool = draw(st.booleans())
        if credits and repeat:
            credits.append(credits[0])
        return _message(pb.CreditBatchRequest, {"credits": credits})
    if method == "GetBalance":
        return pb.GetBalanceRequest(
            provider=draw(st.one_of(st.just(""), st.just(PROVIDER), ADVERSARIAL_TEXT)),
            player_id=draw(st.one_of(st.just(PLAYER), ADVERSARIAL_TEXT)),
            currency=draw(st.one_of(st.just("USD"), ADVERSARIAL_TEXT)),
        )
    if method == "GetTransaction":
        return pb.GetTransactionRequest(
            provider=draw(st.one_of(st.just(PROVIDER), ADVERSARIAL_TEXT)),
            transaction_id=draw(IDS),
            kind=pb.TransactionKind.ValueType(draw(st.one_of(st.integers(0, 3), INT32))),
        )
    page_token = st.one_of(
        st.just(""),
        st.integers(0, 100).map(str),
        st.sampled_from(HUGE_INTEGERS).map(str),
        INT64.map(str),
        ADVERSARIAL_TEXT,
    )
    if method == "ListStaleBets":
        return pb.ListStaleBetsRequest(
            provider=draw(st.one_of(st.just(PROVIDER), st.just(""), ADVERSARIAL_TEXT)),
            older_than_seconds=draw(st.one_of(st.integers(-2, 10**6), INT64)),
            page_size=draw(st.one_of(st.integers(-2, 600), INT32)),
            page_token=draw(page_token),
        )
    if method == "RecordReconciliation":
        return pb.RecordReconciliationRequest(
            provider=draw(st.one_of(st.just(PROVIDER), st.just(""), ADVERSARIAL_TEXT)),
            transaction_id=draw(IDS),
            action=draw(st.one_of(st.sampled_from(("pay", "cancel", "review", "leave", "manual")), ADVERSARIAL_TEXT)),
            actor=draw(st.one_of(st.just("cli:fuzz"), ADVERSARIAL_TEXT)),
            note=draw(ADVERSARIAL_TEXT),
        )
    return pb.ListTransactionsRequest(
        provider=draw(st.one_of(st.just(PROVIDER), st.just(""), ADVERSARIAL_TEXT)),
        player_id=draw(st.one_of(st.just(PLAYER), st.just(""), ADVERSARIAL_TEXT)),
        round_id=draw(st.one_of(st.just(""), ADVERSARIAL_TEXT)),
        page_size=draw(st.one_of(st.integers(-2, 600), INT32)),
        page_token=draw(page_token),
    )


def tokens(core: CoreHandle) -> st.SearchStrategy[Sequence[tuple[str, str]]]:
    right = bearer(core.token_for(PROVIDER))
    return st.one_of(
        st.just(right),
        st.just(right),
        st.just(right),
        st.just(bearer(core.admin_token)),
        st.just(bearer(core.token_for("aigame"))),
        st.just(bearer(core.reconcile_token_for(PROVIDER))),
        st.text(max_size=40).filter(lambda t: t.isprintable() and t.isascii()).map(bearer),
        st.sampled_from(
            (
                (),
                (("authorization", "Bearer"),),
                (("authorization", "bearer " + core.admin_token),),
                (("authorization", core.admin_token),),
                (("authorization", f"Bearer  {core.admin_token}x"),),
            )
        ),
    )


# --- the answer -------------------------------------------------------------------------------------


def refusal_reason(error: grpc.aio.AioRpcError) -> str:
    """The refusal's one ErrorInfo reason, after checking everything the contract says of it."""
    code = error.code()
    assert code not in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL), (code, error.details())
    assert not LEAKS.search(error.details() or ""), error.details()
    trailers = dict(error.trailing_metadata() or ())
    assert DETAILS_KEY in trailers, (code, error.details())
    status = status_pb2.Status.FromString(trailers[DETAILS_KEY])
    assert status.code == code.value[0]
    assert len(status.details) == 1, status
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info), status
    assert info.domain == "wallet.v1"
    assert UPPER_SNAKE.fullmatch(info.reason) and info.reason in REASONS, info.reason
    assert README_CODES[info.reason] == code, (info.reason, code)
    return str(info.reason)


@dataclass
class CoreFuzz:
    core: CoreHandle
    store: str
    purse: Purse

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"CoreFuzz(store={self.store!r})")


@pytest.fixture
async def core_fuzz(core: CoreHandle) -> AsyncIterator[CoreFuzz]:
    await core.open_account(PLAYER, "USD", FUNDS)
    await core.open_account(PLAYER, "COIN", "1000")
    yield CoreFuzz(core, store_of(core.database_url), Purse(core, [(PLAYER, "USD"), (PLAYER, "COIN")]))


async def _fuzz(fuzz: CoreFuzz, method: str, data: st.DataObject) -> None:
    request = data.draw(requests(method), label="request")
    metadata = data.draw(tokens(fuzz.core), label="metadata")
    before = await fuzz.purse.total()
    with watching_logs() as logs:
        try:
            await getattr(fuzz.core.stub, method)(request, metadata=metadata, timeout=20)
        except grpc.aio.AioRpcError as error:
            reason = refusal_reason(error)
            assert reason != "STORE_UNAVAILABLE", error.details()
            assert await fuzz.purse.total() == before, reason
    assert logs.failures() == []
    tried(f"grpc {method}", fuzz.store)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("method", METHODS)
@fuzz_settings(100)
@given(data=st.data())
async def test_the_grpc_api_refuses_anything_in_its_contract(
    core_fuzz: CoreFuzz, method: str, data: st.DataObject
) -> None:
    await _fuzz(core_fuzz, method, data)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("method", METHODS)
@fuzz_settings(25)
@given(data=st.data())
async def test_the_grpc_api_refuses_anything_in_its_contract_on_postgres(
    core_fuzz: CoreFuzz, method: str, data: st.DataObject
) -> None:
    await _fuzz(core_fuzz, method, data)


def test_every_reason_has_its_readme_code() -> None:
    assert set(README_CODES) == REASONS
    assert Decimal(FUNDS) > 0


# --- what the fuzz found, pinned (each failed before the fix in wallet_core/service.py) -----------------


async def _refused(core: CoreHandle, method: str, request: Message, token: str | None = None) -> tuple[str, str]:
    """The reason and ErrorInfo field of a call that must be refused."""
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await getattr(core.stub, method)(request, metadata=bearer(token or core.token_for(PROVIDER)), timeout=20)
    reason = refusal_reason(refused.value)
    status = status_pb2.Status.FromString(dict(refused.value.trailing_metadata() or ())[DETAILS_KEY])
    info = error_details_pb2.ErrorInfo()
    status.details[0].Unpack(info)
    return reason, str(info.metadata.get("field", ""))


def _debit(transaction_id: str, **fields: Any) -> pb.DebitRequest:
    return pb.DebitRequest(
        **{
            "provider": PROVIDER,
            "transaction_id": transaction_id,
            "player_id": PLAYER,
            "currency": "USD",
            "amount": "1.00",
            **fields,
        }
    )


@pytest.mark.parametrize("seconds, nanos", [(2**62, 0), (-(2**62), 0), (0, -1), (0, 10**9), (253_402_300_800, 0)])
async def test_an_event_time_no_datetime_holds_is_an_invalid_argument(
    core_fuzz: CoreFuzz, seconds: int, nanos: int
) -> None:
    # Was UNKNOWN ("Unexpected <class 'ValueError'>: Timestamp is not valid").
    request = _debit("bad-time", event_time=timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos))
    assert await _refused(core_fuzz.core, "Debit", request) == ("INVALID_ARGUMENT", "event_time")
    assert await core_fuzz.core.balance(PLAYER, "USD") == Decimal(FUNDS)


@pytest.mark.parametrize("page_token", ["99999999999999999999999", str(2**63), "-5", "١٢", "1_0", " 1", "abc"])
async def test_a_page_token_this_service_never_gave_is_an_invalid_argument(
    core_fuzz: CoreFuzz, page_token: str
) -> None:
    # Was UNKNOWN on SQLite (OverflowError) and STORE_UNAVAILABLE on PostgreSQL (out of int64).
    request = pb.ListTransactionsRequest(provider=PROVIDER, player_id=PLAYER, page_token=page_token)
    assert await _refused(core_fuzz.core, "ListTransactions", request) == ("INVALID_ARGUMENT", "page_token")


@pytest.mark.parametrize(
    "method, request_, field",
    [
        (
            "GetBalance",
            pb.GetBalanceRequest(provider=PROVIDER, player_id="fuzz\x00player", currency="USD"),
            "player_id",
        ),
        ("GetTransaction", pb.GetTransactionRequest(provider=PROVIDER, transaction_id="t\x001"), "transaction_id"),
        ("ListTransactions", pb.ListTransactionsRequest(provider=PROVIDER, player_id="p\x00"), "player_id"),
        ("ListTransactions", pb.ListTransactionsRequest(provider=PROVIDER, round_id="r\x00"), "round_id"),
    ],
)
async def test_a_nul_in_a_lookup_is_an_invalid_argument_not_an_outage(
    core_fuzz: CoreFuzz, method: str, request_: Message, field: str
) -> None:
    # Was STORE_UNAVAILABLE on PostgreSQL (its text cannot hold NUL): a false outage, retried by gateways.
    assert await _refused(core_fuzz.core, method, request_) == ("INVALID_ARGUMENT", field)


async def test_a_refusal_echoing_a_huge_value_still_carries_its_error_info(core_fuzz: CoreFuzz) -> None:
    # Was RESOURCE_EXHAUSTED without ErrorInfo: the echoed provider overflowed the client's 8 KiB trailers.
    debit = _debit("long", provider="A" * 5000)
    assert (await _refused(core_fuzz.core, "Debit", debit))[0] == "PERMISSION_DENIED"
    lookup = pb.GetTransactionRequest(provider=PROVIDER, transaction_id="x" * 20_000)
    assert (await _refused(core_fuzz.core, "GetTransaction", lookup))[0] == "TRANSACTION_NOT_FOUND"


@pytest.mark.parametrize("depth, as_list", [(24, False), (46, True), (30, False)])
async def test_details_deeper_than_an_answer_can_carry_are_refused_before_money_moves(
    core_fuzz: CoreFuzz, depth: int, as_list: bool
) -> None:
    # Was applied, then answered with a message too deep to decode (the debit taken, the answer lost).
    details = _struct({"deep": _deep(depth, as_list)})
    assert details is not None
    for method, request in (
        ("Debit", _debit(f"deep-{depth}", details=details)),
        (
            "CreditBatch",
            pb.CreditBatchRequest(
                credits=[
                    pb.CreditRequest(
                        provider=PROVIDER,
                        transaction_id=f"deep-{depth}",
                        player_id=PLAYER,
                        currency="USD",
                        amount="1.00",
                        details=details,
                    )
                ]
            ),
        ),
    ):
        assert await _refused(core_fuzz.core, method, request) == ("INVALID_ARGUMENT", "details")
    assert await core_fuzz.core.balance(PLAYER, "USD") == Decimal(FUNDS)


async def test_details_as_deep_as_allowed_are_kept_and_answered(core_fuzz: CoreFuzz) -> None:
    details = _struct({"deep": _deep(22, False), "list": _deep(23, True)})  # 24 levels with the top object
    answer = await core_fuzz.core.stub.Debit(
        _debit("deep-ok", details=details), metadata=bearer(core_fuzz.core.token_for(PROVIDER))
    )
    assert answer.transaction.details == details
    assert await core_fuzz.core.balance(PLAYER, "USD") == Decimal(FUNDS) - 1
