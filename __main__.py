"""``python -m gridgov`` runs the command-line interface."""
import sys

from gridgov.engine.cli import main

sys.exit(main())
