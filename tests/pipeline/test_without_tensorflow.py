"""Trained models run without TensorFlow: the same outputs, and no TensorFlow to import.

Keras stays the source of truth: the numpy network must give its outputs within 1e-5 for
every variant and checkpoint the pipeline trains. Then, with `import tensorflow` (and
keras) made impossible, the command, the Python API, the README's example and the
gallery and evaluate stages must still run, the stages reproducing DVC's outputs.
"""

import json
import re
import shutil
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from shapegen.data.rectangles_h5 import read_dataset
from shapegen.data.shapes_h5 import read_shapes
from shapegen.heads import categorical
from shapegen.model import load_keras_model
from shapegen.sampling.loading import load_generator
from shapegen.sampling.network import categorical_forward, forward
from shapegen.sampling.shape_generator import ShapeGenerator

from .project import file_hashes, run

BLOCKED = ("tensorflow", "keras")


@pytest.fixture
def project(reproduced_project, tmp_path) -> Path:
    """A copy of the reproduced project (the stages here rewrite its outputs)."""
    repo = tmp_path / "project"
    shutil.copytree(reproduced_project, repo, symlinks=True)
    return repo


@pytest.fixture
def blocked_env(tmp_path) -> dict[str, str]:
    """PYTHONPATH with packages named tensorflow and keras whose import fails."""
    blocker = tmp_path / "blocker"
    for name in BLOCKED:
        (blocker / name).mkdir(parents=True)
        (blocker / name / "__init__.py").write_text(
            f"raise ImportError('{name} is blocked by this test')\n"
        )
    return {"PYTHONPATH": str(blocker)}


def trained_model_paths(repo: Path) -> list[Path]:
    return sorted((repo / "data/models").rglob("*.keras"))


def test_the_numpy_network_equals_keras_for_every_variant_and_checkpoint(reproduced_project):
    test = read_dataset(reproduced_project / "data/rectangles.h5").test
    test_shapes = read_shapes(reproduced_project / "data/shapes.h5")["test"]
    paths = trained_model_paths(reproduced_project)
    assert len(paths) == 5 * 3  # every variant: 2 checkpoints and the final model each
    for path in paths:
        model, generator = load_keras_model(path), load_generator(path)
        if isinstance(generator, ShapeGenerator):
            families = test_shapes.families if generator.network.conditional else None
            drawn = generator.generate_batch(
                len(test_shapes), np.random.default_rng(0), 1.0, families
            )
            for points, lengths in ((test_shapes.points, test_shapes.lengths), drawn):
                bins = generator.network.bins
                inputs = categorical.frame_shapes(points, lengths, families, bins)[0]
                inputs = inputs.astype(np.float32)
                batched = (
                    inputs.reshape(-1, 1, inputs.shape[-1])
                    if generator.network.framing == "point"
                    else inputs
                )
                theirs = keras.ops.convert_to_numpy(model(batched, training=False))
                ours = categorical_forward(generator.network, inputs)
                np.testing.assert_allclose(
                    ours.reshape(theirs.shape), theirs, rtol=1e-6, atol=1e-5, err_msg=str(path)
                )
            continue
        drawn = generator.generate_batch(len(test), np.random.default_rng(0), 1.0)[0]
        for shapes in (test, drawn):  # teacher-forced, and fed back
            inputs = shapes[:, :3].astype(np.float32)
            if generator.network.framing == "point":
                inputs = inputs.reshape(-1, 1, 2)
            theirs = keras.ops.convert_to_numpy(model(inputs, training=False))
            ours = forward(generator.network, inputs)
            np.testing.assert_allclose(
                ours.reshape(theirs.shape), theirs, rtol=0, atol=1e-5, err_msg=str(path)
            )


def test_the_command_and_the_api_run_with_tensorflow_impossible(project, blocked_env):
    check = run([sys.executable, "-c", "import tensorflow"], project, check=False, env=blocked_env)
    assert "tensorflow is blocked by this test" in check.stderr
    shapegen = str(Path(sys.executable).parent / "shapegen")
    for variant in ("book", "mixture"):
        result = run(
            [shapegen, "sample", variant, "-n", "16", "--seed", "3"], project, env=blocked_env
        )
        assert len(json.loads(result.stdout)["shapes"]) == 16
        assert (
            "updates trained" in run([shapegen, "info", variant], project, env=blocked_env).stdout
        )
    for arguments in (["families"], ["families_conditional", "--family", "regular_polygon"]):
        result = run([shapegen, "sample", *arguments, "-n", "16"], project, env=blocked_env)
        shapes = json.loads(result.stdout)["shapes"]
        assert len(shapes) == 16 and all("family" in shape for shape in shapes)
    code = (
        "import shapegen, sys; g = shapegen.load_generator('mixture'); "
        "s = g.sample(4, seed=1); c = g.complete([[0, 0], [0.3, 0]], 2, seed=1); "
        "print(len(s), s[0].shape, c[0][1].tolist()); "
        "assert not any(m.startswith(('tensorflow', 'keras')) for m in sys.modules)"
    )
    result = run([sys.executable, "-c", code], project, env=blocked_env)
    assert result.stdout == "4 (4, 2) [0.3, 0.0]\n"


def test_the_readme_example_runs_without_tensorflow(project, blocked_env, repo_root):
    readme = (repo_root / "README.md").read_text()
    section = readme.split("## Draw your own", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(examples) == 1
    result = run([sys.executable, "-c", examples[0]], project, env=blocked_env)
    assert result.stdout.strip(), "the example prints what it drew"


def test_gallery_and_evaluate_reproduce_dvcs_outputs_without_tensorflow(project, blocked_env):
    before = file_hashes(project)
    variants = ("book", "mixture", "families", "families_conditional", "families_point")
    for stage in ("gallery", "evaluate"):
        for variant in variants:
            run([sys.executable, f"pipeline/{stage}.py", variant], project, env=blocked_env)
    run([sys.executable, "pipeline/compare_framings.py"], project, env=blocked_env)
    assert file_hashes(project) == before
    assert run(["git", "status", "--porcelain"], project).stdout == ""
