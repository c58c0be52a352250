"""Adapters to the SQL store: tables, engine, and the statements of one request."""
