"""The wallet's benchmark (`python -m bench`, docs/performance.md).

Servers under test run in their own processes (`python -m wallet_cli core`, `... gateway aigame`,
`python -m bench.echo_server`), the load generator in another (`python -m bench.generator`), so
that the CPU time of each is its own; this process only orchestrates and reads /proc.
"""
