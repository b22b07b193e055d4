"""Alembic environment and revision scripts of the store's core domain (shipped inside the package)."""
