"""PROVISIONAL: every HRG value the vendor's own text did not give us, in this one table.

hrg.md marks these as provisional: the vendor's status list (section 5.4) and its section on
authentication were not available. Each can be overridden under `[gateways.hrg.provisional]`
without a code change once the vendor confirms (or corrects) it; docs/providers/hrg.md lists them
for whoever talks to the vendor.

The codes that ARE known ("0000" success, "8001" a bet that definitely failed, "9999" when nothing
else fits) are not here: they live in gateways/hrg/codes.py and cannot be reconfigured.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gateways.kit.config import ConfigReader, GatewayConfigError

_CODE = re.compile(r"[0-9]{4}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]{1,64}")
RESERVED_CODES = frozenset({"0000", "8001", "9999"})
"""The vendor's own codes: a provisional code may not take one of their meanings."""


@dataclass(frozen=True)
class Provisional:
    invalid_user_code: str = "1000"
    """The player is unknown to the wallet (no account in the HRG currency)."""
    invalid_parameters_code: str = "1001"
    """The request is malformed: bad JSON, a field missing or mistyped, a bad amount or time."""
    auth_failure_code: str = "1038"
    """The caller is not allowed: source address not in the allowlist, or a wrong shared secret."""
    secret_header: str = "X-HRG-Secret"
    """The header that carries the shared secret, when the deployment configures one."""

    def __post_init__(self) -> None:
        codes = {
            "invalid_user_code": self.invalid_user_code,
            "invalid_parameters_code": self.invalid_parameters_code,
            "auth_failure_code": self.auth_failure_code,
        }
        for name, code in codes.items():
            if not _CODE.fullmatch(code):
                raise GatewayConfigError(f"{name} must be 4 digits, not {code!r}")
            if code in RESERVED_CODES:
                raise GatewayConfigError(f"{name} may not be {code!r}: that code has its own meaning at HRG")
        if len(set(codes.values())) != len(codes):
            raise GatewayConfigError(f"provisional codes must differ from each other: {codes}")
        if not _HEADER_NAME.fullmatch(self.secret_header):
            raise GatewayConfigError(f"secret_header is not a header name: {self.secret_header!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "provisional") -> "Provisional":
        reader = ConfigReader(data, path)
        try:
            provisional = cls(
                invalid_user_code=reader.string("invalid_user_code", cls.invalid_user_code),
                invalid_parameters_code=reader.string("invalid_parameters_code", cls.invalid_parameters_code),
                auth_failure_code=reader.string("auth_failure_code", cls.auth_failure_code),
                secret_header=reader.string("secret_header", cls.secret_header),
            )
        except GatewayConfigError as error:
            raise GatewayConfigError(f"{path}: {error}") from None
        reader.finish()
        return provisional
