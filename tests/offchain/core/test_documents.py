"""Schema validation: the compiled validator that accepts documents agrees with the reference one.

`offchain.documents.validate` lets jsonschema-rs accept a document and asks the Python
jsonschema validator only about documents the fast one rejects. These tests hold the two to the
same answer, so a document the reference validator rejects can never slip through.
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offchain.core import documents
from offchain.errors import DocumentError
from offchain.paths import SEEDS

SAMPLES = sorted((SEEDS / "activity").glob("*.json"))
LIBRARIES = [
    *(("factor-library", p) for p in sorted((SEEDS / "factors").glob("*.json"))),
    *(("formula-library", p) for p in sorted((SEEDS / "formulas").glob("*.json"))),
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "t", "2023", "0x" + "ab" * 32, "GB_01_factor_20231001_0000"]),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _agree(document: Any, kind: documents.Kind) -> None:
    fast = documents._fast_validator(kind).is_valid(document)
    reference = documents._first_error(documents._validator(kind), document) is None
    assert fast == reference, json.dumps(document, ensure_ascii=False, default=str)[:500]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += _paths(child, (*prefix, i))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(document)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return changed


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_activity_document_is_valid_to_both_validators(sample: Path) -> None:
    document = json.loads(sample.read_text("utf-8"))
    _agree(document, "activity")
    documents.validate(document, "activity", sample.name)


@pytest.mark.parametrize(("kind", "path"), LIBRARIES, ids=lambda x: getattr(x, "stem", x))
def test_every_seed_library_is_valid_to_both_validators(kind: Any, path: Path) -> None:
    _agree(json.loads(path.read_text("utf-8")), kind)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), value=values)
def test_validators_agree_on_any_one_value_replaced_in_a_sample(data: Any, value: Any) -> None:
    sample = json.loads(data.draw(st.sampled_from(SAMPLES)).read_text("utf-8"))
    path = data.draw(st.sampled_from(_paths(sample)))
    _agree(_replace(sample, path, value), "activity")


@settings(max_examples=100, deadline=None)
@given(data=st.data(), key=st.text(max_size=6), value=values)
def test_validators_agree_on_any_key_added_to_a_sample(data: Any, key: str, value: Any) -> None:
    sample = json.loads(data.draw(st.sampled_from(SAMPLES)).read_text("utf-8"))
    objects = [p for p in _paths(sample) if isinstance(_at(sample, p), dict)]
    path = data.draw(st.sampled_from(objects))
    changed = copy.deepcopy(sample)
    _at(changed, path)[key] = value
    _agree(changed, "activity")


def test_a_rejected_document_is_named_by_the_reference_validator() -> None:
    sample = json.loads(SAMPLES[0].read_text("utf-8"))
    sample["records"][0]["unit"] = 5
    with pytest.raises(DocumentError, match=r"activity schema violation at records/0/unit"):
        documents.validate(sample, "activity", "sample")


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            b'{"a": 1,\n "b": NaN}',
            "NaN is not a JSON number (JSON has no NaN or Infinity) at line 2 column 7",
        ),
        (
            b'{"x": -Infinity}',
            "-Infinity is not a JSON number (JSON has no NaN or Infinity) at line 1 column 7",
        ),
        (b'{"a": 1,\n  "a": 2}', "duplicate key 'a' at line 2 column 3"),
    ],
)
def test_json_that_python_would_accept_is_refused_where_it_stands(text, message):
    with pytest.raises(DocumentError) as caught:
        documents.parse_json(text, "f.json")
    assert str(caught.value) == f"f.json: {message}"
