"""The parts of dvc.yaml that follow from the code and params.yaml, written or checked.

- Each stage's project-module deps: every file under src/ that its script loads, directly
  or through other project modules, imports inside functions included (they run during the
  stage's work). The package's `__init__.py` counts for every module below it; a name
  that `__init__.py` re-exports lazily (PEP 562 `__getattr__`) loads what `__getattr__`
  imports only where a stage imports that name. An edit of a module then reruns exactly
  the stages that load it, and no other: not `src/` as a whole.
- The top-level plots: one chart per kind of curve, the variants of one kind of data on it.

`python tools/dvc_yaml.py` (`make dvc-yaml`) rewrites those parts in place and keeps the
rest of the file, comments included; `--check` prints what is stale and exits 1.
"""

import argparse
import ast
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("src")
DVC_YAML = Path("dvc.yaml")
PARAMS_YAML = Path("params.yaml")


# --- which project files a script loads ----------------------------------------------------


@dataclass(frozen=True)
class ModuleInfo:
    """What one project file imports, and what its lazy `__getattr__` would import."""

    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names taken from it)
    lazy_imports: tuple[tuple[str, tuple[str, ...]], ...]
    top_level_names: frozenset[str]


def module_path(root: Path, module: str) -> Path | None:
    """The project file of a dotted module name (relative to root), or None if not ours."""
    parts = module.split(".")
    for candidate in (
        SOURCE.joinpath(*parts).with_suffix(".py"),
        SOURCE.joinpath(*parts, "__init__.py"),
    ):
        if (root / candidate).is_file():
            return candidate
    return None


def dotted_name(path: Path) -> str | None:
    """The module name of a project file under src/, or None for a script elsewhere."""
    if path.parts[0] != SOURCE.name:
        return None
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def absolute_module(node: ast.ImportFrom, package: str | None) -> str:
    """The module an ImportFrom names, relative imports resolved against `package`."""
    if not node.level:
        return node.module or ""
    if package is None:
        raise ValueError(f"relative import outside a package (line {node.lineno})")
    base = package.split(".")
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(nodes: Iterator[ast.AST], package: str | None) -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found.extend((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            found.append((absolute_module(node, package), names))
    return found


def _plain_imports(tree: ast.AST) -> Iterator[tuple[ast.Import, ast.alias]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias


def module_info(root: Path, path: Path) -> ModuleInfo:
    """Parse one file: its imports anywhere (functions included), lazy ones apart."""
    tree = ast.parse((root / path).read_text(encoding="utf-8"), filename=str(path))
    name = dotted_name(path)
    package = name if path.name == "__init__.py" else (name or "").rpartition(".")[0] or None
    lazy = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name == "__getattr__"
        and path.name == "__init__.py"  # a package's lazy re-exports (PEP 562)
    ]
    lazy_nodes = {id(inner) for function in lazy for inner in ast.walk(function)}
    eager = (node for node in ast.walk(tree) if id(node) not in lazy_nodes)
    top_level = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            top_level.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            top_level.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            top_level.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    imports = _imports(eager, package)
    # `import pkg` then `pkg.name`: the name is taken from the package as `from pkg import
    # name` takes it (a submodule, or a lazy re-export).
    plain = {alias.asname or alias.name: alias.name for _, alias in _plain_imports(tree)}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in plain
        ):
            imports.append((plain[node.value.id], (node.attr,)))
    return ModuleInfo(
        imports=tuple(imports),
        lazy_imports=tuple(
            _imports((inner for function in lazy for inner in ast.walk(function)), package)
        ),
        top_level_names=frozenset(top_level),
    )


def loaded_files(root: Path, script: Path) -> set[Path]:
    """Every project file under src/ that running `script` loads (the script not included)."""
    infos: dict[Path, ModuleInfo] = {}
    loaded: set[Path] = set()
    pending = [script]

    def load(module: str) -> None:
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            path = module_path(root, ".".join(parts[:end]))
            if path is not None and path not in loaded:
                loaded.add(path)
                pending.append(path)

    taken: set[tuple[str, tuple[str, ...]]] = set()

    def take(module: str, names: tuple[str, ...]) -> None:
        # `from module import names`: each name a submodule, or an attribute of the module,
        # which a package's __getattr__ may provide by importing on first use.
        if (module, names) in taken:
            return
        taken.add((module, names))
        load(module)
        target = module_path(root, module)
        if target is None or target.name != "__init__.py":
            return
        for name in names:
            if module_path(root, f"{module}.{name}") is not None:
                load(f"{module}.{name}")
                continue
            package_info = infos.setdefault(target, module_info(root, target))
            if name not in package_info.top_level_names:
                for lazy_module, lazy_names in package_info.lazy_imports:
                    take(lazy_module, lazy_names)

    while pending:
        path = pending.pop()
        info = infos.setdefault(path, module_info(root, path))
        for module, names in info.imports:
            take(module, names)
    return loaded


# --- dvc.yaml ------------------------------------------------------------------------------


def yaml_round_trip() -> YAML:
    """A reader and writer that gives dvc.yaml back byte for byte when nothing changed."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


STAGE_COMMAND_PREFIX = "PYTHONPATH=src python "


def stage_script(command: str) -> Path:
    """The script a stage command runs: `PYTHONPATH=src python pipeline/<name>.py [args]`
    (the project's own src/ first: a queued experiment's copy runs its own code)."""
    words = command.removeprefix(STAGE_COMMAND_PREFIX).split()
    if not command.startswith(STAGE_COMMAND_PREFIX) or not words or not words[0].endswith(".py"):
        raise ValueError(
            f"stage command {command!r} is not `{STAGE_COMMAND_PREFIX}<script>.py ...`"
        )
    return Path(words[0])


def stage_bodies(document) -> Iterator[tuple[str, dict]]:
    """(name, definition) of every stage; a foreach stage's shared `do:` once."""
    for name, stage in document["stages"].items():
        yield name, stage["do"] if "foreach" in stage else stage


def is_project_module(dep: str) -> bool:
    return dep.startswith(f"{SOURCE.as_posix()}/") and dep.endswith(".py")


def stage_module_deps(root: Path, document) -> dict[str, list[str]]:
    """For each stage: the project modules its deps must list, sorted."""
    return {
        name: sorted(p.as_posix() for p in loaded_files(root, stage_script(stage["cmd"])))
        for name, stage in stage_bodies(document)
    }


def with_module_deps(deps: list[str], modules: list[str]) -> list[str]:
    """`deps` with its project modules replaced by `modules`, in the first one's place."""
    kept = [dep for dep in deps if not (isinstance(dep, str) and is_project_module(dep))]
    places = [i for i, dep in enumerate(deps) if isinstance(dep, str) and is_project_module(dep)]
    at = places[0] if places else len(kept)
    return [*kept[:at], *modules, *kept[at:]]


# One chart per entry: (id, title, y label, file of each variant, column, variants' data).
# The rectangles' held-out loss is the MAE (both heads have it); the shapes' the NLL.
@dataclass(frozen=True)
class Chart:
    plot_id: str
    title: str
    y_label: str
    file: str  # under data/plots/<variant>/
    x: str
    y: str
    data: str  # the variants whose `data:` is this
    template: str = "learning_curve"  # in .dvc/plots/


CHARTS = (
    Chart(
        "heldout_mae",
        "Rectangles: held-out MAE (teacher-forced)",
        "held-out MAE",
        "learning_curve.tsv",
        "train_updates",
        "heldout_mae",
        "rectangles",
    ),
    Chart(
        "width_w1",
        "Rectangles: sampled widths' W1 to the test split's",
        "width W1",
        "learning_curve.tsv",
        "train_updates",
        "width_w1",
        "rectangles",
    ),
    Chart(
        "heldout_nll",
        "Shapes: held-out NLL (teacher-forced)",
        "held-out NLL (nats per shape)",
        "learning_curve.tsv",
        "train_updates",
        "heldout_nll",
        "shapes",
    ),
    Chart(
        "invalid_fraction",
        "Shapes: sampled shapes no family fits",
        "invalid fraction",
        "learning_curve.tsv",
        "train_updates",
        "invalid_fraction",
        "shapes",
        # Memoryless models draw most shapes invalid, the others under 1%: on a linear
        # scale the small curves would lie flat on the axis.
        "learning_curve_log_y",
    ),
)

# Templates in .dvc/plots/: a colour per variant (its file), a dash per revision; the
# checkpoints, spaced geometrically (100, 500, 1000, ...), on a log scale.
TRAINING_LOSS_TEMPLATE = "training_loss"

# The training loss is a moving average of each variant's own loss: one chart per loss.
TRAIN_LOSS_FILE = "train_loss.tsv"
TRAIN_LOSSES = {
    # (data, head, framing): (id, what the loss is); one unit per chart: a shape's NLL
    # sums its moves', so per-move losses on the same axis would look ten times better.
    **{
        ("rectangles", "point", framing): ("train_loss_mae", "MAE per rectangle")
        for framing in ("point", "sequence")
    },
    **{
        ("rectangles", "mixture", framing): (
            "train_loss_rectangles_nll",
            "NLL per rectangle (nats)",
        )
        for framing in ("point", "sequence")
    },
    ("shapes", "categorical", "sequence"): ("train_loss_shapes_nll", "NLL per shape (nats)"),
    ("shapes", "categorical", "point"): ("train_loss_moves_nll", "NLL per move (nats)"),
}


def plots(variants: dict) -> list[dict]:
    """The top-level plots for these variants (params.yaml's `variants`)."""
    definitions = []

    def chart(plot_id, title, x, x_label, y_label, files_y, template):
        if files_y:
            definitions.append(
                {
                    plot_id: {
                        "title": title,
                        "template": template,
                        "x": x,
                        "y": files_y,
                        "x_label": x_label,
                        "y_label": y_label,
                    }
                }
            )

    losses: dict[tuple[str, str], dict[str, str]] = {}  # (plot id, loss) -> files
    for name, variant in variants.items():
        key = (variant["data"], variant["model"]["head"], variant["model"]["framing"])
        if key not in TRAIN_LOSSES:
            raise ValueError(f"variant {name}: no training-loss chart for {key}")
        files = losses.setdefault(TRAIN_LOSSES[key], {})
        files[f"data/plots/{name}/{TRAIN_LOSS_FILE}"] = "loss_moving_average"
    for (plot_id, loss), files in losses.items():
        chart(
            plot_id,
            f"Training loss (moving average): {loss}",
            "updates",
            "optimizer updates",
            loss,
            files,
            TRAINING_LOSS_TEMPLATE,
        )
    for spec in CHARTS:
        files = {
            f"data/plots/{name}/{spec.file}": spec.y
            for name, variant in variants.items()
            if variant["data"] == spec.data
        }
        chart(
            spec.plot_id,
            spec.title,
            spec.x,
            "optimizer updates (log scale)",
            spec.y_label,
            files,
            spec.template,
        )
    return definitions


def updated(root: Path) -> str:
    """dvc.yaml as it should be: module deps from the code, plots from params.yaml."""
    yaml = yaml_round_trip()
    document = yaml.load((root / DVC_YAML).read_text(encoding="utf-8"))
    bodies = dict(stage_bodies(document))
    for name, modules in stage_module_deps(root, document).items():
        stage = bodies[name]
        new = with_module_deps(list(stage["deps"]), modules)
        if list(stage["deps"]) != new:
            stage["deps"][:] = new
    variants = YAML(typ="safe").load((root / PARAMS_YAML).read_text(encoding="utf-8"))["variants"]
    document["plots"] = plots(variants)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def rerun_table(root: Path) -> str:
    """A Markdown table: for each module under src/, the stages whose scripts load it."""
    document = yaml_round_trip().load((root / DVC_YAML).read_text(encoding="utf-8"))
    loaded = stage_module_deps(root, document)
    lines = ["| module | stages an edit reruns |", "|---|---|"]
    for path in sorted((root / SOURCE).rglob("*.py")):
        module = path.relative_to(root).as_posix()
        stages = [name for name, modules in loaded.items() if module in modules]
        lines.append(f"| `{module}` | {', '.join(stages) or 'none'} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if dvc.yaml is stale")
    parser.add_argument(
        "--table", action="store_true", help="print which stages an edit of each module reruns"
    )
    args = parser.parse_args()
    if args.table:
        print(rerun_table(ROOT))
        return 0
    current = (ROOT / DVC_YAML).read_text(encoding="utf-8")
    wanted = updated(ROOT)
    if args.check:
        if current != wanted:
            print("dvc.yaml is stale: run `make dvc-yaml`", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        (ROOT / DVC_YAML).write_text(wanted, encoding="utf-8")
        print("dvc.yaml updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
