"""make repro's last word: the committed bytes, or what moved and why."""

import pytest

from ..conftest import load_tool

LOCK = """
schema: '2.0'
stages:
  train@book:
    cmd: python pipeline/train.py book
    deps:
    - path: src/shapegen/training/loop.py
      md5: aaa
    params:
      params.yaml:
        variants.book.model: {units: 10}
    outs:
    - path: data/models/book
      md5: 111.dir
  evaluate@book:
    cmd: python pipeline/evaluate.py book
    deps:
    - path: data/models/book
      md5: 111.dir
    outs:
    - path: data/metrics/book.json
      md5: "222"
"""


@pytest.fixture(scope="module")
def compare_outputs():
    return load_tool("compare_outputs")


def test_each_output_and_its_hash(compare_outputs):
    assert compare_outputs.output_hashes(compare_outputs.stages(LOCK)) == {
        "data/models/book": "111.dir",
        "data/metrics/book.json": "222",
    }


def test_outputs_alone_moving_is_not_a_change_of_inputs(compare_outputs):
    # The same code and params on another machine: only the outputs' hashes differ (and
    # the deps that are another stage's outputs).
    moved = LOCK.replace("111.dir", "333.dir").replace('md5: "222"', 'md5: "444"')
    old, new = compare_outputs.stages(LOCK), compare_outputs.stages(moved)
    assert compare_outputs.changed_inputs(old, new) == []


@pytest.mark.parametrize(
    "edit", [("md5: aaa", "md5: bbb"), ("units: 10", "units: 12")], ids=["code", "params"]
)
def test_a_stage_whose_code_or_params_changed_is_named(compare_outputs, edit):
    old, new = compare_outputs.stages(LOCK), compare_outputs.stages(LOCK.replace(*edit))
    assert compare_outputs.changed_inputs(old, new) == ["train@book"]
