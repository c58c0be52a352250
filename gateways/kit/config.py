"""Reading a gateway's settings from a plain mapping (a TOML section such as `[gateways.aigame]`).

Every getter checks the type and names the full key in its error; `finish()` refuses keys nobody
read, so that a misspelt setting fails at start instead of being silently ignored.
"""

from collections.abc import Mapping
from typing import Final

from limits import parse

from gateways.kit import secrets

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

    def rate(self, key: str, default: object = _MISSING) -> str:
        """A rate in `limits` notation ("5 per 15 minutes"), as the rate limiters take it."""
        value = self.string(key, default)
        try:
            parse(value)
        except ValueError:
            raise GatewayConfigError(f"{self._key(key)} must read like '5 per 15 minutes', not {value!r}") from None
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

    def secret(self, key: str, default: object = _MISSING) -> str:
        """A secret given as `key`, `key_file` (a file's text) or `key_env` (a variable): exactly one
        (gateways/kit/secrets.py). Without any, `default`; none either: required."""
        names = (key, *(f"{key}_{source}" for source in secrets.SOURCES))
        given = [name for name in names if name in self._data]
        self._read.update(names)
        if len(given) > 1:
            raise GatewayConfigError(f"{self._path}: give one of {', '.join(names)}, not {' and '.join(given)}")
        if not given:
            if default is _MISSING:
                raise GatewayConfigError(f"{self._key(key)} is required (or {key}_file, {key}_env)")
            return str(default)
        if given[0] == key:
            return self.string(key) if default is _MISSING else self.optional_string(key)
        source = given[0].removeprefix(f"{key}_")
        try:
            return secrets.read(source, self.string(given[0]), self._key(given[0]))
        except secrets.SecretUnavailable as error:
            raise GatewayConfigError(str(error)) from None

    def secret_table(self, key: str) -> dict[str, str]:
        """A table of secrets (agent id -> secret), each entry a string, `{ file = PATH }` or `{ env = NAME }`."""
        value = self._get(key, {})
        if not isinstance(value, Mapping) or not all(isinstance(k, str) and k for k in value):
            raise GatewayConfigError(f"{self._key(key)} must be a table")
        try:
            return {name: secrets.entry(item, f"{self._key(key)}.{name}") for name, item in value.items()}
        except secrets.SecretUnavailable as error:
            raise GatewayConfigError(str(error)) from None

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
