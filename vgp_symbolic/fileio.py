"""Writing output files so that a crash never leaves half a file behind — or half a folder.

One file: :func:`atomic_open` (temporary file, fsync, rename). A set of files: :func:`staged_dir`
builds them all in a staging folder beside the target and swaps it in at the end, so that a run
killed at any moment leaves the previous complete result, never a mix of old and new files.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.csv", "x,y\\n")
>>> (d / "a.csv").read_text()
'x,y\\n'
"""
from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write_text", "atomic_write_bytes", "atomic_open", "staged_dir"]


@contextmanager
def atomic_open(path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None):
    """Open a temporary file beside ``path``; on success it is renamed over ``path``.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600; give it the mode a plain open() would (0666 & ~umask)
        os.chmod(tmp, 0o666 & ~_umask())
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read the umask is to set it
    os.umask(mask)
    return mask


def atomic_write_text(path, text: str, newline: str | None = None) -> None:
    """Write ``text`` to ``path`` atomically (temporary file + rename)."""
    with atomic_open(path, "w", newline=newline) as fh:
        fh.write(text)


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb", encoding=None) as fh:
        fh.write(data)


@contextmanager
def staged_dir(target):
    """Yield an empty staging folder beside ``target``; on success it replaces ``target`` whole.

    Files written into the staging folder need no fsync each: one ``syncfs`` at the end makes the
    set durable before the swap. On Linux the swap is one atomic ``renameat2(RENAME_EXCHANGE)``;
    elsewhere two renames, and a run killed between them is repaired by the next call (the
    previous result is moved back). On an exception the staging folder is removed and ``target``
    is untouched.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with staged_dir(d) as tmp:
    ...     _ = (tmp / "a.txt").write_text("new")
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt']
    """
    target = Path(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    old = parent / f".{target.name}.old"
    if old.exists() and not target.exists():   # a previous run died between its two renames
        os.rename(old, target)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)
    for stale in parent.glob(f".{target.name}.staging-*"):   # left by killed runs
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{target.name}.trash-*"):     # removal killed, or under way
        _remove(stale, parent, target.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        _sync(tmp)
        if target.exists():
            if not _exchange(tmp, target):
                os.rename(target, old)
                os.rename(tmp, target)
                tmp = old
            _remove(tmp, parent, target.name)        # now holds the previous result
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


BACKGROUND_FROM = 1000     # entries of a replaced result from which it is removed in background


def _remove(path: Path, parent: Path, name: str) -> None:
    """Remove a replaced result. On a file system mounted with ``discard`` unlinking synced files
    is slow (5,000 feedback files: 12 s here), so a large tree is renamed ``.<name>.trash-*`` and
    removed by a detached process (where the system forks): the command returns at once, and the
    next :func:`staged_dir` finishes a removal that was cut short."""
    try:
        small = not hasattr(os, "fork") or sum(
            1 for _ in zip(range(BACKGROUND_FROM), path.rglob("*"))) < BACKGROUND_FROM
    except FileNotFoundError:  # the previous run's remover is deleting this trash right now
        small = True
    if small:
        shutil.rmtree(path, ignore_errors=True)
        return
    if not path.name.startswith(f".{name}.trash-"):
        trash = Path(tempfile.mkdtemp(prefix=f".{name}.trash-", dir=parent))
        os.rename(path, trash / "old")
        path = trash
    pid = os.fork()
    if pid == 0:                 # the child forks the remover and exits: nobody waits for it
        try:
            if os.fork() == 0:
                os.setsid()
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _sync(path: Path) -> None:
    """Make everything written under ``path`` durable: one syncfs instead of one fsync per file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if getattr(libc, "syncfs", None) is None or libc.syncfs(fd) != 0:
            os.sync()
    except OSError:
        os.sync()
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD = -100
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
