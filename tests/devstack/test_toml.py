"""The TOML writer: whatever it writes, the standard library's reader reads back as it was given."""

from __future__ import annotations

import tomllib

import pytest

from devstack import toml


def test_a_document_reads_back_as_written() -> None:
    document = {
        "title": 'quotes " and \\ backslashes\nnewlines, tabs\t, unicode é €',
        "count": 3,
        "ratio": 0.5,
        "on": True,
        "off": False,
        "names": ["a", "b c"],
        "empty": [],
        "core": {
            "listen": "127.0.0.1:1",
            "currencies": {"USD": 2, "COIN": 0},
            "clients": [{"name": "a", "providers": ["*"], "admin": True}, {"name": "b", "providers": []}],
        },
        "gateways": {
            "aigame": {"agents": {"agent-1": "s3cret", "odd key.with dot": "x"}, "core": {"deadline_seconds": 2.0}}
        },
    }
    assert tomllib.loads(toml.dumps(document)) == document


def test_none_is_left_out() -> None:
    assert tomllib.loads(toml.dumps({"core": {"pool_size": None, "listen": "x"}})) == {"core": {"listen": "x"}}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), object(), b"bytes"])
def test_what_toml_cannot_hold_is_refused(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        toml.dumps({"key": bad})
