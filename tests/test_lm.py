"""Language-model code lengths: the cache, the window rule, coding, the estimators, the byte LM.

Every model here is built from a config (no download): a tiny GPT-2 over bytes and a tiny
Llama over a byte-level BPE vocabulary trained in the test.
"""

import pickle
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the lm extra (pip install 'ncd[lm]') is not installed")
transformers = pytest.importorskip("transformers", reason="the lm extra (pip install 'ncd[lm]') is not installed")

from sklearn.base import clone  # noqa: E402

from ncd import NCDClassifier, pairwise_distances  # noqa: E402
from ncd.coding import decode, encode, ideal_code_length  # noqa: E402
from ncd.compressors import LMCompressor, get_compressor  # noqa: E402
from ncd.lm import train_byte_lm  # noqa: E402

TEXTS = [
    b"All human beings are born free and equal in dignity and rights.",
    b"Stocks fell sharply on Tuesday as investors weighed new inflation figures.",
    "Tous les \xeatres humains naissent libres et \xe9gaux en dignit\xe9 et en droits.".encode(),
    "Alle Menschen sind frei und gleich an W\xfcrde und Rechten geboren.".encode(),
    b"",
    b"x",
]


def byte_gpt2(n_positions=128, seed=0):
    torch.manual_seed(seed)
    config = transformers.GPT2Config(vocab_size=257, n_positions=n_positions, n_embd=32, n_layer=2, n_head=2,
                                     bos_token_id=256, eos_token_id=256)
    return transformers.GPT2LMHeadModel(config)


@pytest.fixture(scope="module")
def bpe():
    """A byte-level BPE tokenizer trained here, as a transformers tokenizer, and a tiny Llama over it."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tk.train_from_iterator([t.decode() for t in TEXTS] * 3, trainer)
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<|endoftext|>",
                                                     eos_token="<|endoftext|>")
    torch.manual_seed(1)
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                      max_position_embeddings=256)
    return tokenizer, transformers.LlamaForCausalLM(config)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12)))


# -- the code length -------------------------------------------------------------------


def test_code_length_basics():
    lm = LMCompressor(byte_gpt2(), tokenizer="bytes")
    assert lm.code_length(b"") == 0.0 == lm.overhead
    lengths = lm.code_lengths(TEXTS)
    assert np.all(lengths[:-2] > 0) and lengths[-1] > 0
    # repeated calls agree to float rounding: a CPU math library may sum in another order from call
    # to call (CI saw 6e-9 relative in float32), so this is not an exact equality
    assert rel(lengths, lm.code_lengths(TEXTS)) < 1e-6
    # batching moves float32 lengths by rounding only
    assert rel(lengths, [lm.code_length(t) for t in TEXTS]) < 1e-5
    # an untrained model over 257 symbols: close to 8 bits a byte
    assert 7.0 < lengths[0] / len(TEXTS[0]) < 9.0
    assert "parameters>" in repr(lm) and "GPT2LMHeadModel" in repr(lm)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cached_joint_equals_the_uncached_computation(dtype):
    """C(x + sep + y) with x's key/value cache reused, against the whole sequence scored afresh."""
    lm = LMCompressor(byte_gpt2(), tokenizer="bytes", dtype=dtype, batch_size=3)
    x = TEXTS[0]
    joint = lm.joint_code_lengths(x, TEXTS, separator=b" ")
    fresh = np.array([lm.code_length(x + b" " + y) for y in TEXTS])
    assert rel(joint, fresh) < 1e-6
    rev = lm.joint_code_lengths(x, TEXTS, separator=b" ", reverse=True)
    assert rel(rev, [lm.code_length(y + b" " + x) for y in TEXTS]) < 1e-6


def test_cached_joint_with_a_subword_tokenizer(bpe):
    tokenizer, net = bpe
    lm = LMCompressor(net, tokenizer=tokenizer, dtype="float64", batch_size=2)
    x, ys = TEXTS[1], TEXTS
    joint = lm.joint_code_lengths(x, ys, separator=b" ")
    bos = tokenizer.bos_token_id
    fresh = lm._sequence_bits([[bos] + lm.tokenize(x) + lm.tokenize(b" " + y) for y in ys])
    assert rel(joint, fresh) < 1e-6
    # the joint is C(x) plus what y costs after x
    assert np.all(joint >= lm.code_length(x) - 1e-9)
    assert len(lm.tokenize(TEXTS[0])) < len(TEXTS[0])  # subwords, not bytes
    assert lm.detokenize(lm.tokenize(TEXTS[2])) == TEXTS[2]


def test_long_texts_use_the_sliding_window():
    """Windows of max_length tokens every stride tokens: the batched windows agree with the
    coder's token-by-token stream, which follows the same rule by another road."""
    lm = LMCompressor(byte_gpt2(n_positions=64), tokenizer="bytes", dtype="float64", max_length=16, stride=6)
    text = TEXTS[0] + TEXTS[1]  # 137 bytes, many windows
    assert rel(lm.code_length(text), ideal_code_length(text, lm)) < 1e-9
    # a pair longer than one window is scored whole, without the cache
    joint = lm.joint_code_lengths(TEXTS[0], [TEXTS[1], b"ab"])
    assert rel(joint, [lm.code_length(TEXTS[0] + b" " + TEXTS[1]), lm.code_length(TEXTS[0] + b" ab")]) < 1e-9
    assert lm.window == 15
    # a window as long as the model's context is allowed, a longer one is refused
    with pytest.raises(ValueError, match="longer than the model's context"):
        LMCompressor(byte_gpt2(n_positions=64), tokenizer="bytes", max_length=65).code_length(b"a")


def test_model_folder_and_config_round_trip(tmp_path):
    net = byte_gpt2()
    net.save_pretrained(tmp_path / "byte-lm")
    from_object = LMCompressor(net, tokenizer="bytes")
    from_folder = get_compressor({"id": "lm", "model": str(tmp_path / "byte-lm"), "tokenizer": "bytes"})
    assert isinstance(from_folder, LMCompressor)
    assert rel(from_folder.code_lengths(TEXTS[:4]), from_object.code_lengths(TEXTS[:4])) < 1e-6
    assert get_compressor(from_folder.get_config()) == from_folder
    copy = pickle.loads(pickle.dumps(from_object))
    assert rel(copy.code_lengths(TEXTS), from_object.code_lengths(TEXTS)) < 1e-6


# -- in the estimators --------------------------------------------------------------------


def test_classifier_and_symmetric_distances():
    lm = LMCompressor(byte_gpt2(n_positions=256), tokenizer="bytes", dtype="float64")
    X = [t.decode() for t in TEXTS[:4]] * 2
    y = [0, 1, 2, 3] * 2
    clf = NCDClassifier(compressor=lm).fit(X, y)
    # the nearest neighbour by the distances computed pair by pair below (an untrained model
    # does not find a text's own copy: it cannot predict by copying)
    d_all = pairwise_distances(X, X, compressor=lm)
    assert clf.predict(X).tolist() == [y[i] for i in d_all.argmin(axis=1)]
    again = pickle.loads(pickle.dumps(clf))
    assert again.predict(X).tolist() == clf.predict(X).tolist()
    assert clone(clf).fit(X, y).predict(X).tolist() == clf.predict(X).tolist()

    d = pairwise_distances(X[:3], X[:4], compressor=lm, metric="ncd_sym")
    cx, cy = lm.code_lengths(TEXTS[:3]), lm.code_lengths(TEXTS[:4])
    cxy = np.array([[lm.code_length(a + b" " + b) for b in TEXTS[:4]] for a in TEXTS[:3]])
    cyx = np.array([[lm.code_length(b + b" " + a) for b in TEXTS[:4]] for a in TEXTS[:3]])
    both = np.minimum(cxy, cyx)
    expected = (both - np.minimum.outer(cx, cy)) / np.maximum.outer(cx, cy)
    assert np.allclose(d, expected, rtol=1e-6, atol=1e-9)


# -- arithmetic coding ----------------------------------------------------------------------


def _texts_from(load_split):
    texts = [load_split(name, "test", limit=2)[0][1] for name in ("ag_news", "sms_spam", "r8")]
    udhr, labels = load_split("udhr_langid", "test")
    for lang in sorted(set(labels))[:4]:
        texts.append(udhr[labels.index(lang)][:200])
    return [t.encode() for t in texts]


@pytest.mark.parametrize("tokenizer", ["bytes", "bpe"])
def test_arithmetic_coding_round_trip(tokenizer, bpe):
    if tokenizer == "bytes":
        lm = LMCompressor(byte_gpt2(n_positions=64), tokenizer="bytes", max_length=48)  # windows slide, too
    else:
        lm = LMCompressor(bpe[1], tokenizer=bpe[0])
    for text in TEXTS[:4]:
        code = encode(text, lm)
        n = len(lm.tokenize(text))
        assert decode(code, n, lm) == text
        ideal = ideal_code_length(text, lm)
        assert ideal - 1e-6 <= 8 * len(code) <= ideal + 16
        assert rel(ideal, lm.code_length(text)) < 1e-4  # the coder's stream and the batched windows


def test_arithmetic_coding_round_trip_on_real_texts(load_split):
    lm = train_byte_lm([t.decode() for t in TEXTS] * 5, n_layer=1, n_embd=32, n_head=2, context=64, batch_size=8,
                       max_steps=40)
    for text in _texts_from(load_split):
        code = encode(text, lm)
        assert decode(code, len(text), lm) == text
        assert 8 * len(code) - ideal_code_length(text, lm) <= 16


# -- the byte LM trained here ----------------------------------------------------------------


@pytest.mark.parametrize("architecture", ["gru", "transformer"])
def test_train_byte_lm_learns_and_repeats(architecture, tmp_path):
    texts = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 10
    kwargs = dict(architecture=architecture, n_embd=32, n_head=2, context=32, batch_size=8, max_steps=80, seed=3,
                  learning_rate=3e-3)
    lm = train_byte_lm(texts, **kwargs)
    untrained = LMCompressor(byte_gpt2(), tokenizer="bytes")
    probe = b"the cat sat on the log"
    assert lm.code_length(probe) < 0.6 * untrained.code_length(probe)
    assert lm.code_length(probe) < 8 * len(probe) / 2
    # same seed, same model (to float rounding: see test_code_length_basics)
    assert rel(train_byte_lm(texts, **kwargs).code_length(probe), lm.code_length(probe)) < 1e-4
    assert lm.tokenizer == "bytes"
    assert lm.max_length == (None if architecture == "gru" else 32)
    # the state after x (a GRU's hidden state, a transformer's cache) reused for every y
    lm64 = LMCompressor(lm.model, tokenizer="bytes", dtype="float64", max_length=lm.max_length)
    joint = lm64.joint_code_lengths(b"the cat", [b"", b"sat", b"sat on the mat"], separator=b" ")
    assert rel(joint, [lm64.code_length(b"the cat " + y) for y in (b"", b"sat", b"sat on the mat")]) < 1e-6
    # saved and loaded like any transformers model
    lm.model.save_pretrained(tmp_path / "m")
    again = LMCompressor(str(tmp_path / "m"), tokenizer="bytes", max_length=lm.max_length)
    assert rel(again.code_length(probe), lm.code_length(probe)) < 1e-6


# -- errors ----------------------------------------------------------------------------------


def test_bad_settings_say_what_to_do():
    with pytest.raises(ValueError, match="needs a model: a hub name"):
        get_compressor("lm").code_length(b"a")
    with pytest.raises(ValueError, match="without a tokenizer"):
        LMCompressor(byte_gpt2()).code_length(b"a")
    with pytest.raises(ValueError, match="'dtype' parameter of LMCompressor must be one of"):
        LMCompressor(byte_gpt2(), tokenizer="bytes", dtype="float8").code_length(b"a")
    with pytest.raises(ValueError, match="'stride' parameter of LMCompressor must be smaller than max_length"):
        LMCompressor(byte_gpt2(), tokenizer="bytes", max_length=16, stride=16).code_length(b"a")
    with pytest.raises(ValueError, match="'batch_size' parameter of LMCompressor"):
        LMCompressor(byte_gpt2(), tokenizer="bytes", batch_size=0).code_length(b"a")
    with pytest.raises(ValueError, match="'device' parameter"):
        LMCompressor(byte_gpt2(), tokenizer="bytes", device="gpu-please").code_length(b"a")
    with pytest.raises(TypeError, match="must be a hub name, a folder or a transformers model"):
        LMCompressor(42, tokenizer="bytes").code_length(b"a")
    with pytest.raises(ValueError, match="n_embd \\(30\\) must be a multiple of n_head \\(4\\)"):
        train_byte_lm(["a"], architecture="transformer", n_embd=30, n_head=4)
    with pytest.raises(ValueError, match="'architecture' parameter of train_byte_lm must be one of 'gru'"):
        train_byte_lm(["a"], architecture="lstm")
    with pytest.raises(ValueError, match="texts is empty"):
        train_byte_lm([])


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now raises ImportError
    with pytest.raises(ImportError, match=r'pip install "ncd\[lm\]"'):
        LMCompressor("gpt2").code_length(b"a")


# -- the network as one input of the context-mixing model, beside its match model ------------------
# Two calls of the network may differ by float rounding (see test_code_length_basics), and the mixer
# takes its probabilities rounded to 12 bits, where such a difference can tip one over: lengths from
# separate calls are compared to 1e-3 relative (a tipped probability moves a length by far less).
CALLS = 1e-3


def test_byte_distributions_are_the_next_byte_predictions(bpe):
    """Row i is p(byte i | bytes before), from the windows of the code length (here 16 tokens)."""
    text = b"the cat sat on the mat, and the dog sat on the log"
    for max_length in (None, 16):
        lm = LMCompressor(byte_gpt2(), tokenizer="bytes", max_length=max_length, batch_size=2)
        dist, empty = lm.byte_distributions([text, b""])
        assert dist.shape == (len(text), 256) and empty.shape == (0, 256)
        np.testing.assert_allclose(dist.sum(axis=1), 1.0, rtol=1e-9)
        for i in (0, 1, 9, 15, 16, 30, len(text) - 1):
            full = lm.distribution(list(text[:i]))  # over 257 tokens, BOS included
            np.testing.assert_allclose(dist[i], full[:256] / full[:256].sum(), rtol=1e-4, atol=1e-9)
    tokenizer, net = bpe
    with pytest.raises(ValueError, match="byte-level model"):  # subword tokens are not bytes
        LMCompressor(net, tokenizer=tokenizer).byte_distributions([b"a"])


def test_network_mixed_with_a_match_model_can_copy():
    """A small network alone pays for the second copy of x in full; mixed with the match model
    of MixCompressor, the second copy is nearly free, and the network still helps on new text."""
    from ncd.compressors import MixCompressor

    texts = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog sat"] * 10
    lm = train_byte_lm(texts, architecture="gru", n_embd=32, context=32, batch_size=8, max_steps=80, seed=3)
    x = b"the dog and the cat sat on a log by the mat"
    both = MixCompressor(memory=12, network=lm)
    ratio_net = lm.code_length(x + b" " + x) / lm.code_length(x)
    ratio_both = both.code_length(x + b" " + x) / both.code_length(x)
    assert ratio_net > 1.8 and ratio_both < 1.5, (ratio_net, ratio_both)
    assert both.code_length(x) < MixCompressor(memory=12).code_length(x)  # what the network learned helps
    np.testing.assert_allclose(both.joint_code_lengths(x, [x, b"dog"]),
                               both.code_lengths([x + b" " + x, x + b" dog"]), rtol=CALLS)
    np.testing.assert_allclose(both.joint_code_lengths(x, [b"dog"], reverse=True), both.code_lengths([b"dog " + x]),
                               rtol=CALLS)
    # pairwise distances go pair by pair through joint_code_lengths
    d = pairwise_distances([x, b"dog"], [x], compressor=both)
    assert d.shape == (2, 1) and d[0, 0] < d[1, 0]
    with pytest.raises(TypeError, match="byte-level language model"):
        MixCompressor(network="gzip").code_length(b"abc")


def test_mix_compressor_with_a_network_from_a_folder_round_trips_its_config(tmp_path):
    from ncd.compressors import MixCompressor

    byte_gpt2().save_pretrained(tmp_path / "byte-lm")
    lm = LMCompressor(str(tmp_path / "byte-lm"), tokenizer="bytes")
    mix = MixCompressor(memory=12, network=lm)
    config = mix.get_config()
    assert config["network"] == lm.get_config()
    again = get_compressor(config)
    assert rel(again.code_lengths(TEXTS[:3]), mix.code_lengths(TEXTS[:3])) < CALLS


def test_class_models_mix_in_a_network():
    from ncd import CompressionClassifier
    from ncd._native.mix import MixModel

    texts = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog sat"] * 10
    lm = train_byte_lm(texts, architecture="gru", n_embd=32, context=32, batch_size=8, max_steps=40, seed=3)
    X = ["the cat sat on the mat", "a cat ran", "stocks fell sharply", "markets rose today"]
    y = ["pets", "pets", "markets", "markets"]
    Q = ["the cat sat", "stocks rose"]
    clf = CompressionClassifier("mix", memory=12, network=lm).fit(X, y)
    # each class model is a MixModel trained with the network's input, scored with it
    want = []
    for label in clf.classes_:
        own = [x.encode() for x, lab in zip(X, y) if lab == label]
        m = MixModel(12)
        m.add(own, external=lm.byte_distributions(own))
        want.append(m.code_lengths([q.encode() for q in Q], external=lm.byte_distributions([q.encode() for q in Q])))
    np.testing.assert_allclose(clf.code_lengths(Q), np.column_stack(want), rtol=CALLS)
    plain = CompressionClassifier("mix", memory=12).fit(X, y)
    assert not np.allclose(clf.code_lengths(Q), plain.code_lengths(Q))
    assert clf.predict(Q).tolist() == ["pets", "markets"]
    again = pickle.loads(pickle.dumps(clf))
    assert rel(again.code_lengths(Q), clf.code_lengths(Q)) < CALLS


def test_the_cache_goes_in_by_the_keyword_the_model_takes():
    """transformers 5 renamed forward's past_key_values to cache (the old name warns, and will go); ncd's
    own byte models and older transformers take past_key_values."""
    import inspect

    from ncd.compressors._lm import _cache_keyword

    class New:
        def forward(self, input_ids, cache=None, use_cache=None):
            pass

    class Old:
        def forward(self, input_ids, past_key_values=None, use_cache=None):
            pass

    class Unreadable:
        __signature__ = "not a signature"

        def __call__(self, *args, **kwargs):
            pass

    class Opaque:
        forward = Unreadable()  # a callable whose signature cannot be read

    assert _cache_keyword(New()) == "cache" and _cache_keyword(Old()) == "past_key_values"
    with pytest.raises((TypeError, ValueError)):
        inspect.signature(Opaque().forward)
    assert _cache_keyword(Opaque()) == "past_key_values"
    net = transformers.GPT2LMHeadModel(transformers.GPT2Config(n_layer=1, n_head=2, n_embd=8, vocab_size=260))
    expected = "cache" if "cache" in inspect.signature(net.forward).parameters else "past_key_values"
    assert _cache_keyword(net) == expected
