"""Where every pipeline output lives; dvc.yaml declares the same paths."""

import re
from pathlib import Path

# A variant's name: a key under `variants` in params.yaml, and a folder name below.
VARIANT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

DATA = Path("data")
# Written by the check_params stage, which every other stage depends on, so that DVC
# validates params.yaml before it deletes any stage's outputs. Its bytes never change.
PARAMS_CHECK_FILE = DATA / "params_checked.txt"
DATASET_FILE = DATA / "rectangles.h5"
SHAPES_FILE = DATA / "shapes.h5"
GALLERY_DIR = DATA / "gallery"
TRAINING_GRID_FILE = GALLERY_DIR / "training_rectangles.png"
TRAINING_SHAPES_FILE = GALLERY_DIR / "training_shapes.png"
HOW_IT_WORKS_FILE = GALLERY_DIR / "how_it_works.png"
FRAMINGS_FIGURE_FILE = GALLERY_DIR / "framings_rotated_rectangles.png"
PLAYGROUND_DIR = DATA / "playground"  # the page that draws with the models in a browser
MODELS_DIR = DATA / "models"
MODEL_FILE_NAME = "model.keras"

# The docs the report stage and the benchmarks write into (their generated regions).
README_FILE = Path("README.md")
DOCS_DIR = Path("docs")
DOCS_IMAGES_DIR = DOCS_DIR / "images"
SHAPES_DOC = DOCS_DIR / "shapes.md"
MIXTURE_DOC = DOCS_DIR / "mixture.md"
PERFORMANCE_DOC = DOCS_DIR / "performance.md"
SPEED_RESULTS_FILE = DOCS_DIR / "results" / "speed.json"  # `make bench`'s headline figures
TEST_TIMES_FILE = DOCS_DIR / "results" / "test_times.json"  # `make time-tests`: the suites
# `make playground-shot`: the playground page in Chromium, and its ms per draw
PLAYGROUND_SCREENSHOT_FILE = DOCS_DIR / "results" / "playground.png"
# `make seeds`: each variant's metrics for each weight seed, the spread `make repro` compares with
SEEDS_RESULTS_FILE = DOCS_DIR / "results" / "seeds.json"
EARLIER_HEADS_DIR = DOCS_DIR / "results" / "mixture-heads"  # the shapes' first heads' metrics


def model_dir(variant: str) -> Path:
    """Folder of a variant's final model and its checkpoint snapshots."""
    return MODELS_DIR / variant


def model_file(variant: str) -> Path:
    """The variant's trained model."""
    return model_dir(variant) / MODEL_FILE_NAME


def checkpoint_file(variant: str, updates: int) -> Path:
    """The variant's model snapshot after `updates` optimizer updates."""
    return model_dir(variant) / "checkpoints" / f"updates_{updates:08d}.keras"


def gallery_dir(variant: str) -> Path:
    """Folder of a variant's PNG figures."""
    return GALLERY_DIR / variant


def metrics_file(variant: str) -> Path:
    """The variant's headline metrics, declared under `metrics:` in dvc.yaml."""
    return DATA / "metrics" / f"{variant}.json"


def metrics_details_file(variant: str) -> Path:
    """Every metric of the variant (per family, floors, bins, by step): a plain output,
    read with `dvc metrics show/diff <file>`."""
    return DATA / "metrics" / "details" / f"{variant}.json"


def train_loss_file(variant: str) -> Path:
    """Moving average of the training loss, a DVC plot."""
    return DATA / "plots" / variant / "train_loss.tsv"


def learning_curve_file(variant: str) -> Path:
    """Metrics per checkpoint, a DVC plot."""
    return DATA / "plots" / variant / "learning_curve.tsv"
