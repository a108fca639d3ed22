import json
import subprocess
import sys

import pytest

from shapegen import numerics

ROOT_ENVIRONMENT = {"PATH": "/usr/bin", "HOME": "/home/user"}


def pinned(environ: dict[str, str], machine: str = "x86_64") -> tuple[dict[str, str], list[str]]:
    return numerics.pinned_environment(environ, machine)


def test_x86_64_gets_every_setting():
    settings, notes = pinned(ROOT_ENVIRONMENT)
    assert settings["TF_NUM_INTRAOP_THREADS"] == str(numerics.INTRA_OP_THREADS)
    assert settings["OPENBLAS_CORETYPE"] == numerics.OPENBLAS_CORETYPE
    assert settings["NPY_DISABLE_CPU_FEATURES"].split() == list(numerics.NUMPY_DISABLED_FEATURES)
    assert settings["XLA_FLAGS"].split() == [
        f"{name}={value}" for name, value in numerics.XLA_PINNED_FLAGS.items()
    ]
    assert notes == []


@pytest.mark.parametrize("machine", ["aarch64", "arm64", "ppc64le"])
def test_other_architectures_are_left_alone(machine):
    assert pinned({"XLA_FLAGS": "--xla_cpu_max_isa=NEON"}, machine) == ({}, [])


def test_a_users_own_xla_flags_are_kept_and_a_pinned_one_replaced_with_a_note():
    user = "--xla_cpu_enable_fast_math=false --xla_cpu_max_isa=AVX512 --xla_dump_to=dump"
    settings, notes = pinned({"XLA_FLAGS": user})
    flags = settings["XLA_FLAGS"].split()
    assert flags[:2] == ["--xla_cpu_enable_fast_math=false", "--xla_dump_to=dump"]
    assert "--xla_cpu_max_isa=AVX512" not in flags
    assert "--xla_cpu_max_isa=AVX2" in flags
    assert notes == ["XLA_FLAGS --xla_cpu_max_isa=AVX512 replaced by 'AVX2'"]


def test_a_users_value_equal_to_the_pinned_one_gives_no_note():
    same = {"XLA_FLAGS": "--xla_cpu_max_isa=AVX2", "TF_NUM_INTRAOP_THREADS": "2"}
    settings, notes = pinned(same)
    assert settings["XLA_FLAGS"].split().count("--xla_cpu_max_isa=AVX2") == 1
    assert notes == []


def test_a_users_thread_count_and_openblas_core_are_replaced_with_notes():
    _, notes = pinned({"TF_NUM_INTRAOP_THREADS": "16", "OPENBLAS_CORETYPE": "SkylakeX"})
    assert notes == [
        "TF_NUM_INTRAOP_THREADS=16 replaced by 2",
        "OPENBLAS_CORETYPE=SkylakeX replaced by Haswell",
    ]


def test_numpy_features_a_user_disabled_stay_disabled():
    settings, notes = pinned({"NPY_DISABLE_CPU_FEATURES": "AVX2,FMA3 X86_V4"})
    assert settings["NPY_DISABLE_CPU_FEATURES"].split() == [
        "AVX2",
        "FMA3",
        "X86_V4",
        *[name for name in numerics.NUMPY_DISABLED_FEATURES if name != "X86_V4"],
    ]
    assert notes == []


def test_check_pinned_names_the_libraries_that_loaded_first():
    numerics.check_pinned(())
    with pytest.raises(RuntimeError, match="numpy loaded before shapegen pinned the numerics"):
        numerics.check_pinned(("numpy",))


PROBE = """
import json, sys
import shapegen
import numpy
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
print(json.dumps({"loaded_before": shapegen.LOADED_BEFORE_PIN,
                  "enabled": [t for t in __cpu_dispatch__ if __cpu_features__[t]]}))
"""


@pytest.mark.skipif(
    numerics.platform.machine().lower() not in numerics.X86_64, reason="pinned on x86-64 only"
)
def test_importing_shapegen_first_keeps_numpy_to_its_avx2_kernels():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    probe = json.loads(result.stdout)
    assert probe["loaded_before"] == []
    # X86_V3 is AVX2: a dispatch target a later numpy adds above it must be disabled too.
    assert set(probe["enabled"]) <= {"X86_V3"}


def test_a_stage_run_after_numpy_loaded_is_a_bug_with_a_traceback(repo_root, tmp_path):
    stage = repo_root / "pipeline" / "check_params.py"
    code = f"import numpy, runpy; runpy.run_path({str(stage)!r}, run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "RuntimeError: numpy loaded before shapegen pinned the numerics" in result.stderr
