"""Folders and files that sim writes: their identity, safe replacement, and runs that died.

Every folder sim writes (a results folder of ``sim run``/``sim compare``, a sweep folder) carries a
``manifest.json`` with ``"marker": MARKER``, its ``kind`` and the writing process (pid, host, start
time). From that:

- :func:`claim_folder` lets a command write only into an empty or missing folder, or into one sim
  created for the same kind of output. ``--overwrite`` deletes only the entries sim writes there,
  and refuses (deleting nothing) when the folder holds anything else, is a symbolic link, or is
  being written by a live process.
- :func:`check_out_file` guards a single output file: an existing file needs ``--overwrite``, and
  a command's own inputs are never overwritten, even then.
- :func:`folder_status` reads a manifest left ``running`` by a process that no longer exists as
  ``interrupted``, in every command that reads folders.

Every refusal is a :class:`~sim.scenario.ScenarioError` (exit code 2) naming the path and option.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterable
from pathlib import Path

from sim.scenario import Problem, ScenarioError

MARKER = "sim-folder/1"  #: in the manifest of every folder sim writes
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 256 * 2**20  # a sweep of 200,000 points writes about 20 MB
#: the entries sim writes in a folder of each kind; a sub-folder's files must match its patterns
OWN_ENTRIES: dict[str, dict[str, tuple[str, ...]]] = {
    "results": {MANIFEST: (), "runs.parquet": (), "monthly.parquet": (), "intervals.parquet": (), "tei.parquet": (),
                "comparison.csv": (), "comparison.parquet": (), "voi.csv": (), "variance_share.csv": (), "tornado.csv": (),
                "report.html": (), "charts": ("*.png", "*.svg"), "decision.csv": (), "decision.json": (),
                "business_case.xlsx": ()},
    "sweep": {MANIFEST: (), "sweep.parquet": (), "failures.parquet": (), "parts": ("part-*.parquet",)},
}
TEMP = re.compile(r"^\..+\.tmp-\d+$")  # an atomic write in progress (store.atomic_write_bytes)


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped a command; the message says what was kept."""


def _refuse(path: Path | str, option: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(str(path), 0, option, message)])


# ---- the process that writes a folder ---------------------------------------------------------
def _start_ticks(pid: int) -> str | None:
    """When process ``pid`` started (Linux clock ticks since boot), to tell a reused pid; None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] == "Z" else fields[19]  # a zombie has exited already


def process_identity() -> dict:
    """Manifest keys that let any later command tell whether this process is still running."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "pid_started": _start_ticks(pid)}


def writer_alive(manifest: dict) -> bool:
    """False when the manifest's writer is known to be gone (same host, no such process, or a reused pid)."""
    if manifest.get("host") != socket.gethostname():
        return True  # another machine: we cannot tell
    try:
        pid = int(manifest.get("pid"))
        os.kill(pid, 0)
    except (TypeError, ValueError, ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    started = manifest.get("pid_started")
    now = _start_ticks(pid)
    if Path("/proc/self/stat").exists() and now is None:
        return False  # a zombie, or gone since os.kill
    return started is None or now is None or now == started


def folder_status(manifest: dict) -> str:
    """The manifest's status, with ``running`` read as ``interrupted`` when its process is gone."""
    status = str(manifest.get("status"))
    return "interrupted" if status == "running" and not writer_alive(manifest) else status


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest, or None when it has none; an unreadable one is a refusal."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise _refuse(path, "", f"is larger than {MAX_MANIFEST_BYTES:,} bytes: not a manifest written by sim")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise _refuse(path, "", f"cannot read this manifest ({e})") from None
    if not isinstance(data, dict):
        raise _refuse(path, "", "not a manifest written by sim")
    return data


def folder_kind(manifest: dict | None) -> str | None:
    """``results`` or ``sweep`` for a folder sim wrote (older folders without a kind included)."""
    if manifest is None:
        return None
    if manifest.get("kind"):
        return str(manifest["kind"])
    return "sweep" if "design" in manifest else ("results" if "run_id" in manifest else None)


# ---- writing into a folder ----------------------------------------------------------------------
def _existing_ancestor(path: Path, option: str) -> Path:
    """The nearest existing folder at or above ``path``; a file on the way is a refusal."""
    for p in (path, *path.parents):
        try:
            if p.is_symlink() or p.exists():
                if not p.is_dir():
                    raise _refuse(path, option, f"{p} is a file, not a folder")
                return p
        except (OSError, ValueError) as e:
            raise _refuse(path, option, f"not a usable path ({getattr(e, 'strerror', None) or e})") from None
    return Path(".")


def _foreign_entries(folder: Path, kind: str) -> list[str]:
    """Entries of ``folder`` that sim does not write in a folder of this kind (symlinks always count)."""
    own, foreign = OWN_ENTRIES[kind], []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if entry.is_symlink():
            foreign.append(name)
        elif TEMP.match(name) and entry.is_file():
            continue
        elif name not in own or entry.is_dir() != bool(own[name]):
            foreign.append(name + ("/" if entry.is_dir() else ""))
        elif entry.is_dir():
            for sub in sorted(entry.iterdir()):
                if sub.is_symlink() or not sub.is_file() or not any(sub.match(p) for p in own[name]):
                    foreign.append(f"{name}/{sub.name}")
    return foreign


def _delete_own(folder: Path, kind: str) -> None:
    """Delete what sim wrote in ``folder`` (checked by :func:`_foreign_entries`); the manifest last."""
    entries = sorted(folder.iterdir(), key=lambda e: e.name == MANIFEST)
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            for sub in entry.iterdir():
                sub.unlink()
            entry.rmdir()
        else:
            entry.unlink()


def claim_folder(out: Path | str, kind: str, overwrite: bool = False, resume: bool = False, option: str = "--out",
                 check_only: bool = False) -> Path:
    """Make ``out`` ready for a folder of ``kind``; returns it. Refuses (exit 2) rather than lose anything.

    Args:
        out: the folder.
        kind: ``results`` or ``sweep``.
        overwrite: replace a folder sim wrote for the same kind (only its own entries are deleted).
        resume: a folder of the same kind is kept as it is (a sweep resumes into it).
        option: the command-line option named in messages.
        check_only: refuse what would be refused, but delete and create nothing (``--dry-run``).
    """
    out = Path(out)
    if out.is_symlink():
        raise _refuse(out, option, "is a symbolic link; give the folder itself (sim never writes or deletes through a link)")
    _existing_ancestor(out, option)
    if out.is_dir() and any(out.iterdir()):
        manifest = read_manifest(out)
        found = folder_kind(manifest)
        if found is None or manifest.get("marker") != MARKER and not (resume and found == kind):
            raise _refuse(out, option, "is not empty and was not written by this version of sim (no manifest.json with its "
                          "marker): choose another folder, or empty this one yourself")
        if found != kind:
            raise _refuse(out, option, f"holds {'a sweep' if found == 'sweep' else 'run results'}, not "
                          f"{'a sweep' if kind == 'sweep' else 'run results'}: choose another folder")
        if folder_status(manifest) == "running":
            raise _refuse(out, option, f"is being written by a running sim (pid {manifest.get('pid')} on "
                          f"{manifest.get('host')}); wait for it or stop it first")
        if resume and not overwrite:
            return out
        if not overwrite:
            raise _refuse(out, option, "folder exists and is not empty; choose another --out or pass --overwrite")
        foreign = _foreign_entries(out, kind)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise _refuse(out, option, f"--overwrite deletes only what sim wrote, and this folder also holds {shown}: "
                          "move them away or choose another folder (nothing was deleted)")
        if check_only:
            return out
        try:
            _delete_own(out, kind)
        except OSError as e:
            raise _refuse(out, option, f"cannot clear the old {kind} ({e.strerror or e})") from None
    if check_only:
        return out
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".probe.tmp-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise _refuse(out, option, f"cannot write here ({e.strerror or e})") from None
    return out


# ---- writing one file ---------------------------------------------------------------------------
def _atomic(path: Path, write) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk or Ctrl-C leaves neither half a file nor debris
        raise


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write to a hidden temporary name beside ``path``, then rename: readers never see half a file."""
    _atomic(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_parquet(df, path: Path | str) -> None:
    """A pandas DataFrame as Parquet, atomically (see :func:`atomic_write_bytes`)."""
    _atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_file(path: Path | str, data: bytes, inputs: Iterable[Path | str] = (), overwrite: bool = False,
               option: str = "--out") -> Path:
    """Check ``path`` (:func:`check_out_file`), create its folder, write ``data`` atomically."""
    path = check_out_file(path, inputs, overwrite, option)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    except OSError as e:
        raise _refuse(path, option, f"cannot write ({e.strerror or e})") from None
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except (OSError, ValueError, RuntimeError):
        return False


def check_out_file(path: Path | str, inputs: Iterable[Path | str] = (), overwrite: bool = False,
                   option: str = "--out") -> Path:
    """Refuse (exit 2) to write ``path`` if it is a folder, exists without ``overwrite``, is one of
    ``inputs`` (even with ``overwrite``), or cannot be created (a parent is a file, no permission)."""
    path = Path(path)
    for source in inputs:
        if _same_file(path, Path(source)):
            raise _refuse(path, option, "is an input of this command; sim never overwrites its own inputs: choose another file")
    try:
        exists = path.is_symlink() or path.exists()
        is_dir = path.is_dir()
    except (OSError, ValueError) as e:
        raise _refuse(path, option, f"not a usable path ({getattr(e, 'strerror', None) or e})") from None
    if is_dir:
        raise _refuse(path, option, "is a folder; give a file name")
    if exists and not overwrite:
        raise _refuse(path, option, "exists; choose another file or pass --overwrite to replace it")
    folder = _existing_ancestor(path.parent, option)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(path, option, f"cannot write in {folder} (permission denied)")
    return path
