"""A name of the release before the native layer, kept so that models it pickled still load.

The context model's pairwise kernels now live in :mod:`ncd._native.cm`.
"""

from ._native.cm import CMPrepared

__all__ = ["CMPrepared"]
