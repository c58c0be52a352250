"""PROVISIONAL: every AIGame value the vendor's own text did not give us, in this one table.

aigame.md marks these as inferred. Each can be overridden under `[gateways.aigame.provisional]`
without a code change once the vendor confirms (or corrects) it; docs/providers/aigame.md lists
them for whoever talks to the vendor.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from gateways.kit.config import ConfigReader, GatewayConfigError


class NestedSigning(StrEnum):
    """How an object or array value enters the string to sign (the vendor text covers scalars only)."""

    SORTED_COMPACT_JSON = "sorted-compact-json"
    """As JSON with sorted keys and no spaces: {"Banker":10,"Player":5}."""
    EXCLUDED = "excluded"
    """Left out of the string to sign, like an empty value."""


@dataclass(frozen=True)
class Provisional:
    # The bet endpoint: shape inferred from payout/refund (vendor page not available).
    bet_path: str = "/aigame/v1/wallet/bet"
    bet_txn_id_field: str = "bet_txn_id"
    bet_amount_field: str = "bet_amount"
    bet_time_field: str = "bet_time"
    bet_detail_field: str = "bet_detail"
    # Codes of the bet endpoint.
    insufficient_balance_code: int = 800104
    bet_failure_code: int = 800106
    # The signature of nested values.
    nested_signing: NestedSigning = NestedSigning.SORTED_COMPACT_JSON

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "provisional") -> "Provisional":
        reader = ConfigReader(data, path)
        nested = reader.string("nested_signing", cls.nested_signing.value)
        if nested not in NestedSigning.__members__.values():
            raise GatewayConfigError(f"{path}.nested_signing must be one of {[m.value for m in NestedSigning]}")
        provisional = cls(
            bet_path=reader.string("bet_path", cls.bet_path),
            bet_txn_id_field=reader.string("bet_txn_id_field", cls.bet_txn_id_field),
            bet_amount_field=reader.string("bet_amount_field", cls.bet_amount_field),
            bet_time_field=reader.string("bet_time_field", cls.bet_time_field),
            bet_detail_field=reader.string("bet_detail_field", cls.bet_detail_field),
            insufficient_balance_code=reader.positive_integer(
                "insufficient_balance_code", cls.insufficient_balance_code
            ),
            bet_failure_code=reader.positive_integer("bet_failure_code", cls.bet_failure_code),
            nested_signing=NestedSigning(nested),
        )
        reader.finish()
        return provisional
