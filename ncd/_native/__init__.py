"""The native layer: every numba kernel of ncd and its plain twin, one file per model.

Arrays in, arrays out. Nothing here imports from the layers above (compressors, distance,
estimators), not even inside a function; ``tests/test_architecture.py`` checks it. See
``docs/guide/internals.md``.
"""
