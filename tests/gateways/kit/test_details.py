from decimal import Decimal

from google.protobuf import struct_pb2
from hypothesis import given
from hypothesis import strategies as st

from gateways.kit.details import _storable, from_struct, put_struct, to_struct
from gateways.kit.jsonbody import JsonObject
from wallet.v1 import wallet_pb2


def test_what_the_provider_told_is_kept_exactly() -> None:
    told: JsonObject = {
        "shoe_id": 10231,
        "bet_time": 1744358903180,
        "bet_detail": {"Banker": 10, "Player": Decimal("2.5")},
        "win_detail": {"Banker": "19.50"},
        "game_result": ["Banker", "Small"],
        "open_cards": {"banker": "Diamonds9,Diamonds10"},
        "no_comm": False,
        "huge": 2**60 + 1,
        "none": None,
    }
    kept: JsonObject = {**told, "bet_detail": {"Banker": 10, "Player": "2.5"}, "huge": str(2**60 + 1)}
    assert from_struct(to_struct(told)) == kept


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_integers_a_double_holds_come_back_as_integers(number: int) -> None:
    assert from_struct(to_struct({"n": number})) == {"n": number}


def test_a_non_integral_number_written_by_someone_else_comes_back_as_text() -> None:
    struct = struct_pb2.Struct()
    struct.update({"odds": 0.95})
    assert from_struct(struct) == {"odds": "0.95"}


def _as_update_would(values: JsonObject) -> struct_pb2.Struct:
    """What to_struct wrote before it filled Structs itself: Struct.update of the storable copy."""
    struct = struct_pb2.Struct()
    struct.update(_storable(values))  # type: ignore[arg-type]  # a JsonObject's storable copy is one too
    return struct


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.text()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), JSON_VALUES, max_size=8), st.sets(st.text(), max_size=2))
def test_structs_are_written_as_struct_update_wrote_them(values: JsonObject, omit: set[str]) -> None:
    kept = {key: value for key, value in values.items() if key not in omit}
    expected = _as_update_would(kept)
    assert to_struct(values, omit=omit) == expected
    assert to_struct(values, omit=omit).SerializeToString(deterministic=True) == expected.SerializeToString(
        deterministic=True
    )


def test_a_request_s_struct_is_filled_in_place_and_set_even_when_empty() -> None:
    told: JsonObject = {"sign": "abc", "shoe_id": 10231, "bet_detail": {}, "game_result": [], "huge": 2**60}
    debit = wallet_pb2.DebitRequest()
    put_struct(debit.details, told, omit=("sign",))
    assert debit == wallet_pb2.DebitRequest(details=to_struct(told, omit=("sign",)))
    empty = wallet_pb2.DebitRequest()
    put_struct(empty.details, {"sign": "abc"}, omit=("sign",))
    assert empty.HasField("details")
    assert empty.SerializeToString() == wallet_pb2.DebitRequest(details=struct_pb2.Struct()).SerializeToString()


def test_a_value_json_never_holds_is_stored_as_struct_update_stores_it() -> None:
    odd: JsonObject = {"odds": 0.95, "pair": ("a", 1)}  # type: ignore[dict-item]  # a float and a tuple
    assert to_struct(odd) == _as_update_would(odd)
