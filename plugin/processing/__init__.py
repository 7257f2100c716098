"""Processing provider: the engine's validate, circles, simulate, score and compare steps."""
