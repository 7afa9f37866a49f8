"""``python -m weifen``: the command line."""
import sys

from weifen.cli import main

if __name__ == "__main__":  # importing the module (pytest's doctest collection) runs nothing
    sys.exit(main())
