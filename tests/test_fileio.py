"""Atomic output files: all or nothing, with ordinary permissions."""
import os
import stat

import pytest

from vgp_symbolic.fileio import atomic_open, atomic_write_text


def test_files_get_the_usual_permissions(tmp_path):
    atomic_write_text(tmp_path / "key.csv", "a\n")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "key.csv").st_mode) == 0o666 & ~mask


def test_a_crash_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "gradebook.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half a gradebook")
            raise RuntimeError("crash")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["gradebook.csv"]
