"""The one error hierarchy of the package.

Every error a user can cause is a :class:`StanceError`; the CLI turns it into one line on
stderr and exit code 1. Each subclass also inherits the matching built-in so callers using
plain Python can catch ``ValueError`` or ``FileNotFoundError`` as they would expect.
"""

from __future__ import annotations


class StanceError(Exception):
    """Base class of every error the package raises on purpose."""


class ConfigError(StanceError, ValueError):
    """An experiment config is missing, malformed, or holds an unknown key or value."""


class InputError(StanceError, ValueError):
    """An input article or record cannot be read (encoding, format, size, emptiness).

    Parameters
    ----------
    message:
        What is wrong, in one line.
    path:
        The file the problem is in, if any.
    line:
        The 1-based line number inside ``path``, if known.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.reason = message
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class SchemaError(InputError):
    """Annotated data or a training file breaks the expected schema (reported as file:line)."""


class ModelError(StanceError, RuntimeError):
    """A model cannot be found, loaded safely, or used (not fitted, wrong head, bad checksum)."""


class DataPackageError(StanceError, RuntimeError):
    """An optional camel-tools data package is needed but not installed."""


class MissingDependencyError(StanceError, ImportError):
    """An optional dependency (an extra such as ``spark``) is needed but not installed."""
