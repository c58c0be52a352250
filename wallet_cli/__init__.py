"""The ``wallet`` command line: serve the core and the gateways, run migrations, inspect the ledger."""
