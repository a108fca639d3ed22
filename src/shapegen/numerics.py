"""Pinned numerics: the settings that give every output the same bytes on an x86-64 CPU
with AVX2, whatever its instruction set beyond AVX2 and its number of cores (across CPU
models, what is and is not yet the same: docs/reproducibility.md).

Each library picks its code by the machine it runs on, and each choice rounds sums in
another order (measured: docs/reproducibility.md):
- XLA:CPU compiles the training loop for the best instruction set the CPU has, and splits
  its work by the size of TensorFlow's intra-op thread pool, which TensorFlow sizes to the
  cores the process may use (`taskset -c 0`: one).
- The compiled loop hands its matrix products and reductions to libraries that choose
  their kernels when they run, by the CPU: YNNPACK, and oneDNN's sgemm under TensorFlow's
  Eigen contractions. Without both, the products are Eigen's own kernels, compiled once
  into TensorFlow for every x86-64 CPU (slower: docs/reproducibility.md).
- numpy picks AVX-512 kernels (float64 exp, log, sin, arctan2, ...) where the CPU has them.
- OpenBLAS, under numpy's matmul, picks its kernels by the CPU's model.

Each is read from the environment once, when the library loads, so `pin` runs when the
package is imported (shapegen/__init__.py), before numpy or TensorFlow: a stage script,
or the `shapegen` command, imports shapegen first. Only x86-64 is pinned: on arm64 the
compiled code is another anyway, and these names mean nothing there.
"""

import os
import platform
import sys
from collections.abc import Mapping

# XLA:CPU's thread pool: the same split of the work on 1 core or 64 (2 is the size this
# project's timings were taken at; more threads barely help models this small).
INTRA_OP_THREADS = 2
# Flags for XLA_FLAGS; a user's own value of the same flag is replaced.
XLA_PINNED_FLAGS = {
    "--xla_cpu_max_isa": "AVX2",
    "--xla_cpu_experimental_ynn_fusion_type": "",  # none: no YNNPACK
}
# numpy's dispatch targets above AVX2 (X86_V3) in numpy 2.x; names a CPU lacks are ignored.
NUMPY_DISABLED_FEATURES = ("X86_V4", "AVX512_ICL", "AVX512_SPR")
OPENBLAS_CORETYPE = "Haswell"  # OpenBLAS's AVX2 kernels, which Zen CPUs use as well

# The libraries whose code is chosen when they load: pinning after them changes nothing.
PINNED_LIBRARIES = ("numpy", "tensorflow")
X86_64 = ("x86_64", "amd64")


def pinned_environment(
    environ: Mapping[str, str], machine: str
) -> tuple[dict[str, str], list[str]]:
    """The variables to set for pinned numerics on `machine` (platform.machine()), given
    the current environment, and a note for each of the user's own settings they replace."""
    if machine.lower() not in X86_64:
        return {}, []
    user_flags = environ.get("XLA_FLAGS", "").split()
    kept = [flag for flag in user_flags if flag.split("=", 1)[0] not in XLA_PINNED_FLAGS]
    pinned = [f"{name}={value}" for name, value in XLA_PINNED_FLAGS.items()]
    notes = [
        f"XLA_FLAGS {flag} replaced by {XLA_PINNED_FLAGS[flag.split('=', 1)[0]]!r}"
        for flag in user_flags
        if flag not in kept and flag not in pinned
    ]
    replaced = {
        "TF_NUM_INTRAOP_THREADS": str(INTRA_OP_THREADS),
        "OPENBLAS_CORETYPE": OPENBLAS_CORETYPE,
        # Eigen's own contraction kernels instead of oneDNN's sgemm (read by TensorFlow).
        "TENSORFLOW_USE_CUSTOM_CONTRACTION_KERNEL": "false",
    }
    notes += [
        f"{name}={environ[name]} replaced by {value}"
        for name, value in replaced.items()
        if environ.get(name, value) != value
    ]
    disabled = environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
    settings = {
        "XLA_FLAGS": " ".join(kept + pinned),
        **replaced,
        "NPY_DISABLE_CPU_FEATURES": " ".join(
            disabled + [name for name in NUMPY_DISABLED_FEATURES if name not in disabled]
        ),
    }
    return settings, notes


def pin() -> list[str]:
    """Pin this process's numerics (os.environ), and return a note for each of the user's
    own settings replaced. Takes effect only for libraries not yet loaded (`check_pinned`)."""
    settings, notes = pinned_environment(os.environ, platform.machine())
    os.environ.update(settings)
    return notes


def check_pinned(loaded_before_pin: tuple[str, ...]) -> None:
    """Raise RuntimeError if numpy or TensorFlow had loaded before the numerics were pinned
    (a stage script that imports one of them before shapegen): its outputs would depend on
    the machine."""
    if loaded_before_pin:
        raise RuntimeError(
            f"{', '.join(loaded_before_pin)} loaded before shapegen pinned the numerics: "
            f"import shapegen first in {sys.argv[0]} (shapegen/numerics.py)"
        )
