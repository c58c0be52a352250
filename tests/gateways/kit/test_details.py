from decimal import Decimal

from google.protobuf import struct_pb2
from hypothesis import given
from hypothesis import strategies as st

from gateways.kit.details import from_struct, to_struct
from gateways.kit.jsonbody import JsonObject


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
