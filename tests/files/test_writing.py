"""Atomic writes touch only their target, and only if it is a file (or the pipeline's link)."""

import os

import pytest

from shapegen.errors import InputError
from shapegen.files.writing import atomic_path, check_target, write_bytes


def test_a_write_replaces_a_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]


def test_the_pipeline_replaces_a_link_and_never_writes_through_it(tmp_path):
    cached = tmp_path / "cache-file"  # as DVC's symlink cache links an output
    cached.write_bytes(b"cached")
    target = tmp_path / "out.json"
    target.symlink_to(cached)
    write_bytes(target, b"new")
    assert not target.is_symlink() and target.read_bytes() == b"new"
    assert cached.read_bytes() == b"cached"


def test_a_named_path_refuses_a_link(tmp_path):
    target = tmp_path / "out.png"
    target.symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(InputError, match=r"is a symbolic link \(to '.*elsewhere\.png'\)"):
        write_bytes(target, b"new", replace_link=False)
    assert target.is_symlink() and not (tmp_path / "elsewhere.png").exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_what_is_not_a_file_is_refused_whatever_the_caller(tmp_path, kind):
    target = tmp_path / "out"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    for replace_link in (True, False):
        with pytest.raises(InputError, match=r"out: is a (FIFO|folder)"):
            check_target(target, replace_link)


def test_a_long_legal_name_is_written(tmp_path):
    target = tmp_path / ("n" * 250 + ".png")
    write_bytes(target, b"png")
    assert target.read_bytes() == b"png"


def test_only_shapegens_leftovers_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "out.h5"
    dead = tmp_path / f".out.h5.{2**22 + 3}-{'f' * 16}.shapegen-tmp.h5"
    other_target = tmp_path / f".other.h5.{2**22 + 3}-{'f' * 16}.shapegen-tmp.h5"
    user = tmp_path / ".out.h5.tmp-abc.h5"
    for path in (dead, other_target, user):
        path.write_bytes(b"x")
    with atomic_path(target) as temporary:
        assert ".shapegen-tmp" in temporary.name and str(os.getpid()) in temporary.name
        temporary.write_bytes(b"data")
    assert not dead.exists()
    assert other_target.exists() and user.exists()
