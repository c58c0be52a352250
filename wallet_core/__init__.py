"""The wallet core: the one place that owns players' money.

- ``money``: exact decimal amounts at a currency's scale.
- ``errors``: the reasons a money request is refused.
- ``domain``: plain records (no ORM) and the canonical request hash.
- ``ledger``: the money rules, one database transaction per request.
- ``store``: the SQL tables and the database engine (SQLite or PostgreSQL).
- ``service``/``server``/``auth``: the gRPC entrypoint, which only translates.
"""
