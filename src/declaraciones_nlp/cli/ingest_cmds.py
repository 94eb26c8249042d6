"""Commands (to be filled in)."""
from ._util import app  # noqa: F401
