"""Reading a gateway's settings from a plain mapping (a TOML section such as `[gateways.aigame]`).

Every getter checks the type and names the full key in its error; `finish()` refuses keys nobody
read, so that a misspelt setting fails at start instead of being silently ignored.
"""

from collections.abc import Mapping
from typing import Final

_MISSING: Final = object()


class GatewayConfigError(ValueError):
    """A setting is missing, of the wrong type, out of range or unknown."""


class ConfigReader:
    """Typed, checked access to one section of the settings."""

    def __init__(self, data: Mapping[str, object], path: str) -> None:
        if not isinstance(data, Mapping):
            raise GatewayConfigError(f"{path} must be a table")
        self._data = data
        self._path = path
        self._read: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self._path}.{key}"

    def _get(self, key: str, default: object) -> object:
        self._read.add(key)
        value = self._data.get(key, default)
        if value is _MISSING:
            raise GatewayConfigError(f"{self._key(key)} is required")
        return value

    def string(self, key: str, default: object = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or not value:
            raise GatewayConfigError(f"{self._key(key)} must be a non-empty string")
        return value

    def optional_string(self, key: str, default: str = "") -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise GatewayConfigError(f"{self._key(key)} must be a string")
        return value

    def positive_number(self, key: str, default: object = _MISSING) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise GatewayConfigError(f"{self._key(key)} must be a positive number")
        return float(value)

    def positive_integer(self, key: str, default: object = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise GatewayConfigError(f"{self._key(key)} must be a positive integer")
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self._get(key, default)
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
            raise GatewayConfigError(f"{self._key(key)} must be a list of strings")
        return tuple(value)

    def string_table(self, key: str, default: Mapping[str, str] | None = None) -> dict[str, str]:
        """A table of non-empty strings (agent id -> secret, currency -> currency)."""
        value = self._get(key, default if default is not None else {})
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in value.items()
        ):
            raise GatewayConfigError(f"{self._key(key)} must be a table of non-empty strings")
        return dict(value)

    def table(self, key: str) -> Mapping[str, object]:
        """The sub-table `key` (empty when absent), for a nested `from_mapping(table, path)`."""
        value = self._get(key, {})
        if not isinstance(value, Mapping):
            raise GatewayConfigError(f"{self._key(key)} must be a table")
        return value

    def path_of(self, key: str) -> str:
        """The full name of `key` ("gateways.aigame.core"), for errors and nested readers."""
        return self._key(key)

    def finish(self) -> None:
        """GatewayConfigError naming every key of this section that no getter read."""
        unknown = sorted(set(self._data) - self._read)
        if unknown:
            raise GatewayConfigError(f"unknown settings in {self._path}: {', '.join(unknown)}")
