"""The history: every conversation, routing decision and cent, kept in SQLite as it happens.

`History` opens the file (checked, migrated, crashed answers recovered) and reads it: the list,
a conversation back as `Exchange` objects, search, stats. `recorder.HistoryRecorder` is the
`Recorder` a `Conversation` writes through, from a thread of its own, and `export` turns a
conversation into Markdown or JSON; both are imported from their modules, since they bring the
conversation and provider code that listing and stats do without. Plain Python and the standard
library's `sqlite3`: no UI here.
"""

from __future__ import annotations

from bytechat_tui.storage.database import history_path
from bytechat_tui.storage.history import ConversationSummary, History
from bytechat_tui.storage.search import Hit
from bytechat_tui.storage.stats import BotUse, Day, Stats

__all__ = ["BotUse", "ConversationSummary", "Day", "Hit", "History", "Stats", "history_path"]
