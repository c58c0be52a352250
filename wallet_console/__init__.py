"""The back-office console: server-rendered pages for the operator's support and finance staff.

Like a gateway it holds no money logic and never touches the database: it reads and acts through the
core's gRPC API with its own token (a console client, docs/console.md)."""

from wallet_console.app import create_app
from wallet_console.settings import Settings

__all__ = ["Settings", "create_app"]
