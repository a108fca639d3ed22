"""Running a command on a hostile input: capped in memory, time and file size, measured, and
checked for a clean refusal that touched nothing.

    before = snapshot(tmp_path)
    outcome = run_capped([SHAPEGEN, "info", str(bomb)], cwd=tmp_path)
    assert_refused(outcome, names=[str(bomb)])
    assert changed(before, snapshot(tmp_path)) == []
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

SHAPEGEN = str(Path(sys.executable).with_name("shapegen"))
PYTHON = sys.executable

# RLIMIT_AS caps address space, not resident memory: numpy's OpenBLAS reserves buffers and
# h5py/HDF5 map their libraries, so a valid run needs more address space than it touches.
# Measured (2-core x86-64, OPENBLAS_NUM_THREADS unset; 16 and 64 gave the same): a valid
# `shapegen info` needs about 165 MiB, `shapegen sample` about 197 MiB, both with a peak RSS
# near 50 MiB. The 1 GiB default is five times that: room for more cores and libraries, yet
# a reader that inflates a bomb or allocates a declared huge shape fails well before the
# machine does. Under too small a cap OpenBLAS itself prints "Memory allocation still failed"
# and exits 1, not Python: a refusal test must not mistake that for a clean one.
MEMORY_BYTES = 2**30
FILE_SIZE_BYTES = 256 * 2**20
SECONDS = 10.0


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a capped command did."""

    returncode: int  # negative: killed by that signal (-9 after a timeout)
    stdout: str
    stderr: str
    wall_seconds: float
    peak_rss_bytes: int  # of the command's own process, not of its children's children
    timed_out: bool

    def first_stderr_line(self, limit: int = 120) -> str:
        """The first line of stderr, cut to `limit` characters (for reports)."""
        lines = self.stderr.splitlines()
        return lines[0][:limit] if lines else ""


# The capped command runs as the grandchild of this process, through a small launcher (a
# Python started with -I -S). On Linux a child's ru_maxrss starts at its parent's resident
# size when it forked (exec records the forked copy's RSS), so a command forked from a
# pytest process that imported TensorFlow would report its 500+ MiB as the command's peak.
# Forked from the launcher instead, the floor is the launcher's RSS, about 10 MiB. The
# launcher caps the command, kills its process group after `seconds`, reaps it with wait4
# (its own peak, not RUSAGE_CHILDREN's cumulative one) and reports through a pipe.
_LAUNCHER = """
import json, os, resource, signal, sys, time
report, memory, file_size = map(int, sys.argv[1:4])
seconds, argv = float(sys.argv[4]), sys.argv[5:]
os.set_inheritable(report, False)
start = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.execvp(argv[0], argv)
    except BaseException as error:
        os.write(2, f"run_capped: cannot run {argv[0]!r}: {error}\\n".encode())
    os._exit(127)
timed_out = []
def expire(*_):
    timed_out.append(True)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
signal.signal(signal.SIGALRM, expire)
signal.setitimer(signal.ITIMER_REAL, seconds)
_, status, usage = os.wait4(pid, 0)
signal.setitimer(signal.ITIMER_REAL, 0)
wall = time.monotonic() - start
try:
    os.killpg(pid, signal.SIGKILL)  # whatever it left running in its group
except OSError:
    pass
os.write(report, json.dumps({
    "returncode": os.waitstatus_to_exitcode(status),
    "wall_seconds": wall,
    "peak_rss_bytes": usage.ru_maxrss * 1024,  # KiB on Linux
    "timed_out": bool(timed_out),
}).encode())
"""


def run_capped(
    argv: Sequence[str | os.PathLike],
    cwd: str | Path,
    env: Mapping[str, str] | None = None,
    memory_bytes: int = MEMORY_BYTES,
    seconds: float = SECONDS,
    file_size_bytes: int = FILE_SIZE_BYTES,
) -> Outcome:
    """Run `argv` in `cwd` with stdin /dev/null, its address space capped at `memory_bytes`,
    files it writes at `file_size_bytes`, no core dump, and its process group killed after
    `seconds`. `env` defaults to this process's environment."""
    read_end, write_end = os.pipe()
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(write_end)]
    limits = [str(memory_bytes), str(file_size_bytes), str(seconds)]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(
                [*launcher, *limits, *(os.fspath(arg) for arg in argv)],
                cwd=cwd,
                env=dict(os.environ if env is None else env),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                pass_fds=(write_end,),
                start_new_session=True,
            )
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as report_pipe:
            try:
                process.wait(timeout=seconds + 30)  # a safety net: the launcher kills first
            except subprocess.TimeoutExpired:
                _kill_group(process.pid)
                process.wait()
            report = report_pipe.read()
        stdout.seek(0)
        stderr.seek(0)
        out = stdout.read().decode("utf-8", "backslashreplace")
        err = stderr.read().decode("utf-8", "backslashreplace")
    if not report:
        raise RuntimeError(f"run_capped's launcher failed (exit {process.returncode}): {err}")
    return Outcome(stdout=out, stderr=err, **json.loads(report))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def snapshot(folder: str | Path) -> dict[str, dict]:
    """Every entry under `folder` (not following links), by relative path: its kind, mode,
    size, link target and, for regular files, sha256. FIFOs and devices are never opened."""
    folder = Path(folder)
    entries: dict[str, dict] = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            entry = {
                "kind": _kind(info.st_mode),
                "mode": stat.S_IMODE(info.st_mode),
                "size": info.st_size,
            }
            if stat.S_ISLNK(info.st_mode):
                entry["target"] = os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                entry["sha256"] = _sha256(path)
            entries[os.fsdecode(path.relative_to(folder))] = entry
    return entries


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISREG, "file"),
        (stat.S_ISDIR, "dir"),
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISCHR, "char"),
        (stat.S_ISBLK, "block"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return kind
    return "other"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def changed(before: Mapping[str, dict], after: Mapping[str, dict]) -> list[str]:
    """What differs between two snapshots, one line per path: "added PATH", "removed PATH",
    "changed PATH (FIELDS)"; empty when nothing did."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if path not in after:
            lines.append(f"removed {path!r}")
        elif path not in before:
            lines.append(f"added {path!r}")
        elif before[path] != after[path]:
            fields = sorted(
                key
                for key in before[path].keys() | after[path].keys()
                if before[path].get(key) != after[path].get(key)
            )
            lines.append(f"changed {path!r} ({', '.join(fields)})")
    return lines


def assert_refused(
    outcome: Outcome, exit_status: int = 2, names: Sequence[str] | None = None
) -> None:
    """Assert a clean refusal: the exit status, nothing on stdout, exactly one stderr line
    starting "error: " that contains each of `names`, and no traceback."""
    summary = (
        f"exit {outcome.returncode}, {outcome.wall_seconds:.1f} s, "
        f"peak RSS {outcome.peak_rss_bytes / 2**20:.0f} MiB, timed out {outcome.timed_out}\n"
        f"stdout: {outcome.stdout[:2000]!r}\nstderr: {outcome.stderr[:2000]!r}"
    )
    assert not outcome.timed_out, f"timed out\n{summary}"
    assert outcome.returncode == exit_status, f"expected exit {exit_status}\n{summary}"
    assert "Traceback" not in outcome.stdout + outcome.stderr, f"a traceback\n{summary}"
    assert outcome.stdout == "", f"expected no stdout\n{summary}"
    lines = outcome.stderr.split("\n")
    if lines[-1] == "":
        lines.pop()
    assert len(lines) == 1, f"expected exactly one stderr line\n{summary}"
    assert lines[0].startswith("error: "), f"expected 'error: ...'\n{summary}"
    for name in names or ():
        assert name in lines[0], f"expected {name!r} in the error line\n{summary}"
