"""Spec rows for weifen.scipy (issue 12), read through tests/spec_extra.py."""
from __future__ import annotations

from spec import OpSpec

SPECS_SCIPY_LINALG: list[OpSpec] = []
