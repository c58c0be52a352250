"""The one error a ``wallet`` command reports as a single line (``wallet: …``, exit 2)."""


class CommandError(Exception):
    """A command cannot run; the message tells the operator why."""
