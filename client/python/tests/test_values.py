"""Pure functions of the client: flattening, value kinds, patch merging."""

import math

import pytest

from sextant import _values
from sextant._sender import merge_patches


def test_flatten_nested():
    assert _values.flatten({"a": {"b": {"c": 1}, "d": 2}, "e": 3}) == \
        {"a/b/c": 1, "a/d": 2, "e": 3}


def test_split_kinds():
    np = pytest.importorskip("numpy")
    metrics, others = _values.split({
        "f": 0.5, "i": 3, "b": True, "n": None, "s": "text", "l": [1, 2],
        "np": np.float32(2.5), "arr": np.array([1.0, 2.0]),
    })
    assert metrics == {"f": 0.5, "i": 3.0, "b": 1.0, "np": 2.5}
    assert others == {"s": "text", "l": [1, 2], "arr": [1.0, 2.0]}


def test_encode_number():
    assert _values.encode_number(math.nan) == "NaN"
    assert _values.encode_number(-math.inf) == "-Infinity"
    assert _values.encode_number(0.1) == 0.1


def test_merge_patches():
    merged = merge_patches([
        {"config": {"a": 1, "b": {"x": 1}}},
        {"state": "running", "config": {"b": {"y": 2}}},
        {"state": "finished"},
    ])
    assert merged == {"config": {"a": 1, "b": {"y": 2}}, "state": "finished"}
