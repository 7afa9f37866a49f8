"""``python -m weifen``: the command line."""
import sys

from weifen.cli import main

sys.exit(main())
