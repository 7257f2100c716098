"""Controllers: wire the dock's widget signals to the services (see docs/plugin.md)."""
