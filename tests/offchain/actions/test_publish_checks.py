"""Publishing refuses a library before any transaction when a document is not fit to publish."""

import json
import shutil

import pytest

from offchain.actions.deploy import seed_documents
from offchain.errors import DocumentError, FormulaSyntaxError
from offchain.paths import SEEDS


@pytest.fixture
def seeds(tmp_path):
    for folder in ("calc", "factors", "formulas"):
        (tmp_path / folder).mkdir()
    shutil.copy(SEEDS / "calc" / "GB_calculate_20231001_0000.js", tmp_path / "calc")
    shutil.copy(SEEDS / "factors" / "GB_01_factor_20231001_0000.json", tmp_path / "factors")
    return tmp_path


def formula_library(seeds, formula: str):
    document = json.loads((SEEDS / "formulas" / "GB_01_formula_20231001_0000.json").read_text())
    document["formulas"]["E_process_1"]["formula"] = formula
    path = seeds / "formulas" / "GB_01_formula_20231001_0000.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")


def test_a_library_with_an_unbalanced_bracket_is_refused_with_id_and_position(seeds):
    formula_library(seeds, "[6500*EFcf4+9200*EFc2f6)]*P/1000")
    with pytest.raises(FormulaSyntaxError, match=r"01-03.*position \d+"):
        list(seed_documents(seeds))


def test_a_library_with_a_doubled_equals_is_refused(seeds):
    formula_library(seeds, "D*EF=D*DX*0.478")
    with pytest.raises(FormulaSyntaxError, match="01-03"):
        list(seed_documents(seeds))


def test_a_library_whose_file_name_and_index_name_differ_is_refused(seeds):
    source = seeds / "factors" / "GB_01_factor_20231001_0000.json"
    source.rename(seeds / "factors" / "GB_01_factor_20231002_0000.json")
    with pytest.raises(DocumentError, match="must equal the file name"):
        list(seed_documents(seeds))
