"""The garbage collector tuned for serving (wallet_cli.heap): applied and undone around the commands that serve."""

import gc
from collections.abc import Iterator

import pytest

from wallet_cli import commands, logs
from wallet_cli.heap import YOUNG_THRESHOLD, collector_tuned_for_serving
from wallet_cli.main import main


@pytest.fixture
def untuned() -> Iterator[tuple[int, int, int]]:
    """Python's own settings around the test, whatever it leaves behind."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield thresholds
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def test_while_serving_the_start_up_heap_is_frozen_and_young_passes_are_rarer(untuned: tuple[int, int, int]) -> None:
    with collector_tuned_for_serving():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (max(YOUNG_THRESHOLD, untuned[0]), *untuned[1:])
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == untuned


def test_cycles_made_while_serving_are_still_collected(untuned: tuple[int, int, int]) -> None:
    class Node:
        other: object = None

    with collector_tuned_for_serving():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2


def test_settings_come_back_even_when_serving_fails(untuned: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), collector_tuned_for_serving():
        raise RuntimeError("the server stopped")
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, untuned)


@pytest.mark.parametrize(
    ("command", "tuned"), [(["core"], True), (["gateway", "aigame"], True), (["up"], True), (["verify"], False)]
)
def test_wallet_tunes_the_collector_for_the_commands_that_serve(
    untuned: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch, command: list[str], tuned: bool
) -> None:
    seen: list[tuple[int, tuple[int, int, int]]] = []

    async def handler(*_: object) -> int:
        seen.append((gc.get_freeze_count(), gc.get_threshold()))
        return 0

    for name in ("core", "gateway", "up", "verify"):
        monkeypatch.setattr(commands, name, handler)
    monkeypatch.setattr(logs, "configure", lambda level: None)
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 0
    ((frozen, thresholds),) = seen
    assert (frozen > 0 and thresholds[0] >= YOUNG_THRESHOLD) is tuned
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, untuned)
