"""CLI sub-commands, one module each (see engine/cli.py for the protocol)."""
