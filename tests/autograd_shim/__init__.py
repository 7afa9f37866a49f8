"""A package named ``autograd`` that maps HIPS autograd's names to weifen's.

``tests/test_autograd_suite.py`` runs autograd 1.9.1's own test suite, unchanged, against
weifen with this folder first on ``sys.path`` (in a subprocess). Its modules hold no
differentiation logic: each name is weifen's function of the same meaning (autograd's
operators live in ``weifen.transforms.autograd_api`` and ``autograd_extend``), NumPy's for
constants and non-differentiable helpers, and missing where weifen has no equivalent, so
that a test needing it fails and shows up in the report. autograd's ``test_util.py`` (the
``check_grads`` oracle) is copied from the source distribution at run time, as written.
"""
