"""The teacher tooling's own exception."""


class UsageError(Exception):
    """A mistake in how a command was called (exit status 2)."""
