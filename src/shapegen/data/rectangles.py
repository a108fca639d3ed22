"""Rectangles as point sequences, their framing into training samples, and fitting.

A rectangle is an array of shape (4, 2): the corners BL, BR, TR, TL from the origin, in
the chapter's order (counter-clockwise). Batches have shape (n, 4, 2).
"""

import numpy as np

CORNER_NAMES = ("BL", "BR", "TR", "TL")
# The three one-to-one samples of a rectangle, named input -> target.
STEP_NAMES = ("bl_to_br", "br_to_tr", "tr_to_tl")
N_CORNERS = len(CORNER_NAMES)
N_STEPS = len(STEP_NAMES)
POINT_DTYPE = np.float32


def rectangles_from_sizes(widths: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Corner sequences (n, 4, 2) of rectangles with BL at the origin."""
    widths = np.asarray(widths, dtype=POINT_DTYPE)
    heights = np.asarray(heights, dtype=POINT_DTYPE)
    points = np.zeros((widths.shape[0], N_CORNERS, 2), dtype=POINT_DTYPE)
    points[:, 1, 0] = widths
    points[:, 2, 0] = widths
    points[:, 2, 1] = heights
    points[:, 3, 1] = heights
    return points


def is_rectangle(points: np.ndarray) -> np.ndarray:
    """Per shape: exactly the corners of a rectangle with BL at the origin, sizes in [0, 1)."""
    widths, heights = points[:, 1, 0], points[:, 3, 1]
    return (
        np.all(points[:, 0] == 0, axis=1)
        & (points[:, 1, 1] == 0)
        & (points[:, 2, 0] == widths)
        & (points[:, 2, 1] == heights)
        & (points[:, 3, 0] == 0)
        & (widths >= 0)
        & (widths < 1)
        & (heights >= 0)
        & (heights < 1)
    )


def random_rectangles(rng: np.random.Generator, n: int) -> np.ndarray:
    """n rectangles with width and height drawn from U(0, 1), as (n, 4, 2) float32.

    Sizes are drawn row by row, so the first k rectangles do not depend on n.
    """
    sizes = rng.random((n, 2), dtype=POINT_DTYPE)
    return rectangles_from_sizes(sizes[:, 0], sizes[:, 1])


def frame_samples(rectangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The chapter's one-to-one framing of each rectangle into 3 (input, target) pairs.

    Returns inputs of shape (n, 3, 1, 2) (one time step, two features) and targets of
    shape (n, 3, 2): [BL]->[BR], [BR]->[TR], [TR]->[TL]. Rectangle i's samples are
    inputs[i], targets[i]: one training batch in the chapter.
    """
    inputs = rectangles[:, :-1, np.newaxis, :]
    targets = rectangles[:, 1:, :]
    return np.ascontiguousarray(inputs), np.ascontiguousarray(targets)


def frame_sequences(rectangles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each rectangle as one sequence: inputs (n, 1, 3, 2) BL, BR, TR; targets (n, 1, 3, 2).

    Rectangle i is one batch of one 3-step sequence: an LSTM reading it carries its state
    from corner to corner, so it knows which corner comes next even where the current
    point alone does not tell (a rectangle of height 0.001 at TR looks like BR).
    """
    inputs = rectangles[:, np.newaxis, :-1, :]
    targets = rectangles[:, np.newaxis, 1:, :]
    return np.ascontiguousarray(inputs), np.ascontiguousarray(targets)


FRAMINGS = {"point": frame_samples, "sequence": frame_sequences}


def width_prefixes(widths: np.ndarray) -> np.ndarray:
    """The first two corners BL = [0, 0], BR = [w, 0] of rectangles of the given widths."""
    widths = np.asarray(widths, dtype=POINT_DTYPE)
    prefixes = np.zeros((widths.shape[0], 2, 2), dtype=POINT_DTYPE)
    prefixes[:, 1, 0] = widths
    return prefixes


def nearest_rectangle_sizes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Width and height of the axis-aligned rectangle with BL at the origin nearest to points.

    Least squares over the corners: w = (x_BR + x_TR) / 2, h = (y_TR + y_TL) / 2.
    """
    widths = (points[:, 1, 0] + points[:, 2, 0]) / 2
    heights = (points[:, 2, 1] + points[:, 3, 1]) / 2
    return widths, heights


def rectangle_errors(points: np.ndarray) -> np.ndarray:
    """Root-mean-square distance of each shape's 4 points from its nearest true rectangle."""
    widths, heights = nearest_rectangle_sizes(points)
    nearest = rectangles_from_sizes(widths, heights).astype(np.float64)
    squared = np.sum((points.astype(np.float64) - nearest) ** 2, axis=-1)
    return np.sqrt(np.mean(squared, axis=-1))
