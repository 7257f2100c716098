"""JSON outputs: NumPy made plain whole-array, NaN/inf as null, lists of values on one line."""
import json
import math

import numpy as np
import pytest

from gridgov.engine.jsonio import dumps, plain, write_json


def test_arrays_become_python_values_with_non_finite_as_null():
    doc = plain({"f": np.array([1.5, np.nan, -np.inf]), "i": np.arange(3, dtype=np.int32),
                 "b": np.array([True, False]), "s": np.array(["网格", "b"]), "o": np.array([np.float32(2), None], dtype=object),
                 3: (np.int64(7), np.float64("nan"), np.bool_(True))})
    assert doc == {"f": [1.5, None, None], "i": [0, 1, 2], "b": [True, False], "s": ["网格", "b"],
                   "o": [2.0, None], "3": [7, None, True]}
    assert type(doc["i"][0]) is int and type(doc["b"][0]) is bool and type(doc["f"][0]) is float


@pytest.mark.parametrize("indent", [None, 1, 2, 4])
def test_dumps_reads_back_as_the_standard_encoder_writes(indent):
    rng = np.random.default_rng(3)
    doc = plain({"metrics": {"a": {"value": 0.25, "ci": [0.1, 0.4]}}, "per_grid": {"x": rng.random(50)},
                 "problems": [{"id": "G1", "fields": ["code", "名称"]}, []], "empty": {}, "nested": [[1, [2]], []]})
    text = dumps(doc, indent)
    assert json.loads(text) == json.loads(json.dumps(doc))
    assert "NaN" not in text and "Infinity" not in text


def test_lists_of_values_share_a_line_and_containers_are_indented():
    text = dumps({"a": [1, 2, 3], "b": {"c": [{"d": 1}]}}, 2)
    assert text.splitlines() == ['{', '  "a": [1, 2, 3],', '  "b": {', '    "c": [', '      {',
                                 '        "d": 1', '      }', '    ]', '  }', '}']


def test_write_json_keeps_chinese_readable(tmp_path):
    path = write_json(tmp_path / "s.json", {"name": "武侯区", "v": np.float64(math.inf)})
    text = path.read_text(encoding="utf-8")
    assert "武侯区" in text and json.loads(text) == {"name": "武侯区", "v": None}
