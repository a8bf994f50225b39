"""The plain paths (no numba kernels, no shared libz, no native deflate model) give the same numbers as the compiled ones.

Each runs in a fresh interpreter, because both switches are read at import.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest


SCRIPT = """
import json, random
from ncd import pairwise_distances, pairwise_kneighbors
rng = random.Random(0)
words = "the cat dog sat ran market fell rose on a in park mat stocks bank rates".split()
X = [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 30))) for _ in range(25)]
Y = [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 30))) for _ in range(40)]
out = {}
for comp in ("gzip", "zlib", "deflate", "zstd", "lz77", "cm"):
    out[comp] = {
        "ncd": pairwise_distances(X, Y, compressor=comp, n_jobs=2).tolist(),
        "sym": pairwise_distances(X, Y, compressor=comp, metric="ncd_sym").tolist(),
        "knn": [a.tolist() for a in pairwise_kneighbors(X, Y, n_neighbors=3, compressor=comp, n_jobs=2)],
    }
print(json.dumps(out))
"""


def _run(env_extra):
    env = {**os.environ, **env_extra}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def compiled():
    return _run({})


@pytest.mark.parametrize("switch", ["NCD_NO_NUMBA", "NCD_NO_LIBZ", "NCD_NO_NATIVE_DEFLATE"])
def test_plain_paths_agree_with_the_compiled_ones(compiled, switch):
    plain = _run({switch: "1"})
    for comp, results in compiled.items():
        for key in ("ncd", "sym"):
            np.testing.assert_array_equal(plain[comp][key], results[key], err_msg=f"{switch} {comp} {key}")
        np.testing.assert_array_equal(plain[comp]["knn"][1], results["knn"][1], err_msg=f"{switch} {comp} knn")
        np.testing.assert_array_equal(plain[comp]["knn"][0], results["knn"][0], err_msg=f"{switch} {comp} knn")
