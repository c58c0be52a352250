import gc
from collections.abc import Iterator

import pytest
from starlette.types import Message

from gateways.kit.core_client import CoreClient, CoreSettings
from gateways.kit.heap import YOUNG_THRESHOLD, collector_tuned_for_serving
from tests.gateways.kit.sample_gateway import PROVIDER, sample_app


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


async def test_the_app_tunes_the_collector_from_start_up_to_shutdown(untuned: tuple[int, int, int]) -> None:
    core = CoreClient(CoreSettings("127.0.0.1:1", "token"), provider=PROVIDER)
    seen: list[tuple[int, tuple[int, int, int]]] = []
    incoming: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> Message:
        if len(incoming) == 1:  # started: what the collector looks like while the app serves
            seen.append((gc.get_freeze_count(), gc.get_threshold()))
        return incoming.pop(0)

    async def send(message: Message) -> None:
        pass

    await sample_app(core)({"type": "lifespan", "state": {}}, receive, send)
    ((frozen, thresholds),) = seen
    assert frozen > 0 and thresholds[0] >= YOUNG_THRESHOLD
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, untuned)
