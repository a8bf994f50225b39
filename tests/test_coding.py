"""Arithmetic coding with ncd's context model: exact round trips, lengths within 16 bits of the ideal."""

import numpy as np
import pytest

from ncd.coding import ContextModel, decode, encode, ideal_code_length
from ncd.datasets import load_dataset


@pytest.fixture(scope="module")
def udhr_model():
    ds = load_dataset()
    return ds, ContextModel(order=3).fit(ds.X_train)


def test_round_trip_in_every_language_of_the_embedded_set(udhr_model):
    ds, model = udhr_model
    seen = {}
    for text, lang in zip(ds.X_test, ds.y_test):
        seen.setdefault(lang, text)
    assert len(seen) == 24  # Latin, Cyrillic, Greek and Arabic scripts
    for lang, text in seen.items():
        data = text.encode()
        code = encode(data, model)
        assert decode(code, len(data), model) == data, lang
        ideal = ideal_code_length(data, model)
        assert ideal == pytest.approx(model.code_length(data), rel=1e-9)  # one model, two routes
        assert ideal - 1e-6 <= 8 * len(code) <= ideal + 16, (lang, 8 * len(code), ideal)


@pytest.mark.parametrize("name", ["ag_news", "sms_spam", "r8"])
def test_round_trip_on_real_data_sets(load_split, name):
    train, _ = load_split(name, "train", limit=300)
    test, _ = load_split(name, "test", limit=3)
    model = ContextModel(order=2).fit(train)
    for text in test:
        data = text.encode()
        code = encode(data, model)
        assert decode(code, len(data), model) == data
        assert 8 * len(code) <= ideal_code_length(data, model) + 16


def test_unseen_bytes_and_empty_input_round_trip():
    model = ContextModel(order=1).fit(["aaaa"])
    for data in [b"", b"\x00\xff\x80zzz", bytes(range(256))]:
        assert decode(encode(data, model), len(data), model) == data
    assert encode(b"", model) == b"\x40"  # two termination bits, padded to a byte


def test_distribution_is_normalised_and_learns():
    model = ContextModel(order=2).fit(["abcabcabcabc"])
    p = model.distribution(b"ab")
    assert p.shape == (256,) and p.sum() == pytest.approx(1.0) and p.argmax() == ord("c")
    assert model.code_length(b"abcabc") < ContextModel(order=2).fit(["xyz"]).code_length(b"abcabc")


def test_any_model_with_a_distribution_can_drive_the_coder():
    class Skewed:
        def distribution(self, prefix):
            p = np.full(256, 0.5 / 255)
            p[ord("a")] = 0.5
            return p

    data = b"aaaaaaaabaaa"
    code = encode(data, Skewed())
    assert decode(code, len(data), Skewed()) == data
    assert ideal_code_length(data, Skewed()) == pytest.approx(11 + np.log2(510))


def test_bad_models_and_inputs_are_refused():
    with pytest.raises(ValueError, match="has seen no text: call fit"):
        ContextModel().distribution(b"")

    class Broken:
        def distribution(self, prefix):
            return np.ones(10)

    with pytest.raises(ValueError, match="must return 256 non-negative probabilities summing to 1"):
        encode(b"a", Broken())
    with pytest.raises(TypeError, match="data must be str or bytes, got int"):
        encode(5, ContextModel().fit(["a"]))


def test_the_stream_is_bounded_by_the_quantised_length_even_where_the_model_is_sure_it_is_wrong():
    """A model of English meeting Russian gives some bytes p < 2^-24; the coder floors every
    probability at 2^-24, so it writes less than the model's own sum but never more than the
    sum under the probabilities it codes with, plus 2 bits, plus the last byte's padding."""
    model = ContextModel(order=3).fit(["the cat sat on the mat and the dog sat on the log"] * 50)
    for text in ["the cat sat on the log", "Все люди рождаются свободными и равными"]:
        code = encode(text, model)
        exact, floored = ideal_code_length(text, model), ideal_code_length(text, model, quantised=True)
        assert decode(code, len(text.encode()), model) == text.encode()
        assert floored - 2 <= 8 * len(code) <= floored + 2 + 7
        assert floored <= exact + 0.01 * len(text.encode())


    class SureItIsNotZ:
        def distribution(self, prefix):
            p = np.full(256, (1 - 1e-12) / 255)
            p[ord("z")] = 1e-12  # 40 bits each to the model, 24 to the coder
            return p

    code = encode(b"zzz", SureItIsNotZ())
    assert decode(code, 3, SureItIsNotZ()) == b"zzz"
    assert 8 * len(code) < ideal_code_length(b"zzz", SureItIsNotZ()) - 32
    assert 8 * len(code) <= ideal_code_length(b"zzz", SureItIsNotZ(), quantised=True) + 2 + 7
