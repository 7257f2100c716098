"""Widgets only: they call services and tasks, never engine internals."""
