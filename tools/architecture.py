"""shapegen's parts (its folders and top-level modules), what each may import, and the checks.

PARTS below is the one statement of the rules; `tests/tools/test_architecture.py` holds the
code to them and `python tools/architecture.py` (`make docs`) writes the generated region
of docs/architecture.md from them: the floors, the table and the two pictures.

The imports are read from the source (tools/dvc_yaml.py's reader: imports inside
functions count, a package's lazy `__getattr__` re-exports are apart), never by importing
the code, so a rule holds for code paths a test run does not take.
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

# tools/ is not a package: the walker is its neighbour (run as a script or loaded by a test).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvc_yaml import (
    DVC_YAML,
    PARAMS_YAML,
    dotted_name,
    loaded_files,
    module_info,
    module_path,
    stage_bodies,
    stage_script,
    yaml_round_trip,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "shapegen"
DOC = Path("docs/architecture.md")
REGION = "architecture"


@dataclass(frozen=True)
class Part:
    holds: str
    may_import: tuple[str, ...]  # other parts of ours, besides errors (every part may)
    tensorflow: bool = False  # may load TensorFlow or Keras (directly or through others)


# In floor order: a part imports only parts on floors below its own.
PARTS = {
    "errors": Part("the one exception for a user's mistake; how a value is shown in it", ()),
    "paths": Part("where every pipeline output lives (dvc.yaml declares the same)", ()),
    "numerics": Part("the pinned numerics: the same bytes whatever the cores", ()),
    "files": Part(
        "reading untrusted files (sizes, zip, JSON, HDF5); atomic writes; the .keras archive",
        (),
    ),
    "data": Part(
        "what a rectangle and a shape of each family is; turtle moves; the two .h5 formats",
        ("files",),
    ),
    "config": Part(
        "params.yaml: its keys declared, read and validated; its schema and reference",
        ("paths", "files", "data"),
    ),
    "heads": Part("the output heads' math, once for Keras and numpy", ("data",)),
    "sampling": Part(
        "a trained model in numpy: the network, the Generators, its .keras file read",
        ("paths", "files", "data", "config", "heads"),
    ),
    "model": Part(
        "the Keras networks (at shapegen.model: .keras files record the path)",
        ("data", "heads"),
        tensorflow=True,
    ),
    "evaluation": Part(
        "scoring a model's draws: metrics, the recogniser, targets, what each metric means",
        ("data", "config", "sampling"),
    ),
    "training": Part(
        "the compiled training loop; the chapter's code as the reference",
        ("data", "config", "heads", "model"),
        tensorflow=True,
    ),
    "figures": Part(
        "every PNG, as matplotlib Figure objects",
        ("data", "config", "heads", "sampling", "evaluation"),
    ),
    "cli": Part(
        "the `shapegen` command",
        ("paths", "files", "data", "sampling", "evaluation", "figures"),
    ),
    "reporting": Part(
        "the README's and docs' generated regions, from a run's outputs",
        ("files", "data", "config", "evaluation", "cli"),
    ),
    "playground": Part(
        "the browser playground: its page, and the models' weights exported for it",
        ("data", "config", "heads", "sampling", "evaluation"),
    ),
    "shapegen": Part(
        "the package root: pins the numerics; `Generator`, `load_generator` on first use",
        ("numerics", "sampling"),
    ),
    "stage": Part(
        "what every stage script shares: its command line, one-line errors",
        ("shapegen", "numerics"),
    ),
}
EVERYONE_MAY_IMPORT = ("errors",)
TENSORFLOW = ("tensorflow", "keras")
# Which parts a third-party library is drawn in by (directly): figures alone draw.
ONLY_IN = {"matplotlib": ("figures",)}


def part_of(module: str) -> str | None:
    """The part a dotted module of ours belongs to (None for another package's)."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    return parts[1] if len(parts) > 1 else PACKAGE


def source_modules(root: Path) -> dict[str, Path]:
    """Every module of ours: dotted name -> file under src/."""
    return {
        dotted_name(path.relative_to(root)): path.relative_to(root)
        for path in sorted((root / "src" / PACKAGE).rglob("*.py"))
    }


def imported_modules(root: Path, path: Path) -> list[str]:
    """The modules a file imports, anywhere in it; `from package import name` counts the
    submodule where `name` is one. A package's lazy re-exports are left out."""
    found = []
    for module, names in module_info(root, path).imports:
        submodules = [f"{module}.{n}" for n in names if module_path(root, f"{module}.{n}")]
        # `from package import submodule` runs the package's __init__ as every import of
        # a module below it does: not a use of the package's own names.
        if len(submodules) < len(names) or not names:
            found.append(module)
        found += submodules
    return found


def lazy_modules(root: Path, path: Path) -> list[str]:
    return [module for module, _ in module_info(root, path).lazy_imports]


def part_imports(root: Path) -> dict[str, set[str]]:
    """Each part -> the other parts of ours its modules import (lazy re-exports included)."""
    graph: dict[str, set[str]] = {name: set() for name in PARTS}
    for module, path in source_modules(root).items():
        here = part_of(module)
        for imported in imported_modules(root, path) + lazy_modules(root, path):
            there = part_of(imported)
            if there is not None and there != here:
                graph.setdefault(here, set()).add(there)
    return graph


def floors() -> dict[str, int]:
    """Each part's floor: one above the highest part it may import."""
    floor: dict[str, int] = {}
    for name, part in PARTS.items():
        below = [*part.may_import, *(p for p in EVERYONE_MAY_IMPORT if p != name)]
        unknown = [other for other in below if other not in floor]
        if unknown:
            raise ValueError(f"part {name} may import {unknown}, not declared below it")
        floor[name] = 1 + max((floor[other] for other in below), default=-1)
    return floor


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of a directed graph, as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def violations(root: Path) -> list[str]:
    """Every way the code breaks PARTS' rules, one line each (none: it keeps them)."""
    problems = []
    modules = source_modules(root)
    # Each file parsed once: the rules, the TensorFlow walk and the cycle search all read it.
    imports = {path: imported_modules(root, path) for path in modules.values()}
    for module, path in modules.items():
        here = part_of(module)
        if here not in PARTS:
            problems.append(f"{path}: part {here!r} is not declared in tools/architecture.py")
            continue
        allowed = {here, *PARTS[here].may_import, *EVERYONE_MAY_IMPORT}
        for imported in imports[path] + lazy_modules(root, path):
            there = part_of(imported)
            if there is not None and there not in allowed:
                problems.append(f"{path}: imports {imported} ({there} is not below {here})")
            top = imported.split(".")[0]
            if top in ONLY_IN and here not in ONLY_IN[top]:
                problems.append(f"{path}: imports {top}, which only {ONLY_IN[top]} may")
        if not PARTS[here].tensorflow:
            for loaded in sorted(loaded_files(root, path) | {path}):
                tensorflow = [m for m in imports[loaded] if m.split(".")[0] in TENSORFLOW]
                if tensorflow:
                    problems.append(f"{path}: loads {tensorflow[0]} (through {loaded})")
                    break
    graph = {
        module: {m for m in imports[path] if m in modules and m != module}
        for module, path in modules.items()
    }
    cycle = _cycle(graph)
    if cycle:
        problems.append("an import cycle: " + " -> ".join(cycle))
    return problems


# --- docs/architecture.md's generated region -----------------------------------------------


def _reduced(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph's transitive reduction (an arrow only where no longer path exists)."""

    def reachable(start: str) -> set[str]:
        seen, stack = set(), list(graph.get(start, ()))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
        return seen

    return {
        node: {
            target
            for target in targets
            if not any(target in reachable(other) for other in targets - {target})
        }
        for node, targets in graph.items()
    }


def stage_parts(root: Path) -> dict[str, list[str]]:
    """Each stage -> the parts its script imports directly, but the plumbing."""
    document = yaml_round_trip().load((root / DVC_YAML).read_text(encoding="utf-8"))
    found = {}
    for name, stage in stage_bodies(document):
        script = stage_script(stage["cmd"])
        # The plumbing every stage uses is left out of the picture.
        plumbing = {None, "stage", "paths", "files", "errors", "shapegen", "numerics"}
        parts = {part_of(m) for m in imported_modules(root, script)} - plumbing
        found[name] = sorted(parts, key=list(PARTS).index)
    return found


def _expanded(paths: list, params: dict, variants: dict | None) -> set[str]:
    """Concrete paths: `${key}` and `${item.x}` for each variant of a foreach stage,
    `${a.b}` from params.yaml."""

    def lookup(expression: str, key: str | None) -> str:
        if expression == "key":
            return key
        start = variants[key] if expression.startswith("item.") else params
        for name in expression.removeprefix("item.").split("."):
            start = start[name]
        return str(start)

    found = set()
    for entry in paths:
        path = next(iter(entry)) if isinstance(entry, dict) else str(entry)
        for key in variants or [None]:
            found.add(re.sub(r"\$\{([^}]+)\}", lambda m, key=key: lookup(m.group(1), key), path))
    return found


def _inside(out: str, dep: str) -> bool:
    """Whether a stage's out is a dep of another: the same path, or inside a dep folder."""
    return out == dep or out.startswith(dep.rstrip("/") + "/")


def stage_edges(root: Path) -> list[tuple[str, str]]:
    """(earlier, later): a later stage's deps hold an earlier's outs; the fewest arrows
    that keep the order (an arrow implied by a longer path is left out)."""
    document = yaml_round_trip().load((root / DVC_YAML).read_text(encoding="utf-8"))
    params = YAML(typ="safe").load((root / PARAMS_YAML).read_text(encoding="utf-8"))
    outs, deps = {}, {}
    for name, stage in document["stages"].items():
        variants = params["variants"] if "foreach" in stage else None
        body = stage["do"] if "foreach" in stage else stage
        outs[name] = _expanded(body.get("outs", []) + body.get("plots", []), params, variants)
        deps[name] = _expanded(body.get("deps", []), params, variants)
    graph = {
        later: {
            earlier
            for earlier in outs
            if earlier != later
            and any(_inside(out, dep) for out in outs[earlier] for dep in deps[later])
        }
        for later in outs
    }
    reduced = _reduced(graph)
    return [(earlier, later) for later in outs for earlier in outs if earlier in reduced[later]]


def region(root: Path) -> str:
    """The generated region of docs/architecture.md."""
    floor = floors()
    stages = stage_parts(root)
    lines = ["```mermaid", "flowchart LR"]
    for name, parts in stages.items():
        label = f"{name}<br/><i>{', '.join(parts)}</i>"
        lines.append(f'  {name}["{label}"]')
    lines += [f"  {a} --> {b}" for a, b in stage_edges(root)]
    lines += ["```", ""]
    lines += ["```mermaid", "flowchart TB"]
    for level in sorted(set(floor.values())):
        names = [name for name in PARTS if floor[name] == level]
        lines.append(f'  subgraph floor{level}["floor {level}"]')
        lines += [f"    {name}" for name in names]
        lines.append("  end")
    actual = _reduced(part_imports(root))
    for name in PARTS:
        lines += [f"  {name} --> {other}" for other in sorted(actual.get(name, ()))]
    lines += ["```", ""]
    lines += [
        "| floor | part | holds | may import (and `errors`) | TensorFlow |",
        "|---|---|---|---|---|",
    ]
    for name, part in sorted(PARTS.items(), key=lambda item: floor[item[0]]):
        where = (
            "`shapegen`"
            if name == PACKAGE
            else (f"`{name}/`" if (root / "src" / PACKAGE / name).is_dir() else f"`{name}.py`")
        )
        may = ", ".join(f"`{other}`" for other in part.may_import) or "-"
        lines.append(
            f"| {floor[name]} | {where} | {part.holds} | {may} | "
            f"{'yes' if part.tensorflow else 'never'} |"
        )
    return "\n".join(lines)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from shapegen.reporting.regions import replace_regions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is stale")
    args = parser.parse_args()
    current = (ROOT / DOC).read_text(encoding="utf-8")
    wanted = replace_regions(current, {REGION: region(ROOT)})
    if args.check:
        if current != wanted:
            print(f"{DOC} is stale: run `make docs`", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        (ROOT / DOC).write_text(wanted, encoding="utf-8")
        print(f"{DOC} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
