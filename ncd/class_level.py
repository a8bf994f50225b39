"""Class-level compression classifiers: one model per class instead of one comparison per pair.

Pairwise kNN costs n_train compressions per prediction. A class-level model
turns each class's training texts into one model (an order-k context model by
default, or a zstd raw-content dictionary) and predicts the class under whose
model the query is cheapest to describe: ``argmin_c C(x | class c)``. That is n_classes compressions per
prediction, whatever the size of the training set (the idea of FTCC, Ji et al.
2023, and of compression-based language identification before it).
"""

from __future__ import annotations

import numbers
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import zstandard
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ._native.cm import MAX_ORDER, ContextModel
from ._native.mix import MixModel, code_lengths_per_model
from ._native.words import Vocabulary, WordCounts, words_code_lengths
from ._validation import check_choice, check_int, check_n_jobs, check_texts
from .classification import _encode_labels, _LabelScore, _TextInput

__all__ = ["CompressionClassifier"]

MODELS = ("cm", "zstd", "mix", "words")

# Bytes of query text per thread in one call of a class model: about 40 ms of cm scoring at order 3.
_CHUNK_BYTES = 1 << 19
# Bytes of training text per ContextModel.add at most (a longer text goes alone).
_ADD_BYTES = 1 << 16


def _chunks(texts: list[bytes], max_bytes: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive runs of texts holding at most max_bytes each (at least one text)."""
    bounds, start, size = [], 0, 0
    for i, t in enumerate(texts):
        if i > start and size + len(t) > max_bytes:
            bounds.append((start, i))
            start, size = i, 0
        size += len(t)
    bounds.append((start, len(texts)))
    return bounds


def _dict_tail(tail: bytes | None, texts: list[bytes], max_dict_size: int) -> bytes:
    """The last max_dict_size bytes of the class's texts joined by newlines, given the last ones of the
    texts before (``tail``, None for none): what the dictionary holds, without keeping every text."""
    joined = b"\n".join(texts)
    if tail is not None:
        keep = max(0, max_dict_size - len(joined) - 1)  # bytes of the earlier texts still in the window
        joined = tail[max(0, len(tail) - keep):] + b"\n" + joined
    return joined[-max_dict_size:]


class _ZstdClassModel:
    """A class's text (the dictionary content) as a zstd raw-content dictionary; C(x | class) = 8 * len(frame)."""

    compiled = False

    def __init__(self, content: bytes, level: int):
        self.size = len(content)
        self.level = level
        self._dict = zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        self._dict.precompute_compress(level=level)
        self._local = threading.local()

    def _compressor(self) -> zstandard.ZstdCompressor:
        comp = getattr(self._local, "comp", None)
        if comp is None:
            comp = self._local.comp = zstandard.ZstdCompressor(
                dict_data=self._dict, level=self.level, write_checksum=False, write_content_size=False,
                write_dict_id=False,
            )
        return comp

    def code_lengths(self, texts: list[bytes]) -> np.ndarray:
        compress = self._compressor().compress
        return np.fromiter((8.0 * len(compress(t)) for t in texts), dtype=np.float64, count=len(texts))


class _CMClassModel:
    """A class's texts as the counts of an order-k context model (ncd._native.cm.ContextModel)."""

    compiled = True  # scores in parallel compiled code: no thread pool around it

    def __init__(self, order: int):
        self._cm = ContextModel(order)

    def add(self, texts: list[bytes]) -> None:
        # In chunks: ContextModel.add makes room, before counting, for the most keys a batch could add
        # (2 * (order + 1) per byte): for 20 MB in one batch that is a table of 2**29 entries (12 GB)
        # where real text needs a few thousand keys. Counts are sums, so the chunks change nothing.
        for start, stop in _chunks(texts, _ADD_BYTES):
            self._cm.add(texts[start:stop])

    def copy(self) -> "_CMClassModel":
        other = _CMClassModel.__new__(_CMClassModel)
        other._cm = self._cm.copy()
        return other

    def code_lengths(self, texts: list[bytes], n_threads: int = 1, background=None, strength=4.0) -> np.ndarray:
        return self._cm.code_lengths(texts, n_threads, background, strength)


class _MixClassModel:
    """A class's texts as a context-mixing model (ncd._native.mix.MixModel), trained on them in order.

    Scored for all classes at once (``code_lengths_per_model``), a thread per class model."""

    compiled = True

    def __init__(self, memory: int):
        self._mix = MixModel(memory)

    def add(self, texts: list[bytes], external=None) -> None:
        self._mix.add(texts, external=external)


class CompressionClassifier(_LabelScore, ClassifierMixin, _TextInput, BaseEstimator):
    """Predict the class whose training texts compress a query best.

    Each class's training texts become one model, and a query's conditional code
    length under each, ``C(x | c)``, decides: the prediction is the class with the
    fewest bits (ties: the first in ``classes_``). Each prediction costs n_classes
    model evaluations, so this scales to training sets where pairwise kNN does not.

    * ``model="cm"`` (the default): an order-``order`` context model of the
      class's bytes (Witten-Bell interpolation over orders 0..order, exact counts,
      compiled with numba); ``C(x | c) = sum -log2 p(x_i | context)``, an ideal
      code length that an arithmetic coder meets within 2 bits. ``partial_fit``
      only adds counts. The more accurate model: on AG News (5,000 training texts)
      0.874 against zstd's 0.837 at level 9 (``benchmarks/class_level.md``).
    * ``model="zstd"``: the class's texts (the most recent ``max_dict_size`` bytes)
      as a zstd raw-content dictionary; ``C(x | c)`` is the size of x's zstd frame
      with that dictionary. Faster at level 3; only those last bytes are kept.
    * ``model="mix"``: a context-mixing model of the class's bytes (``ncd._native.mix``: bit
      predictions from byte contexts of orders 0-6 and 8, word contexts and a match model,
      combined by an online logistic mixer and refined by an adaptive probability map), trained
      on the class's texts; ``C(x | c)`` is the cost of coding x after them, the model learning
      as it codes x (``adapt=True``; the changes are undone afterwards) or frozen
      (``adapt=False``, faster). It compresses far better than ``"cm"`` (AG News, 1.91 bits per
      byte against 2.50: ``benchmarks/mix_bits.md``); that it classifies better is not a given:
      see the benchmarks before choosing it.
    * ``model="words"``: a word-level model of the class's texts (``ncd._native.words``): the text
      as alternating word and non-word tokens, each token coded by the class's counts of it (after
      the previous word with ``word_order=1``), falling back on a background's vocabulary or on
      spelling the token out; case is coded apart. Exact counts, an honest code length; the model
      adapts to the query as it codes it. It sees words where the byte models see bytes: on topic
      and sentiment sets it is the closest compressor to a word n-gram classifier, and the best
      companion of the byte models in :class:`~ncd.CodeLengthClassifier`. Fast: token counts only.

    With a ``background`` (``model="cm"``), each class model is a background model of
    the language adapted to the class's texts: where Witten-Bell would fall back on the
    class's shorter contexts alone, the class model falls back on the average of those
    and the background's prediction from the same context (``ncd._native.cm``,
    ``_cm_score_background``). A class with few texts then predicts unseen text from
    what the background knows rather than from uniform bytes. ``C(x | c) - C(x | bg)``
    is a log-likelihood ratio, and the argmin over classes is the same with or without
    subtracting the background's length: see ``docs/guide/class_level.md``.

    Parameters
    ----------
    model : {"cm", "zstd", "mix", "words"}, default="cm"
        The per-class model.
    level : int, default=9
        zstd level, 1 to 22 (``model="zstd"`` only). Higher levels search the
        dictionary harder: better accuracy, slower predictions (on AG News, 5k
        training texts: level 3 0.82, 9 0.84, 19 0.84).
    max_dict_size : int, default=8388608
        Bytes of each class's text kept in its dictionary (``model="zstd"`` only).
    order : int, default=3
        Longest context in bytes, 0 to 6 (``model="cm"`` only).
    word_order : int, default=1
        ``model="words"`` only: 1 codes each word after the previous one (a bigram falling back on
        the unigram), 0 with the unigram alone.
    memory : int, default=22
        Each hashed table of a ``"mix"`` class model holds at most 2^memory slots (4 bytes each,
        8 tables); smaller training sets get smaller tables. 10 to 26 (``model="mix"`` only).
    adapt : bool, default=True
        ``model="mix"`` only: the class model keeps learning while it codes a query (the changes
        are undone after each query), or is frozen (False: faster, slightly longer codes).
    background : {None, "train"} or sequence of str or bytes, default=None
        The background the class models adapt from (``model="cm"`` or ``"words"``): None for
        none; ``"train"`` for every training text with its label ignored (what
        ``fit`` and ``partial_fit`` receive); or a sequence of unlabelled texts (for
        example a few-shot task's unlabelled pool). The query texts only with
        ``transductive=True``.
    background_strength : float, default=4.0
        How much a class model leans on the background where it has seen a context
        (the weight of the escape, > 0; ``model="cm"`` with a background). For
        ``model="words"``, with or without a background, the pseudo-count each known token
        gets (a Dirichlet prior; about 1 is Laplace smoothing), and the weight of the bigram's
        fall-back on the unigram per distinct word seen after the previous one. Choose it by
        cross-validation on the training texts.
    transductive : bool, default=False
        Transductive: the texts being scored (by ``predict``, ``code_lengths`` ...) are also
        counted into the background, their labels unknown, for that call only (the fitted
        background is not changed). A text's code lengths then depend on the other texts of
        the call. Needs a background. Off by default.
    network : LMCompressor, default=None
        ``model="mix"`` only: a byte-level language model (the ``lm`` extra;
        ``LMCompressor(..., tokenizer="bytes")``, e.g. from :func:`ncd.lm.train_byte_lm`)
        whose next-byte probabilities are one more input of every class model's mixer, the
        same for every class: each class model learns how far to trust it against its own
        contexts. The network runs once over each text, training and query.
    class_prior : bool, default=False
        Add ``-log2 P(c)``, the class's share of the training texts, to every code length: the
        two-part code of the class and then the text, so ``argmin`` is the maximum a posteriori
        class under the models. False: every class equally likely (the plain ``argmin_c C(x | c)``).
        Choose it by cross-validation on the training texts.
    temperature : float, default=1.0
        ``predict_proba`` is ``softmax(-bits / temperature)`` in base 2, i.e.
        ``p(c | x) ∝ 2 ** (-C(x | c) / temperature)`` with uniform class priors.
        At 1 this is the posterior the code lengths imply, which is very confident;
        a larger temperature softens it.
    n_jobs : int, default=None
        Threads for the compressions; None means 1, -1 all cores.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_samples_fit_ : int
        Training texts seen, over all calls to ``fit`` / ``partial_fit``.
    class_count_ : ndarray of shape (n_classes,)
        Training texts seen of each class (``class_prior`` uses them).

    Notes
    -----
    zstd stores a block it cannot shrink as raw bytes. A query too short to
    contain a match of zstd's minimum length then costs the same under every
    class, and the tie goes to the first class: ``model="zstd"`` needs texts of
    more than a few words.

    Examples
    --------
    >>> from ncd import CompressionClassifier
    >>> from ncd.datasets import load_dataset
    >>> ds = load_dataset()  # 24 languages, 12 training paragraphs each
    >>> clf = CompressionClassifier().fit(ds.X_train, ds.y_train)
    >>> clf.predict(ds.X_test[:3]).tolist(), ds.y_test[:3]  # held-out paragraphs (Arabic)
    (['arb', 'arb', 'arb'], ['arb', 'arb', 'arb'])
    >>> bool(clf.score(ds.X_test, ds.y_test) > 0.9)
    True
    """

    def __init__(self, model="cm", *, level=9, max_dict_size=8 << 20, order=3, word_order=1, memory=22, adapt=True,
                 background=None, background_strength=4.0, transductive=False, network=None, class_prior=False,
                 temperature=1.0, n_jobs=None):
        self.model = model
        self.level = level
        self.max_dict_size = max_dict_size
        self.order = order
        self.word_order = word_order
        self.memory = memory
        self.adapt = adapt
        self.background = background
        self.background_strength = background_strength
        self.transductive = transductive
        self.network = network
        self.class_prior = class_prior
        self.temperature = temperature
        self.n_jobs = n_jobs

    def _validate(self) -> None:
        owner = type(self).__name__
        check_choice(self.model, "model", owner, MODELS)
        check_int(self.level, "level", owner, 1, 22)
        check_int(self.max_dict_size, "max_dict_size", owner)
        check_int(self.order, "order", owner, 0, MAX_ORDER)
        check_int(self.word_order, "word_order", owner, 0, 1)
        check_int(self.memory, "memory", owner, 10, 26)
        check_choice(self.class_prior, "class_prior", owner, (False, True))
        check_choice(self.adapt, "adapt", owner, (True, False))
        check_choice(self.transductive, "transductive", owner, (False, True))
        if self.transductive and self.background is None:
            raise ValueError(f"The 'transductive' parameter of {owner} adds the query texts to the background, and "
                             "there is none (background=None). Set a background, e.g. background='train', or "
                             "transductive=False.")
        if self.network is not None:
            if self.model != "mix":
                raise ValueError(f"The 'network' parameter of {owner} needs model='mix'; got model={self.model!r}. "
                                 "Set network=None, or use model='mix'.")
            if not hasattr(self.network, "byte_distributions"):
                raise TypeError(f"The 'network' parameter of {owner} must be a byte-level language model "
                                f"(LMCompressor(..., tokenizer='bytes')); got {self.network!r}.")
        if self.background is not None:
            if self.model not in ("cm", "words"):
                raise ValueError(f"The 'background' parameter of {owner} needs model='cm' or 'words'; got "
                                 f"model={self.model!r}. Set background=None, or use model='cm' or 'words'.")
            if isinstance(self.background, str) and self.background != "train":
                raise ValueError(f"The 'background' parameter of {owner} must be None, 'train' or a sequence of "
                                 f"texts. Got {self.background!r} instead.")
        s = self.background_strength
        if isinstance(s, bool) or not isinstance(s, numbers.Real) or not 0 < s < float("inf"):
            raise ValueError(f"The 'background_strength' parameter of {owner} must be a positive finite number. "
                             f"Got {s!r} instead.")
        t = self.temperature
        if isinstance(t, bool) or not isinstance(t, numbers.Real) or not t > 0:
            raise ValueError(f"The 'temperature' parameter of {owner} must be a positive number. Got {t!r} instead.")
        self._n_jobs = check_n_jobs(self.n_jobs, owner)

    def fit(self, X, y):
        """Build one model per class from the training texts.

        Parameters
        ----------
        X : sequence of str or bytes of length n_samples
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        for attr in ("classes_", "_texts", "_tails"):
            self.__dict__.pop(attr, None)
        return self._add(X, y, classes=None, first=True)

    def partial_fit(self, X, y, classes=None):
        """Add texts to the class models (built again for the classes that got new texts).

        Parameters
        ----------
        X : sequence of str or bytes
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class that will ever be seen; required on the first call, as in
            scikit-learn's ``partial_fit``.

        Returns
        -------
        self
        """
        first = not hasattr(self, "classes_")
        if first and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the list of every label that "
                "will be seen (e.g. classes=np.unique(y_all))."
            )
        return self._add(X, y, classes=classes, first=first)

    def _add(self, X, y, classes, first):
        self._validate()
        texts = check_texts(X, "X")
        if first and classes is None:  # fit: the classes are those of y
            self.classes_, codes = _encode_labels(y, len(texts))
        else:
            if first:
                given = list(classes)
                self.classes_, _ = _encode_labels(given, len(given))
            codes = self._codes_of(y, len(texts))
        if first:
            self._background = None
            self._vocab = Vocabulary() if self.model == "words" else None
            if self.background is not None:
                if self.model == "words":
                    self._background = WordCounts()
                    if not isinstance(self.background, str):
                        self._background.add(self._vocab.encode(check_texts(self.background, "background"), True))
                else:
                    self._background = _CMClassModel(int(self.order))  # added in chunks, as a class's texts
                    if not isinstance(self.background, str):
                        self._background.add(check_texts(self.background, "background"))
            # zstd keeps the last max_dict_size bytes of each class's texts (all its dictionary holds) and
            # rebuilds the dictionary from them; cm keeps only counts
            self._tails = [None] * len(self.classes_) if self.model == "zstd" else None
            self._models = [None] * len(self.classes_)
            self.n_samples_fit_ = 0
            self.class_count_ = np.zeros(len(self.classes_), dtype=np.int64)
        if not first and self._fitted_params != self._params():
            raise ValueError(
                f"partial_fit with settings {self._params()} on a model fitted with {self._fitted_params}; "
                "call fit to start again with new settings."
            )
        if isinstance(self.background, str) and self.model != "words":  # "train": every training text, its
            self._background.add(texts)  # label ignored (words: added below, class by class, from the same tokens)
        new = {}
        for text, code in zip(texts, codes):
            new.setdefault(code, []).append(text)
        for c, class_texts in new.items():
            if self.model == "cm":
                if self._models[c] is None:
                    self._models[c] = _CMClassModel(int(self.order))
                self._models[c].add(class_texts)  # only the new counts
            elif self.model == "words":
                if self._models[c] is None:
                    self._models[c] = WordCounts()
                tokens = self._vocab.encode(class_texts, grow=True)
                self._models[c].add(tokens)
                if isinstance(self.background, str):
                    self._background.add(tokens)
            elif self.model == "mix":
                if self._models[c] is None:
                    self._models[c] = _MixClassModel(int(self.memory))
                external = None if self.network is None else self.network.byte_distributions(class_texts)
                self._models[c].add(class_texts, external)  # learns on, from where it stopped
            else:
                self._tails[c] = _dict_tail(self._tails[c], class_texts, int(self.max_dict_size))
                self._models[c] = _ZstdClassModel(self._tails[c], int(self.level))
        self.n_samples_fit_ += len(texts)
        if hasattr(self, "class_count_"):  # not in a model fitted by ncd <= ceff704
            np.add.at(self.class_count_, codes, 1)
        self._fitted_params = self._params()
        return self

    def _params(self) -> tuple:
        background = self.background if self.background is None or isinstance(self.background, str) else "texts"
        return (self.model, int(self.level), int(self.max_dict_size), int(self.order), background, int(self.memory),
                self.network is not None)

    def _codes_of(self, y, n_samples: int) -> np.ndarray:
        """Indices into classes_ of the labels y (validated), or a ValueError naming unknown ones."""
        labels, local_codes = _encode_labels(y, n_samples)
        index = {c: i for i, c in enumerate(self.classes_.tolist())}
        unknown = [c for c in labels.tolist() if c not in index]
        if unknown:
            raise ValueError(
                f"y holds labels not in classes_ {self.classes_.tolist()}: {unknown[:5]}. Pass every class "
                "in classes= on the first call to partial_fit."
            )
        return np.asarray([index[c] for c in labels.tolist()], dtype=np.intp)[local_codes]

    def code_lengths(self, X) -> np.ndarray:
        """Conditional code length of each text under each class model, in bits.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``. A class with no training text yet
            (possible with ``partial_fit``) gets +inf.
        """
        check_is_fitted(self, "classes_")
        texts = check_texts(X, "X")
        out = np.full((len(texts), len(self.classes_)), np.inf)
        n_jobs = self._n_jobs
        threaded = n_jobs > 1 and len(texts) >= 256 and self.model == "zstd"  # cm runs its own threads
        # Chunks of texts, every class scored on one before the next: Python regains control after each
        # call (a Ctrl-C is answered within one chunk's time, a fraction of a second) and the pool's
        # shutdown after an interrupt waits for one chunk's pieces, not for every text.
        background = getattr(self, "_background", None)
        vocab = getattr(self, "_vocab", None)
        if background is not None and self.transductive:  # the queries too, for this call only
            background = background.copy()
            if self.model == "words":
                vocab = vocab.copy()
                background.add(vocab.encode(texts, grow=True))
            else:
                background.add(texts)
        if background is not None and self.model != "words":
            background = background._cm
        strength = float(self.background_strength)
        pool = ThreadPoolExecutor(n_jobs) if threaded else None
        try:
            for start, stop in _chunks(texts, _CHUNK_BYTES * n_jobs):
                part = texts[start:stop]
                pieces = None
                if self.model == "words":  # every class model on one tokenisation of the chunk
                    present = [c for c, model in enumerate(self._models) if model is not None]
                    out[start:stop, present] = words_code_lengths([self._models[c] for c in present],
                                                                  vocab.encode(part, grow=False), background,
                                                                  strength, int(self.word_order), n_jobs)
                    continue
                if self.model == "mix":  # every class model at once, a thread per model
                    present = [c for c, model in enumerate(self._models) if model is not None]
                    external = None if self.network is None else self.network.byte_distributions(part)
                    out[start:stop, present] = code_lengths_per_model([self._models[c]._mix for c in present], part,
                                                                      n_jobs, adapt=bool(self.adapt), external=external)
                    continue
                for c, model in enumerate(self._models):
                    if model is None:
                        continue
                    if model.compiled:
                        out[start:stop, c] = model.code_lengths(part, n_jobs, background, strength)
                    elif pool is not None:
                        if pieces is None:
                            step = -(-len(part) // n_jobs)
                            pieces = [part[i : i + step] for i in range(0, len(part), step)]
                        out[start:stop, c] = np.concatenate(list(pool.map(model.code_lengths, pieces)))
                    else:
                        out[start:stop, c] = model.code_lengths(part)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if self.class_prior:  # the two-part code: -log2 P(c) for the class, then the text given it
            if not hasattr(self, "class_count_"):
                raise ValueError("class_prior=True needs the number of training texts of each class, which a model "
                                 "fitted by ncd <= ceff704 did not record. Fit it again, or set class_prior=False.")
            with np.errstate(divide="ignore"):
                out += -np.log2(self.class_count_ / self.class_count_.sum())
        return out

    def predict(self, X):
        """The class with the shortest conditional code length for each text."""
        bits = self.code_lengths(X)
        return self.classes_[np.argmin(bits, axis=1)]

    def predict_proba(self, X):
        """``p(c | x) ∝ 2 ** (-C(x | c) / temperature)``; rows sum to 1, columns in ``classes_`` order."""
        bits = self.code_lengths(X)
        z = -(bits - bits.min(axis=1, keepdims=True)) / float(self.temperature)
        p = np.exp2(z)
        return p / p.sum(axis=1, keepdims=True)

    def __getstate__(self):
        state = self.__dict__.copy()
        if state.get("_tails") is not None:
            state.pop("_models", None)  # zstd dictionaries do not pickle; rebuilt from the tails
        return state

    def __setstate__(self, state):
        # a model pickled before these parameters existed (ncd <= ceff704) had none of them
        state = {"memory": 22, "word_order": 1, "adapt": True, "background": None, "background_strength": 4.0,
                 "transductive": False, "network": None, "class_prior": False, "_vocab": None, **state}
        texts = state.pop("_texts", None)
        if texts is not None:  # pickled before the tails (every text was kept): keep only the tails
            size = state["_fitted_params"][2]
            state["_tails"] = [_dict_tail(None, t, size) if t else None for t in texts]
            state.pop("_models", None)
        fitted = state.get("_fitted_params")
        if fitted is not None and len(fitted) < 7:  # settings added since: their values then (no background,
            state["_fitted_params"] = (*fitted, *(None, 22, False)[len(fitted) - 4:])  # memory 22, no network)
        self.__dict__.update(state)
        if state.get("_tails") is not None and "_models" not in state:
            level = state["_fitted_params"][1]
            self._models = [_ZstdClassModel(t, level) if t is not None else None for t in self._tails]
