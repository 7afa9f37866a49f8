"""Batching (vmap): values with a leading batch axis, pushed through each primitive's batch rule."""
from weifen.batching.batched import Batched

__all__ = ["Batched"]
