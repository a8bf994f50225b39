"""Names of the release before the native layer, kept so that models it pickled still load.

Every kernel now lives in :mod:`ncd._native`, one file per model. A fitted estimator pickled by
ncd up to commit ceff704 refers to these classes by this module's name; nothing else uses them.
"""

from ._native.cm import ContextModel
from ._native.lz77 import LZPrepared

__all__ = ["ContextModel", "LZPrepared"]
