"""Writes the teaching notebooks (``*.ipynb``) from the cells below, executed, with their outputs and figures.

    python notebooks/build.py          # every notebook (one to two minutes on 2 busy cores)
    python notebooks/build.py 03 05    # only those whose names start so

The notebooks are the product, committed executed so that a reader on a code host sees every figure
and output; this file keeps their source reviewable as Python. Each runs in a fresh kernel, offline, on
the ncd of this checkout. tests/test_notebooks.py checks that the committed notebooks are this source,
executed, and executes them again to check that they still give the same kinds of output.
"""

import importlib.util
import os
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# What a notebook needs to give its committed outputs. 04 trains a network: without the lm extra (torch,
# transformers) it says what to install instead. transformers imports tqdm.auto, which warns in a kernel
# without ipywidgets (as Jupyter installed without it would): the test extra has it, as `pip install jupyter` does.
NEEDS = {"04_a_model_is_a_compressor": ("torch", "transformers", "ipywidgets")}

NOTEBOOKS = {}

NOTEBOOKS["01_kolmogorov_by_compression"] = [
    ("md", """# Kolmogorov complexity by compression

The Kolmogorov complexity K(x) of a string is the length of the shortest program that prints it.
It cannot be computed, but every compressor gives an **upper bound**: the decompressor plus the
compressed file is a program that prints x. Here we look at that bound with real compressors.

Two 45-bit strings are equally likely under fair coin flips (each has probability 2^-45), yet
`001001...001` feels less random than a typical coin-flip string. Compression makes that feeling
measurable."""),
    ("code", """import random

import matplotlib.pyplot as plt
import numpy as np

from ncd.compressors import available_compressors, get_compressor

periodic = "001" * 15
rng = random.Random(7)
coin = "".join(rng.choice("01") for _ in range(45))
print(periodic)
print(coin)"""),
    ("md", """Each compressor's code length in bits, and the same length less the compressor's fixed
overhead (its code length for the empty input: headers, checksums, an empty block)."""),
    ("code", """rows = []
for cid in available_compressors():
    if cid == "lm":
        continue  # a language model needs a model to exist: notebook 04 trains one
    comp = get_compressor(cid)
    a, b = comp.code_length(periodic.encode()), comp.code_length(coin.encode())
    rows.append((cid, a, b, a - comp.overhead, b - comp.overhead))
    print(f"{cid:8s} periodic {a:6.0f} bits  coin {b:6.0f} bits   less overhead: {a - comp.overhead:5.0f} vs {b - comp.overhead:5.0f}")"""),
    ("md", """The strings are only 45 characters, so overheads dominate: gzip spends 160 bits on its container
alone. Minus the overhead, every compressor finds the period in `001001...`, and none finds much in
the coin flips (45 random bits written as 45 ASCII characters carry at most 45 bits of information,
and a compressor that knows nothing about the alphabet needs more).

Now let the strings grow: compressed size against length for a periodic string, English text and
random bytes."""),
    ("code", """from ncd.datasets import load_dataset

ds = load_dataset()
english = " ".join(t for t, y in zip(ds.X_train + ds.X_test, ds.y_train + ds.y_test) if y == "eng").encode()
sources = {
    "periodic (abc...)": (b"abc" * 10000),
    "English (UDHR, no repeats)": english,
    "random bytes": np.random.default_rng(0).integers(0, 256, 30000, dtype=np.uint8).tobytes(),
}
lengths = np.unique(np.geomspace(16, len(english), 25).astype(int))
print(len(english), "bytes of English")
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
for ax, cid in zip(axes, ["gzip", "bz2", "lzma"]):
    comp = get_compressor(cid)
    for name, data in sources.items():
        ax.plot(lengths, [comp.code_length(data[:n]) / 8 for n in lengths], label=name)
    ax.plot(lengths, lengths, "k:", label="the input itself")
    ax.set_xscale("log"); ax.set_yscale("log"); ax.set_title(cid); ax.set_xlabel("input bytes")
axes[0].set_ylabel("compressed bytes")
axes[0].legend(fontsize=8)
plt.tight_layout()"""),
    ("md", """Three regimes a student should remember:

* **periodic**: the compressed size hardly grows. K(x) of `abc` repeated n times is about
  log2(n) bits plus a constant: a loop and a counter.
* **English**: grows linearly, at a rate (bits per byte) that is the compressor's estimate of the
  entropy of English, between 2 and 3.5 bits per character here.
* **random**: grows like the input itself plus the overhead. No program much shorter than the data
  prints random bytes: for most strings K(x) is about their length.

A compressor is only an *upper bound*, and each bound has blind spots. gzip cannot see a repeat more
than 32 kB back: 50 kB of random bytes written four times is, to gzip, 200 kB of random bytes, while
lzma (an 8 MB window at its default preset) sees the copies."""),
    ("code", """block = np.random.default_rng(1).integers(0, 256, 50_000, dtype=np.uint8).tobytes()
big = block * 4
for cid in ["gzip", "lzma"]:
    print(cid, "bits per byte:", round(get_compressor(cid).code_length(big) / len(big), 2),
          "   window:", get_compressor(cid).window, "bytes")"""),
    ("md", """## Exercises

1. Find a string of 45 characters whose gzip length is *larger* than that of the coin-flip string. What
   makes it hard to compress?
2. The digits of pi look random to every compressor here, yet K(pi's first million digits) is small.
   Why can no compressor find that? (Hint: what would it need to know?)
3. Plot bits per byte against length for English under `zstd` at levels 1, 3 and 19. Which level keeps
   learning longest, and why?
4. `lz77` has no overhead at all. Compute its code length for the periodic and coin strings and compare
   with `deflate` (raw deflate, 2 bytes of overhead).
5. `LZ77Compressor(starts="word")` may copy only from the beginnings of words. What does it make of the
   periodic string, and of an English sentence written twice? What has the model been told about its
   data, and when does that knowledge help?"""),
]

NOTEBOOKS["02_joint_information_and_language_trees"] = [
    ("md", """# Joint information: K(x, y) <= K(x) + K(y) + c

Describing two strings together never costs much more than describing them apart, and costs much
less when they share structure. With a compressor C: compare C(xy) with C(x) + C(y). The saving is
the information x and y share; the **normalized compression distance**
NCD(x, y) = (C(xy) - min(C(x), C(y))) / max(C(x), C(y)) scales it to about [0, 1]."""),
    ("code", """import matplotlib.pyplot as plt
import numpy as np

from ncd import pairwise_distances
from ncd.compressors import get_compressor
from ncd.datasets import load_dataset

ds = load_dataset()
by_language = {}
for text, lang in zip(ds.X_train, ds.y_train):
    by_language.setdefault(lang, []).append(text)
docs = {lang: " ".join(texts) for lang, texts in by_language.items()}  # the same 12 paragraphs, 24 languages
comp = get_compressor("lzma")
C = lambda s: comp.code_length(s.encode())"""),
    ("code", """pairs = [("spa", "por"), ("deu", "nld"), ("rus", "ukr"), ("eng", "fin"), ("spa", "rus")]
for a, b in pairs:
    x, y = docs[a], docs[b]
    saving = C(x) + C(y) - C(x + " " + y)
    print(f"{a}-{b}: C(x)+C(y) = {C(x) + C(y):7.0f} bits, C(xy) = {C(x + ' ' + y):7.0f}, shared ~ {saving:6.0f} bits")"""),
    ("md", """Spanish and Portuguese share far more than English and Finnish: the same words, roots and
endings appear in both, so the second text is cheaper given the first. Across scripts (Spanish and
Russian) the least is shared: what remains is punctuation, digits and names.

The whole distance matrix, as a heat map:"""),
    ("code", """langs = sorted(docs)
D = pairwise_distances([docs[l] for l in langs], compressor="lzma", metric="ncd_sym")
fig, ax = plt.subplots(figsize=(7, 6))
im = ax.imshow(D, cmap="viridis")
ax.set_xticks(range(len(langs)), langs, rotation=90); ax.set_yticks(range(len(langs)), langs)
fig.colorbar(im, label="NCD (symmetric)")
ax.set_title("NCD between UDHR translations (lzma)")
plt.tight_layout()"""),
    ("md", """Hierarchical clustering of that matrix gives a language tree, with no linguistics in it:
only compression."""),
    ("code", """from scipy.cluster.hierarchy import dendrogram, linkage
from scipy.spatial.distance import squareform

Z = linkage(squareform((D + D.T) / 2, checks=False), method="average")
fig, ax = plt.subplots(figsize=(8, 4))
dendrogram(Z, labels=langs, ax=ax, leaf_rotation=90)
ax.set_ylabel("NCD")
ax.set_title("A language tree from compression alone")
plt.tight_layout()"""),
    ("md", """Czech and Slovak pair first, with Polish next (West Slavic); Danish and Norwegian, then Swedish;
Estonian and Finnish; Dutch and German; Catalan and Spanish, then Portuguese and Italian; Bulgarian,
Russian and Ukrainian. Compression sees shared strings, not genealogy: English lands among the Romance
languages (the declaration's vocabulary is Latinate: dignity, rights, nations) and French stands apart.
Greek and Arabic, each alone in its script, join only at the top.

## Exercises

1. Redo the tree with `compressor="gzip"`. The texts are about 6 kB per language: is gzip's 32 kB window
   a problem here? What changes, and why?
2. Check the inequality C(xy) <= C(x) + C(y) + c on random bytes. How big is c for gzip, and where
   does it come from?
3. NCD(x, x) should be 0. Compute it for each language with gzip and lzma. Why is it not exactly 0?
4. Replace each text by its first 200 characters. Which pairs of languages can still be told apart?"""),
]

NOTEBOOKS["03_text_classification_with_gzip_honestly"] = [
    ("md", """# Text classification with gzip, honestly

Jiang et al. (2023) classified text with gzip, NCD and k nearest neighbours and reported accuracy that
beat neural models. Part of that came from the scoring: with k=2, a test text counted as correct when
*either* neighbour had the true label. That is top-2 accuracy, and it reads the test label. Here we
build the method step by step and score it honestly."""),
    ("code", """import gzip

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from ncd import NCDClassifier
from ncd.datasets import load_dataset
from ncd.metrics import top_k_accuracy

ds = load_dataset()  # UDHR paragraphs in 24 languages, shipped with ncd
print(len(ds.X_train), "training texts,", len(ds.X_test), "test texts")"""),
    ("md", """## Step by step, with nothing but the gzip module

C(x) is the gzip length; NCD combines C(x), C(y) and C(x + " " + y). Each training text's length is
computed once, and each pair costs one compression."""),
    ("code", """def C(s):
    return len(gzip.compress(s.encode(), 9))

train_len = [C(t) for t in ds.X_train]
query = ds.X_test[0]
cq = C(query)
dists = np.array([(C(query + " " + t) - min(cq, ct)) / max(cq, ct) for t, ct in zip(ds.X_train, train_len)])
nearest = np.argsort(dists, kind="stable")[:3]
print("query language:", ds.y_test[0])
print("nearest:", [(ds.y_train[i], round(float(dists[i]), 3)) for i in nearest])"""),
    ("md", """## The same with ncd, and the top-2 trap in numbers"""),
    ("code", """clf = NCDClassifier(n_neighbors=2, compressor="gzip", tie_break="nearest").fit(ds.X_train, ds.y_train)
neighbours = clf.kneighbors(ds.X_test, return_distance=False)
labels = np.asarray(ds.y_train)[neighbours]
honest_k1 = NCDClassifier(1, compressor="gzip").fit(ds.X_train, ds.y_train).score(ds.X_test, ds.y_test)
honest_k2 = clf.score(ds.X_test, ds.y_test)
top2 = top_k_accuracy(ds.y_test, labels)
print(f"honest k=1: {honest_k1:.3f}   honest k=2 (ties broken by the nearer neighbour): {honest_k2:.3f}   "
      f"top-2 (the paper's scoring): {top2:.3f}")"""),
    ("md", """Even on this easy task top-2 adds about ten points. With two classes it is worse: top-2 is
"correct" whenever the two neighbours disagree, whatever the truth. Random labels show it plainly:"""),
    ("code", """rng = np.random.default_rng(0)
coin_train = rng.integers(0, 2, len(ds.X_train))
coin_test = rng.integers(0, 2, len(ds.X_test))
clf_coin = NCDClassifier(2, compressor="gzip").fit(ds.X_train, coin_train)
nb = clf_coin.kneighbors(ds.X_test, return_distance=False)
print("honest accuracy on random labels:", round(clf_coin.score(ds.X_test, coin_test), 3))
print("top-2 'accuracy' on random labels:", round(top_k_accuracy(coin_test, coin_train[nb]), 3))"""),
    ("md", """## Where it goes wrong: the confusion matrix"""),
    ("code", """pred = NCDClassifier(1, compressor="gzip").fit(ds.X_train, ds.y_train).predict(ds.X_test)
fig, ax = plt.subplots(figsize=(8, 8))
ConfusionMatrixDisplay.from_predictions(ds.y_test, pred, ax=ax, colorbar=False, xticks_rotation=90)
ax.set_title("gzip k=1 on UDHR language identification")
plt.tight_layout()"""),
    ("md", """## The effect of k and of the tie rule

With k even, votes can tie. `"nearest"` drops the farthest neighbour and votes again, `"lowest"` takes
the first tied class in alphabetical order, `"random"` draws one with a seed. None of them looks at the
test label."""),
    ("code", """ks = [1, 2, 3, 4, 5, 7, 9]
fig, ax = plt.subplots(figsize=(6, 3.5))
for rule in ["nearest", "lowest", "random"]:
    acc = [NCDClassifier(k, compressor="gzip", tie_break=rule, random_state=0).fit(ds.X_train, ds.y_train)
           .score(ds.X_test, ds.y_test) for k in ks]
    ax.plot(ks, acc, marker="o", label=rule)
ax.set_xlabel("k"); ax.set_ylabel("honest accuracy"); ax.legend(); ax.set_title("k and the tie rule")
plt.tight_layout()"""),
    ("md", """## Exercises

1. Choose k by cross-validation on the training set only (`GridSearchCV`), then score once on test.
   Is the chosen k the best k on test?
2. Replace gzip by `"zstd"`, `"lz77"` and `{"id": "lz77", "starts": "word"}`. Which is most accurate
   here, and which is fastest (`%timeit` the `predict`)?
3. Cut every text to its first 50 characters. How do honest accuracy and top-2 change?
4. `ncd.datasets.overlap_report(ds.X_train, ds.X_test)`: does this data set leak test texts into train?"""),
]

NOTEBOOKS["04_a_model_is_a_compressor"] = [
    ("md", """# A model that predicts is a compressor

If a model gives the next byte probability p, an arithmetic coder spends about -log2 p bits on it.
So the code length of a text under a model is the sum of -log2 p over its bytes, and a better
predictor is a better compressor. Large language models are today's best text compressors for exactly
this reason. Here the model is ncd's order-k context model (it counts which bytes followed which
contexts in its training text); the coder is `ncd.coding`, a real arithmetic coder."""),
    ("code", """import gzip

import matplotlib.pyplot as plt
import numpy as np

from ncd.coding import ContextModel, decode, encode, ideal_code_length
from ncd.datasets import load_dataset

ds = load_dataset()
english_train = [t for t, y in zip(ds.X_train, ds.y_train) if y == "eng"]
sentence = "Everyone has the right to life, liberty and security of person."
model = ContextModel(order=3).fit(english_train)"""),
    ("md", """Each byte's probability under the model, and what it costs. Predictable bytes (the rest of a
word once it has started) cost a fraction of a bit; the start of a new word costs several."""),
    ("code", """data = sentence.encode()
costs = [-np.log2(model.distribution(data[:i])[b]) for i, b in enumerate(data)]
fig, ax = plt.subplots(figsize=(12, 3))
ax.bar(range(len(data)), costs)
ax.set_xticks(range(len(data)), list(sentence), fontsize=7)
ax.set_ylabel("bits"); ax.set_title(f"-log2 p per byte: {sum(costs):.1f} bits in all, {sum(costs) / len(data):.2f} bits/byte")
plt.tight_layout()"""),
    ("md", """The coder turns those probabilities into bytes, and back:"""),
    ("code", """code = encode(data, model)
print("bitstream:", code.hex())
print("decoded:  ", decode(code, len(data), model).decode())
print(f"ideal {ideal_code_length(data, model):.1f} bits, written {8 * len(code)} bits, "
      f"gzip {8 * len(gzip.compress(data, 9))} bits ({8 * (len(gzip.compress(data, 9)) - 18)} without its header)")"""),
    ("md", """## Bits per byte as the model learns

Train on more and more text (all 24 languages of the set, in order) and measure the English test
paragraphs. Higher orders need more data before they pay off."""),
    ("code", """english_test = " ".join(t for t, y in zip(ds.X_test, ds.y_test) if y == "eng").encode()
pool = [t for t, y in zip(ds.X_train, ds.y_train) if y == "eng"] + [t for t, y in zip(ds.X_train, ds.y_train) if y != "eng"]
sizes = [1, 2, 4, 8, 12, 48, 120, len(pool)]
fig, ax = plt.subplots(figsize=(6, 4))
for order in [0, 1, 2, 3, 4]:
    bpb = [ContextModel(order).fit(pool[:n]).code_length(english_test) / len(english_test) for n in sizes]
    ax.plot([sum(len(t.encode()) for t in pool[:n]) for n in sizes], bpb, marker="o", label=f"order {order}")
ax.axhline(8 * len(gzip.compress(english_test, 9)) / len(english_test), color="k", ls=":", label="gzip (no training)")
ax.set_xscale("log"); ax.set_xlabel("training bytes"); ax.set_ylabel("bits per byte on English test text")
ax.legend(); ax.set_title("A better predictor is a better compressor")
plt.tight_layout()"""),
    ("md", """The first 12 paragraphs (about 2.4 kB) are English, and every order above 0 improves on them,
order 3 most: it reaches about 3 bits per byte where gzip, which starts from nothing on every input,
needs 4. After them the model sees other languages: their counts dilute the English statistics and
bits per byte rise again. More data helps only when it is like the text to be compressed. That is
also why the class-level classifier works:
`CompressionClassifier(model="cm")` trains one such model per class and picks the class whose model
compresses the text best.

## A neural network is a compressor too

Language models are the same idea with a better predictor. `ncd.lm.train_byte_lm` trains a small
recurrent network over bytes (no download; it needs the `lm` extra, PyTorch and transformers) and returns
it as a compressor. Train it for more and more steps on the English paragraphs and watch its bits per byte on
the English test text fall: the better it predicts, the shorter the code."""),
    ("code", """import importlib.util

if importlib.util.find_spec("torch") is None:
    print("PyTorch is not installed: pip install 'ncd[lm]' to run this part")
else:
    from ncd.lm import train_byte_lm

    steps, lm_bpb = [10, 40, 80, 160], []
    for n in steps:
        lm = train_byte_lm(english_train, n_embd=128, context=128, batch_size=16, max_steps=n, learning_rate=3e-3)
        lm_bpb.append(lm.code_length(english_test) / len(english_test))
        print(f"{n:4d} steps: {lm_bpb[-1]:.2f} bits per byte")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(steps, lm_bpb, marker="o", label="byte network (GRU), trained on English")
    ax.axhline(ContextModel(3).fit(english_train).code_length(english_test) / len(english_test), color="C1",
               ls="--", label="order-3 context model, same text")
    ax.axhline(8 * len(gzip.compress(english_test, 9)) / len(english_test), color="k", ls=":", label="gzip")
    ax.set_xscale("log"); ax.set_xlabel("training steps"); ax.set_ylabel("bits per byte on English test text")
    ax.legend(); ax.set_title("Training is compression")
    plt.tight_layout()"""),
    ("md", """The same arithmetic coder writes a bitstream from the network's probabilities (its symbols are
bytes here; a subword model's would be tokens):"""),
    ("code", """if importlib.util.find_spec("torch") is not None:
    code = encode(data, lm)
    print(decode(code, len(data), lm).decode())
    print(f"network: ideal {ideal_code_length(data, lm):.1f} bits, written {8 * len(code)} bits;"
          f" context model: {ideal_code_length(data, model):.1f} bits")"""),
    ("md", """With so little text (2.4 kB of English) and a few hundred steps, the small network has only begun
to learn: counting contexts is the better compressor here, and a network needs far more text and
training to win. `benchmarks/lm.md` measures both on real data sets.

## Exercises

1. Encode the sentence with a model trained on Spanish only. How many more bits does it cost, and which
   bytes cost most?
2. Decode the bitstream with a model of a different order. What comes out, and why?
3. Find the smallest training set with which the order-2 model beats gzip on the English test text.
4. The coder writes at most a few bits more than the ideal length. Where do those bits come from?
5. Train the network on all 24 languages instead of English only. Does it compress the English test
   text better or worse than the English-only network, and why?"""),
]

NOTEBOOKS["05_scaling"] = [
    ("md", """# Scaling: accuracy against training size

Scaling laws in machine learning say that test error falls as a power of the data size,
error ~ a n^-b: a straight line in log-log axes. Does a compressor-based classifier follow one? We
measure error at training sizes on a log grid, with several random draws per size, fit the line, and
read off what it predicts for 10 times more data."""),
    ("code", """import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from ncd import NCDClassifier
from ncd.datasets import load_dataset
from ncd.scaling import learning_curve, plot_learning_curves

ds = load_dataset()  # 24 languages, 12 training paragraphs each
sizes = [48, 72, 120, 192, 288]  # from 2 texts per language up
curves = {
    "ncd lz77 k=1": learning_curve(NCDClassifier(compressor="lz77"), ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                                   sizes=sizes, n_repeats=3),
    "TF-IDF (char 1-3) + LR": learning_curve(
        make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)), LogisticRegression(max_iter=2000)),
        ds.X_train, ds.y_train, ds.X_test, ds.y_test, sizes=sizes, n_repeats=3),
}
for name, c in curves.items():
    print(name, np.round(c.mean, 3))"""),
    ("code", """ax = plot_learning_curves(curves)
ax.set_title("UDHR language identification: error against training size")
plt.tight_layout()"""),
    ("code", """for name, c in curves.items():
    law = c.power_law()
    print(f"{name}: error = {law.a:.2f} n^-{law.b:.2f} (r2 = {law.r2:.2f}); "
          f"predicted accuracy at {10 * sizes[-1]} texts: {1 - float(law.predict(10 * sizes[-1])):.3f}")"""),
    ("md", """Read the prediction with care: it extrapolates a line fitted on five points, and error cannot
fall below the noise in the labels. `benchmarks/learning_curves.md` does the same on AG News with 5,000
training texts, where the TF-IDF line is steeper (b of about 0.25 against 0.15 for NCD kNN): more data
helps the learned model faster.

## Exercises

1. Add `NCDClassifier(compressor="gzip")` to the curves. Is its exponent b different from lz77's?
2. Fit the power law on the first three sizes only and predict the error at 288. How far off is it?
3. Why does a power law have to bend eventually? What would a better model of error against n include?
4. Use `ncd.scaling.bits_per_byte` on the English paragraphs: does bits per byte also follow a power
   law in the data size?"""),
]


def source(name):
    """The notebook ``name`` as written above, without outputs."""
    nb = new_notebook(cells=[new_markdown_cell(src) if kind == "md" else new_code_cell(src)
                             for kind, src in NOTEBOOKS[name]])
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # fixed, so that rebuilding changes only what changed
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def kernel_env():
    """The kernel's environment: offline, this checkout's ncd first, and one thread per numerical library.

    One thread because a notebook is often run beside other work (CI, a docs build, other tests): on a
    busy 2-core machine PyTorch's two threads trained notebook 04's network ten times slower than one.
    """
    path = os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p)
    return {**os.environ, "PYTHONPATH": path, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def execute(nb, timeout=600):
    """Run every cell of ``nb`` in place in a fresh kernel, ``timeout`` seconds at most a cell, then tidy it."""
    import nbclient

    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(HERE)}})
    client.execute(env=kernel_env())
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
    nb.metadata.get("language_info", {}).pop("version", None)  # the build machine's Python: not the reader's
    return nb


def _merge_streams(outputs):
    """One output per run of printing: how a print is cut into messages depends on the machine's timing."""
    merged = []
    for out in outputs:
        if out.output_type == "stream" and merged and merged[-1].output_type == "stream" \
                and merged[-1].name == out.name:
            merged[-1].text += out.text
        else:
            merged.append(out)
    return merged


def _words(text):
    """The words of a printed text without its figures: what stays when only the numbers change."""
    return [w for token in text.split() if not any(c.isdigit() for c in token)
            for w in re.findall(r"[^\W\d_]+", token)]


def outline(nb):
    """Each code cell's source and, per output, its kind and its words (figures dropped, a plot's size kept).

    Two runs of a notebook on different machines give the same outline: the numbers they print may
    differ (timings, the last digits of a training loss), the kinds, the words and the plots may not.
    """
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.outputs:
            if out.output_type == "stream":
                outs.append(("stream", out.name, _words(out.text)))
            elif out.output_type in ("display_data", "execute_result"):
                plain = out.data.get("text/plain", "")
                outs.append((out.output_type, sorted(out.data),
                             plain if plain.startswith("<Figure size") else _words(plain)))
            else:
                outs.append((out.output_type, out.get("ename"), out.get("evalue")))
        cells.append((cell.id, cell.source, outs))
    return cells


def build(names=None):
    """Write the notebooks whose names start with one of ``names`` (all by default), executed."""
    chosen = [n for n in NOTEBOOKS if not names or n.startswith(tuple(names))]
    for name in chosen:
        missing = [m for m in NEEDS.get(name, ()) if importlib.util.find_spec(m) is None]
        if missing:
            sys.exit(f"{name} needs {', '.join(missing)} to give its outputs: pip install \".[test,lm]\" first")
        nbformat.write(execute(source(name)), HERE / f"{name}.ipynb")
        print("wrote", name, flush=True)
    return chosen


if __name__ == "__main__":
    build(sys.argv[1:])
