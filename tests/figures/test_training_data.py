"""The dataset_gallery stage's figures (shapegen.figures.training_data), at the committed
gallery params, checked as a reader sees them (tests/figure_checks.py)."""

import numpy as np

from shapegen.config.validation import load_params
from shapegen.data.families import FAMILIES, draw_shapes
from shapegen.data.rectangles import random_rectangles
from shapegen.figures.training_data import training_rectangles_figure, training_shapes_figure

from ..conftest import ROOT
from ..figure_checks import figure_problems

GALLERY = load_params(ROOT / "params.yaml").gallery


def test_the_dataset_figures_are_clean():
    train_rectangles = random_rectangles(np.random.default_rng(0), 2000)
    shapes = draw_shapes(np.random.default_rng(1), 300, np.ones(len(FAMILIES)))
    for figure in (
        training_rectangles_figure(train_rectangles, GALLERY),
        training_shapes_figure(shapes, GALLERY),
    ):
        assert figure_problems(figure, GALLERY.dpi) == []
