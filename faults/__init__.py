"""The fault-injection harness (issue 8): `python -m faults` (`make faults`).

A provider simulator drives the three gateways the way the vendors do (retrying payouts until they
succeed, cancelling bets it never saw answered, repeating notifications) while the harness kills
the core and the gateways, restarts PostgreSQL and makes the core unreachable; after each fault it
reads the ledger back through the core and checks that no money was lost or moved twice.
`python -m faults --soak 600` is the ten-minute soak. docs/faults.md explains both.

Like `bench/`, this package is run from the repository's root and is not installed.
"""
