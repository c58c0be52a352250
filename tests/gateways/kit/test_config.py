import pytest

from gateways.kit.config import ConfigReader, GatewayConfigError


def test_typed_values_are_read_and_defaults_apply() -> None:
    reader = ConfigReader(
        {
            "name": "x",
            "rate": "5 per 15 minutes",
            "ratio": 1,
            "count": 3,
            "ips": ["a", "b"],
            "map": {"k": "v"},
            "sub": {"a": 1},
            "prefix": "",
        },
        "gateways.test",
    )
    assert reader.string("name") == "x"
    assert reader.string("other", "fallback") == "fallback"
    assert reader.optional_string("prefix") == ""
    assert reader.rate("rate") == "5 per 15 minutes"
    assert reader.rate("absent_rate", "1/second") == "1/second"
    assert reader.positive_number("ratio") == 1.0
    assert reader.positive_integer("count") == 3
    assert reader.strings("ips") == ("a", "b")
    assert reader.strings("absent") == ()
    assert reader.string_table("map") == {"k": "v"}
    assert reader.string_table("absent_map", {"d": "e"}) == {"d": "e"}
    assert reader.table("sub") == {"a": 1}
    assert reader.table("absent_sub") == {}
    assert reader.path_of("sub") == "gateways.test.sub"
    reader.finish()


@pytest.mark.parametrize(
    ("getter", "value"),
    [
        ("string", 5),
        ("string", ""),
        ("optional_string", 5),
        ("rate", 5),
        ("rate", "5 per fortnight"),
        ("positive_number", 0),
        ("positive_number", -1.5),
        ("positive_number", True),
        ("positive_number", "2"),
        ("positive_integer", 2.5),
        ("positive_integer", 0),
        ("positive_integer", True),
        ("strings", "a"),
        ("strings", ["a", 1]),
        ("string_table", ["a"]),
        ("string_table", {"k": ""}),
        ("string_table", {"k": 1}),
        ("table", "x"),
    ],
)
def test_wrong_types_are_refused_with_the_full_key(getter: str, value: object) -> None:
    with pytest.raises(GatewayConfigError, match=r"gateways\.test\.key"):
        getattr(ConfigReader({"key": value}, "gateways.test"), getter)("key")


def test_a_missing_required_value_is_refused() -> None:
    with pytest.raises(GatewayConfigError, match=r"gateways\.test\.key is required"):
        ConfigReader({}, "gateways.test").string("key")


def test_unknown_keys_are_refused() -> None:
    reader = ConfigReader({"known": "x", "tiemstamp_window": 5}, "gateways.test")
    reader.string("known")
    with pytest.raises(GatewayConfigError, match="tiemstamp_window"):
        reader.finish()


def test_a_section_must_be_a_table() -> None:
    with pytest.raises(GatewayConfigError):
        ConfigReader(["not", "a", "table"], "gateways.test")  # type: ignore[arg-type]
