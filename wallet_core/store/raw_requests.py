"""Raw requests kept small: each one deflated against a sample of its own provider's requests.

The raw request is half a transaction's row (rule 10 keeps it as received). One request of 300
bytes gives deflate little to work with, but a provider's requests repeat the same field names
and many of the same values: with an earlier request of the same provider as deflate's preset
dictionary, AIGame's bet of 287 bytes is stored in about 60 to 120. Nothing here knows a dialect:
the samples are requests as the wallet received them.

A sample is the first raw request a fast path stores from a provider with none, copied once into
``raw_request_samples`` and committed before any request is packed against it; samples are never
changed or deleted, so that every packed request can be read back for as long as the ledger is
kept. A core loads the newest sample of each provider when it starts. Requests of a provider with
no sample yet are stored as text, as they always were.

Stored form: ``transactions.raw_request`` is the text and ``raw_request_packed`` NULL, or
``raw_request`` is '' and ``raw_request_packed`` holds one byte of format (1), the sample's id
as an unsigned LEB128 number, and the raw deflate stream (``pack``, ``unpack``).
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable, Mapping

log = logging.getLogger(__name__)

FORMAT_DEFLATE_WITH_SAMPLE = 1
MAX_SAMPLE_BYTES = 4096  # the fields repeated are in a request's first bytes
# Raw deflate streams (no zlib header or checksum: the row's page has its own). Inflating takes the
# largest window, so it reads what any packing wrote. Packing takes an 8 KB window (the sample and as
# much again) and a small hash table: deflate's defaults (a 32 KB window, memory level 8) allocate
# about 256 KB a request, which malloc may give back to the kernel when it is freed and take again,
# zeroed, for the next request. Measured: 26 µs a pack against 3.3 in a fresh process, and 4 % of the
# core's CPU a Debit on SQLite. A request of a few hundred bytes packs to the same size, one of 45 KB 2 %
# larger.
_INFLATE_WINDOW_BITS = -15
_DEFLATE_WINDOW_BITS = -13
_DEFLATE_MEMORY_LEVEL = 4


class UnreadableRawRequest(Exception):
    """A stored raw request that cannot be read back: an unknown format, or its sample is missing."""


def pack(raw: str, sample_id: int, sample: bytes) -> bytes:
    """``raw`` deflated against ``sample``, with what reading it back needs in front."""
    return _packed(raw, _header(sample_id), sample)


def sample_of(packed: bytes) -> int:
    """The id of the sample a packed request was deflated against."""
    return _read_header(packed)[0]


def unpack(packed: bytes, samples: Mapping[int, bytes]) -> str:
    sample_id, start = _read_header(packed)
    if sample_id not in samples:
        raise UnreadableRawRequest(f"raw request sample {sample_id} is missing")
    inflate = zlib.decompressobj(_INFLATE_WINDOW_BITS, zdict=samples[sample_id])
    try:
        raw = inflate.decompress(packed[start:]) + inflate.flush()
    except zlib.error as error:
        raise UnreadableRawRequest(f"a packed raw request does not inflate: {error}") from error
    if not inflate.eof:
        raise UnreadableRawRequest("a packed raw request is cut short")
    return raw.decode()


class RawRequests:
    """How this core stores raw requests: the two columns' values for a request.

    ``save_sample(provider, sample)`` stores a sample and answers its id, committed; without it,
    requests of providers with no sample are stored as text."""

    def __init__(
        self, samples: Mapping[str, tuple[int, bytes]], save_sample: Callable[[str, bytes], Awaitable[int]] | None
    ) -> None:
        self._samples = {provider: (_header(sample_id), sample) for provider, (sample_id, sample) in samples.items()}
        self._save_sample = save_sample
        self._saving: dict[str, asyncio.Task[None]] = {}

    async def columns(self, provider: str, raw: str) -> tuple[str, bytes | None]:
        """(raw_request, raw_request_packed). A provider without a sample gets one first: this
        request, saved in a transaction of its own (its concurrent requests wait for the same one)."""
        if raw and provider not in self._samples and self._save_sample is not None:
            if provider not in self._saving:
                self._saving[provider] = asyncio.get_running_loop().create_task(self._save(provider, raw))
            await asyncio.shield(self._saving[provider])  # a caller cancelled leaves the save to the others
        return self.columns_now(provider, raw)

    def columns_now(self, provider: str, raw: str) -> tuple[str, bytes | None]:
        """(raw_request, raw_request_packed) without waiting: packed when the provider has a sample
        and packing is smaller, as text otherwise. For a writer inside a transaction of its own,
        which must not wait for another (SQLite has one writer)."""
        sample = self._samples.get(provider)
        if not raw or sample is None:
            return raw, None
        packed = _packed(raw, *sample)
        return ("", packed) if len(packed) < len(raw.encode()) else (raw, None)

    async def _save(self, provider: str, raw: str) -> None:
        assert self._save_sample is not None
        sample = raw.encode()[:MAX_SAMPLE_BYTES]
        try:
            sample_id = await self._save_sample(provider, sample)
        except Exception as error:  # the store is down: this request is stored as text, the next one tries again
            log.warning("could not save a raw request sample for %r: %s: %s", provider, type(error).__name__, error)
        else:
            self._samples[provider] = (_header(sample_id), sample)
        finally:
            del self._saving[provider]


def _header(sample_id: int) -> bytes:
    return bytes([FORMAT_DEFLATE_WITH_SAMPLE]) + _leb128(sample_id)


def _packed(raw: str, header: bytes, sample: bytes) -> bytes:
    deflate = zlib.compressobj(
        9, zlib.DEFLATED, _DEFLATE_WINDOW_BITS, _DEFLATE_MEMORY_LEVEL, zlib.Z_DEFAULT_STRATEGY, sample
    )
    return header + deflate.compress(raw.encode()) + deflate.flush()


def _leb128(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_header(packed: bytes) -> tuple[int, int]:
    """(sample id, where the deflate stream starts)."""
    if not packed or packed[0] != FORMAT_DEFLATE_WITH_SAMPLE:
        raise UnreadableRawRequest(f"unknown raw request format {packed[:1]!r}")
    value, shift = 0, 0
    for index in range(1, min(len(packed), 11)):
        value |= (packed[index] & 0x7F) << shift
        if not packed[index] & 0x80:
            return value, index + 1
        shift += 7
    raise UnreadableRawRequest("a packed raw request's sample id is cut short")
