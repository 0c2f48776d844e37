"""Shared helpers: the repository root, the conformance cases, engines."""
import json
import pathlib

import pytest

import yibao

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "tests" / "conformance" / "cases").glob("*.json"))


def load_case(path):
    return json.loads(path.read_text(encoding="utf-8"))


_engines = {}


def engine_for(policy):
    if policy not in _engines:
        if policy.endswith(".json"):
            _engines[policy] = yibao.Engine.from_file(ROOT / policy)
        else:
            _engines[policy] = yibao.Engine.builtin(policy)
    return _engines[policy]


@pytest.fixture
def taiyuan():
    return engine_for("cn-sx-taiyuan-resident-2010")


@pytest.fixture
def admission():
    return json.loads((ROOT / "examples" / "claims" / "taiyuan-admission.json").read_text(encoding="utf-8"))
