"""The generator's transaction ids: shaped like AIGame's, and in the order they are made."""

from __future__ import annotations

import re

import pytest

from bench.payloads import transaction_id

AT_MS = 1_744_601_317_080  # seed 002's example timestamp


def test_an_id_is_shaped_like_aigame_s_object_ids() -> None:
    made = transaction_id("c64", 5, AT_MS)
    assert re.fullmatch(r"[0-9a-f]{24}", made)
    assert made.startswith(f"{AT_MS // 1000:08x}")  # seed 002's ids start with their time too
    assert made.endswith("000005")


def test_ids_sort_in_the_order_they_were_made() -> None:
    earlier_section = [transaction_id("warm-c64", i, AT_MS) for i in range(3)]
    later_section = [transaction_id("mem0", i, AT_MS + 1_000) for i in range(3)]
    made = earlier_section + later_section
    assert sorted(made) == made  # as AIGame's ObjectIds: time first


def test_cases_made_in_the_same_second_do_not_share_ids() -> None:
    assert transaction_id("c64", 0, AT_MS) != transaction_id("warm-c64", 0, AT_MS)


def test_the_counter_has_three_bytes() -> None:
    transaction_id("c64", (1 << 24) - 1, AT_MS)
    with pytest.raises(ValueError):
        transaction_id("c64", 1 << 24, AT_MS)
