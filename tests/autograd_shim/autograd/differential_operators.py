"""autograd.differential_operators -> weifen (names only)."""
from weifen.transforms.autograd_api import *  # noqa: F401,F403
