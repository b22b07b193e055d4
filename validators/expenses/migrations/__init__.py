"""Alembic revisions of the ``invoice_files`` store domain (invoice files imported into claims)."""
