"""The fast path's asyncpg pool reaches every host of a multi-host URL, as SQLAlchemy's engine does."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql.asyncpg import dialect
from sqlalchemy.engine import make_url

from wallet_core.store.postgres_dsn import asyncpg_dsn

MULTI_HOST = (
    "postgresql+asyncpg://wallet:s%40cret@/ledger?host=10.0.0.1:5432&host=10.0.0.2:5433&target_session_attrs=read-write"
)


def test_one_host_renders_as_before() -> None:
    assert asyncpg_dsn("postgresql+asyncpg://u:p@h:5/db") == "postgresql://u:p@h:5/db"
    assert (
        asyncpg_dsn("postgresql+asyncpg://u@/db?host=/run/postgresql") == "postgresql://u@/db?host=%2Frun%2Fpostgresql"
    )


def test_several_hosts_go_into_the_host_part_in_order() -> None:
    assert asyncpg_dsn(MULTI_HOST) == (
        "postgresql://wallet:s%40cret@10.0.0.1:5432,10.0.0.2:5433/ledger?target_session_attrs=read-write"
    )


def test_the_same_hosts_as_sqlalchemys_engine() -> None:
    _, engine_args = dialect().create_connect_args(make_url(MULTI_HOST))  # type: ignore[no-untyped-call]
    assert engine_args["host"] == ["10.0.0.1", "10.0.0.2"] and engine_args["port"] == [5432, 5433]
    assert engine_args["target_session_attrs"] == "read-write"
