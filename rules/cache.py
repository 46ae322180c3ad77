"""On-disk cache of compiled engines (issue 17: start-up under 0.3 s when nothing changed).

Compiling the lexicons (key views, pinyin/homophone/形近字 variants, the Aho–Corasick automaton)
takes seconds; loading the pickled result takes a fraction of that. An engine is stored under a key
that hashes everything it was compiled from:

- every ``*.txt`` of the lexicon directory (and the shipped character tables it falls back to),
  by name and bytes;
- the supervisor-managed ``extra`` terms (JSON, sorted keys);
- the source of the ``rules`` package itself, the Python version and pyahocorasick's version.

So an edited lexicon, a new extra term or a new engine release is a new key and a fresh compile:
a cached engine is never stale. Files are written atomically (temporary file + rename) and only the
newest few are kept. A cache file that cannot be read is ignored (and the engine compiled).

Where: ``QINGLANG_RULES_CACHE`` if set (``off`` disables the cache), else
``$QINGLANG_VAR_DIR/rules-cache``, else ``~/.cache/qinglang/rules``. The directory must be
writable by the application only: it holds pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Extra-term lists longer than this are compiled, not cached (hashing and storing them would cost
#: more than it saves; the Django side caches its engine per process).
MAX_CACHED_EXTRA = 5_000
KEEP = 6
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """The cache directory, or None when the cache is off."""
    env = os.environ.get("QINGLANG_RULES_CACHE", "")
    if env.lower() in ("off", "0", "no", "false"):
        return None
    if env:
        return Path(env)
    var = os.environ.get("QINGLANG_VAR_DIR")
    if var:
        return Path(var) / "rules-cache"
    return Path.home() / ".cache" / "qinglang" / "rules"


def cache_key(directory: Path, extra: list[Mapping[str, Any]] | None) -> str:
    """A hash of everything an engine is compiled from (see the module docstring)."""
    import ahocorasick

    h = hashlib.sha256()
    h.update(sys.version.encode())
    h.update(str(getattr(ahocorasick, "__version__", "")).encode())
    for path in sorted(_PACKAGE.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    shipped = _PACKAGE / "lexicons"
    for folder in dict.fromkeys([directory.resolve(), shipped]):
        for path in sorted(folder.glob("*.txt")):
            h.update(str(path).encode())
            h.update(path.read_bytes())
    h.update(json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str).encode() if extra else b"-")
    return h.hexdigest()[:32]


def lookup(directory: Path, extra: list[Mapping[str, Any]] | None) -> tuple[Any, Path | None]:
    """(the cached engine or None, the path to store a freshly compiled one at, or None)."""
    folder = cache_dir()
    if folder is None or (extra is not None and len(extra) > MAX_CACHED_EXTRA):
        return None, None
    try:
        path = folder / f"engine-{cache_key(directory, extra)}.pickle"
        with path.open("rb") as fh:
            return pickle.load(fh), path  # noqa: S301 — our own file, in the application's directory
    except FileNotFoundError:
        return None, path
    except Exception:  # noqa: BLE001 — a damaged or foreign cache file: compile instead
        return None, path


def store(path: Path | None, engine: Any) -> None:
    """Write `engine` to `path` atomically and keep only the newest few cache files."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".engine-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(engine, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        old = sorted(path.parent.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, UnboundLocalError, NameError):
            pass
