"""ncd: compression-based text classification with the scikit-learn API.

The public surface:

* :class:`NCDClassifier` -- kNN over a compression distance, honest tie rules.
* :class:`NCDTransformer` -- texts to distances, for precomputed-metric estimators.
* :class:`CompressionClassifier` -- one compressor model per class: argmin of C(x | class).
* :class:`CodeLengthClassifier` -- code lengths under several class models, summed or weighted.
* :class:`TransductiveClassifier` -- self-training on the texts to classify (transductive).
* :func:`pairwise_distances`, :func:`pairwise_kneighbors` -- the distance drivers.
* :mod:`ncd.compressors` -- code lengths in bits, and the registry.
* :mod:`ncd.distance`, :mod:`ncd.metrics`, :mod:`ncd.datasets`.
"""

__version__ = "0.1.0"

from .class_level import CompressionClassifier
from .classification import NCDClassifier, NCDTransformer
from .compressors import available_compressors, get_compressor, register_compressor
from .distance import pairwise_distances, pairwise_kneighbors
from .stacking import CodeLengthClassifier
from .transductive import TransductiveClassifier

__all__ = [
    "NCDClassifier",
    "NCDTransformer",
    "CompressionClassifier",
    "CodeLengthClassifier",
    "TransductiveClassifier",
    "pairwise_distances",
    "pairwise_kneighbors",
    "get_compressor",
    "register_compressor",
    "available_compressors",
    "__version__",
]
