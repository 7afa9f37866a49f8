"""Shared pytest setup (kept small: fixtures that several test files use)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

# tests/ holds helper modules (spec.py, _oracles.py) imported by name
sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every failure reproduces."""
    return np.random.default_rng(0)
