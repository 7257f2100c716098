"""One Processing algorithm per module; each is a thin wrapper over an engine function."""
