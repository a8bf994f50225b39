"""Choose the mixing model's settings on AG News TRAINING texts only (the test set is never read).

    python benchmarks/mix_tune.py ["lr=8" "apm_weight=10, limit=1023" ...]

Per class, the last 100 of its training texts are held out and the model is trained on the rest;
printed: bits per byte of the held-out texts (adapt=True, each after its own class's model) for the
defaults and for each setting given (keyword arguments of MixModel, comma-separated). The order-3
cm on the same split is printed once for reference. This is how ncd._native.mix.DEFAULTS was chosen.
"""

import sys
import time

import numpy as np

from ncd._kernels import ContextModel
from ncd._native.mix import DEFAULTS, MixModel

from _common import read_split


def split(held_out=100):
    texts, labels = read_split("ag_news", "train")
    out = {}
    for c in sorted(set(labels)):
        own = [t.encode("utf-8") for t, y in zip(texts, labels) if y == c]
        out[c] = (own[:-held_out], own[-held_out:])
    return out


def bits_per_byte(parts, make):
    bits = n = 0
    for train, held in parts.values():
        m = make()
        m.add(train)
        bits += float(np.sum(m.code_lengths(held)))
        n += sum(map(len, held))
    return bits / n


def main():
    parts = split()
    print(f"cm3: {bits_per_byte(parts, lambda: ContextModel(3)):.4f} bits/byte (held out)", flush=True)
    for spec in [""] + sys.argv[1:]:
        settings = eval(f"dict({spec})")  # noqa: S307 - a command-line tool
        start = time.process_time()
        bpb = bits_per_byte(parts, lambda: MixModel(**settings))
        print(f"mix {settings or DEFAULTS}: {bpb:.4f} bits/byte (held out), {time.process_time() - start:.1f} s CPU",
              flush=True)


if __name__ == "__main__":
    main()
