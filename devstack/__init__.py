"""Starting the wallet's processes on loopback, for the tests, the benchmark and the fault drills.

One configuration writer (`config`: TOML as an operator writes it, on free loopback ports from
`ports`), the processes (`processes`: `python -m wallet_cli core|gateway` and their logs), waiting
for them (`health`: the gRPC health service, an HTTP `/healthz`), the run's database (`databases`)
and what /proc says about a process (`proc`). Nothing here measures or drives load.
"""
