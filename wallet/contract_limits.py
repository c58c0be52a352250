"""Limits on what crosses the wallet.v1 contract, for both of its sides.

The core enforces them; a gateway refuses earlier, in its provider's dialect, what the core would
refuse anyway, and never more. Both read them here: a gateway may depend on the contract's package,
never on wallet_core.
"""

from typing import Final

AMOUNT_MAX_INTEGER_DIGITS: Final = 18
"""Digits of an amount before its decimal point, leading zeros aside. The core keeps money as integer
minor units in a signed 64-bit column and refuses 10**18 minor units or more: an amount with more
integer digits reaches that at any scale, so no currency could take it."""

AMOUNT_MAX_DECIMALS: Final = 30
"""Digits of an amount after its decimal point. The core refuses a value with more decimals than its
currency's scale (0 to 8), unless they are zeros; this bounds its exact arithmetic on what it reads."""

DETAILS_MAX_DEPTH: Final = 24
"""Levels of objects and arrays in a transaction's `details`, the details object itself level 1.
protobuf decodes a message nested at most about 100 levels deep, and each JSON level costs a Struct
up to three of them: deeper details could be stored, but the core's answer carrying them could not
be decoded. A gateway refuses a request body nested deeper: the details it sends are the body's
own fields (or an item's), never nested deeper than the body."""
