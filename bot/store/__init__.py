"""Persistence (SQLAlchemy async; SQLite by default, PostgreSQL for replicas): posts, snapshots, conversations."""

from bot.store.database import Store
from bot.store.types import ConversationRef, PostRecord, StoreError

__all__ = ["ConversationRef", "PostRecord", "Store", "StoreError"]
