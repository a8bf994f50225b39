"""Fitted estimators pickled by a given release, with what they predicted, for tests/test_compat.py.

Run with the release's ncd first on the path (e.g. in a git worktree of that commit):

    git worktree add /tmp/old ceff704 && cd /tmp/old && PYTHONPATH=. python /path/to/tools/make_old_pickles.py OUT.pkl.gz

The texts are made here (seeded), so the test needs no data set.
"""

import gzip
import pickle
import random
import subprocess
import sys

import ncd
from ncd import CompressionClassifier, NCDClassifier, NCDTransformer


def texts(seed, n):
    rng = random.Random(seed)
    topics = {"pets": "cat dog sat mat fur paw vet leash".split(), "markets": "stocks fell rose bank rates bond yield".split(),
              "sport": "goal match team score league cup coach".split()}
    common = "the a on in of and to was".split()
    X, y = [], []
    for i in range(n):
        label = sorted(topics)[i % 3]
        words = [rng.choice(topics[label] if rng.random() < 0.6 else common) for _ in range(rng.randrange(3, 25))]
        X.append(" ".join(words))
        y.append(label)
    return X, y


def main(out):
    X, y = texts(1, 60)
    Q, _ = texts(2, 30)
    models = {
        "knn_gzip": NCDClassifier(3, compressor="gzip").fit(X, y),
        "knn_lz77": NCDClassifier(1, compressor="lz77").fit(X, y),
        "knn_lz77_word_sym": NCDClassifier(3, compressor={"id": "lz77", "starts": "word"}, metric="ncd_sym").fit(X, y),
        "knn_cm": NCDClassifier(1, compressor="cm").fit(X, y),
        "knn_zstd": NCDClassifier(1, compressor="zstd").fit(X, y),
        "transformer_lz77": NCDTransformer(compressor="lz77").fit(X),
        "class_zstd": CompressionClassifier("zstd").fit(X, y),
        "class_cm": CompressionClassifier("cm").fit(X, y),
    }
    expected = {}
    for name, model in models.items():
        if name.startswith("transformer"):
            expected[name] = model.transform(Q)
        else:
            # predict once before pickling, so any state made on first use is in the pickle too
            expected[name] = model.predict(Q)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    blob = {"commit": commit, "ncd": ncd.__version__, "queries": Q,
            "models": pickle.dumps(models), "expected": expected}
    with gzip.open(out, "wb") as f:
        pickle.dump(blob, f)
    print(f"{len(models)} fitted models of ncd at {commit} written to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
