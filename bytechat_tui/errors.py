"""The one exception type the CLI turns into a sentence instead of a traceback.

Every failure a person can fix (a bad config line, a missing keyring, an unknown bot) is raised as a
`UserError` whose text says what happened and what to do; anything else is a bug and may crash.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can act on; `str(error)` is the whole message shown."""
