"""The how-it-works figure: made from the data, every number the data's, checked as a reader
sees it (tests/figure_checks.py)."""

import numpy as np
import pytest

from shapegen.data.families import FAMILIES, REGULAR_POLYGON, draw_shapes
from shapegen.data.turtle import encode_moves
from shapegen.figures.how_it_works import example_shape, how_it_works_figure, move_table
from shapegen.heads.categorical import quantize

from ..figure_checks import figure_problems


@pytest.fixture(scope="module")
def shapes():
    return draw_shapes(np.random.default_rng(3), 200, np.ones(len(FAMILIES)))


@pytest.mark.parametrize(("bins", "units"), [(121, 128), (None, None)])
def test_the_figure_is_clean(shapes, bins, units):
    assert figure_problems(how_it_works_figure(shapes, bins, units), 100) == []


def test_it_explains_a_pentagon_and_its_table_holds_the_datas_bins(shapes):
    row = example_shape(shapes)
    assert shapes.families[row] == REGULAR_POLYGON and shapes.lengths[row] == 5
    table = move_table(shapes.points[row], 5, 121).splitlines()
    codes = quantize(encode_moves(shapes.points[row][None], np.array([5]))[0, :5], 121)
    assert len(table) == 1 + 5 + 1 and table[-1].split()[0] == "5" and table[-1].endswith("END")
    for line, code in zip(table[1:6], codes, strict=True):
        assert line.split()[-2:] == [str(code[0]), str(code[1])]
    assert "bins" not in move_table(shapes.points[row], 5, None).splitlines()[0]
