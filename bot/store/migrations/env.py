"""Alembic's environment for the state store: always run on the connection the runner hands over.

:mod:`bot.store.migrations.runner` builds the Alembic configuration in code and passes its open
connection (inside the transaction that holds the migration lock) as
``config.attributes["connection"]``; there is no ``alembic.ini`` and no URL here.
"""

from __future__ import annotations

from alembic import context

from bot.store.migrations.runner import include_object
from bot.store.tables import metadata


def run_migrations() -> None:
    """Run the revisions on the runner's connection (batch mode on SQLite, for ALTER)."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "the state store's migrations run through overage-bot (`overage-bot db upgrade` or any start), "
            "not the alembic command line"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
