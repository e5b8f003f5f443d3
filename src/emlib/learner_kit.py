"""The learner kit: one zip that runs the book's chapters on a laptop, offline once installed.

``make book`` writes it to ``_build/html/learner-kit.zip`` (the site offers it
on its Setup page and in each chapter's download menu). It holds, under a
folder ``learner-kit/``:

* ``reader/``: the chapters with their solutions collapsed, for self-study;
* ``workshop/``: the chapters with a "Your turn" note in place of each solution;
* ``emlib-<version>-py3-none-any.whl``: the book's package;
* ``requirements-learner.txt`` and ``environment.yml``: what to install, with
  pip or conda, in which the line that installs ``emlib`` from the repository
  is replaced by one that installs it from the wheel next to them;
* ``README.md``: the setup commands (:data:`README`), and the licences.

The copies are those of :mod:`emlib.student`, so the book must have been built
(they carry the numbers the build computed). Run ``python -m emlib.learner_kit``
from the repository root.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from emlib.command_line import argument_parser, run
from emlib.files import ZIP_DATE, write_atomically, zip_bytes
from emlib.student import build_copies

KIT_NAME = "learner-kit.zip"
"""The archive's file name on the site."""

FOLDER = "learner-kit"
"""The folder the archive unpacks into."""

README = """\
# Losing the loops: the learner kit

The chapters of the book *Losing the loops: EM from nested loops to NumPy
broadcasting*, ready to run on your own computer. Once installed, nothing
needs the internet.

| in this folder | what |
|---|---|
| `reader/` | the chapters, each solution collapsed under its exercise: for reading on your own |
| `workshop/` | the chapters with a "Your turn" note instead of each solution: for a workshop |
| `{wheel}` | `emlib`, the book's package: the code every chapter imports |
| `requirements-learner.txt`, `environment.yml` | what to install, for pip or for conda |

You need Python 3.11 or newer. Open a terminal in this folder, then install
once, in one of these three ways.

Linux or macOS, with `venv`:

```bash
python3 -m venv .venv
.venv/bin/python -m pip install -r requirements-learner.txt
```

Windows, with `venv` (in PowerShell or the Command Prompt):

```bat
py -m venv .venv
.venv\\Scripts\\python -m pip install -r requirements-learner.txt
```

Any system, with conda:

```bash
conda env create -f environment.yml
conda activate losing-the-loops
```

Check the installation: `.venv/bin/python -m emlib.check` (Windows:
`.venv\\Scripts\\python -m emlib.check`; conda: `python -m emlib.check`) prints
one line per check and ends with `OK`, or with `FAIL:` and what to do. Then
open the chapters:

```bash
.venv/bin/jupyter lab reader
```

(Windows: `.venv\\Scripts\\jupyter lab reader`; conda: `jupyter lab reader`;
`workshop` instead of `reader` in a workshop.)

Licences: the code, including `emlib`, is BSD-3-Clause (`LICENSE`); the text
and figures are CC BY 4.0 (`LICENSE-CONTENT`).
"""
"""The kit's README; ``{wheel}`` is the wheel's file name."""

_EPOCH = int(datetime.datetime(*ZIP_DATE, tzinfo=datetime.timezone.utc).timestamp())
"""The wheel's file dates, as a Unix time: those of the kit's other members."""

_INSTALL_FROM_REPOSITORY = ("-e .", "- -e .", ".", "- .")
"""The requirement lines (pip, conda's pip section) that install emlib from a checkout."""


def build_wheel(root: Path, into: Path) -> Path:
    """Build ``emlib``'s wheel from the checkout ``root`` into the folder ``into``; its path.

    The sources are copied first, so the build leaves nothing in the checkout.

    Raises
    ------
    ValueError
        If the build fails (the message holds pip's last line).
    """
    source = into / "source"
    shutil.copytree(root / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT"):
        if (root / name).is_file():
            shutil.copy2(root / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(into), str(source)],
        capture_output=True, text=True, check=False,
        # Fixed dates inside the wheel, so rebuilding the kit gives the same bytes.
        env={**os.environ, "SOURCE_DATE_EPOCH": str(_EPOCH)},
    )
    wheels = sorted(into.glob("emlib-*.whl"))
    if result.returncode or not wheels:
        last = ([line for line in (result.stderr + result.stdout).splitlines() if line.strip()] or ["no wheel"])[-1]
        raise ValueError(f"building emlib's wheel failed: {last}")
    return wheels[0]


def for_the_kit(text: str, version: str) -> str:
    """A requirements file or environment.yml, with emlib installed from the kit's wheel.

    The line installing emlib from the checkout (``-e .``) becomes
    ``--find-links .`` (the kit's folder: pip reads it relative to the
    requirements file) and ``emlib==<version>``.

    Raises
    ------
    ValueError
        If ``text`` has no line that installs emlib from the checkout.
    """
    lines, found = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in _INSTALL_FROM_REPOSITORY:
            indent = line[: len(line) - len(line.lstrip())]
            dash = "- " if stripped.startswith("- ") else ""
            lines += [f"{indent}{dash}--find-links .", f"{indent}{dash}emlib=={version}"]
            found = True
        else:
            lines.append(line.replace("from this folder", "from the wheel in this folder"))
    if not found:
        raise ValueError("no line installs emlib from the checkout (-e .)")
    return "\n".join(lines) + "\n"


def kit_members(root: str | Path, executed_dir: str | Path) -> dict[str, bytes]:
    """Every file of the kit, by its path in the archive.

    Raises
    ------
    ValueError
        If the chapters cannot be converted (see :func:`emlib.student.build_copies`),
        the wheel cannot be built, or a file of the kit is missing.
    """
    root = Path(root)
    members: dict[str, bytes] = {}
    for name, reader, workshop, _ in build_copies(root / "book", executed_dir):
        members[f"{FOLDER}/reader/{name}"] = (nbformat.writes(reader) + "\n").encode()
        members[f"{FOLDER}/workshop/{name}"] = (nbformat.writes(workshop) + "\n").encode()
    with tempfile.TemporaryDirectory() as scratch:
        wheel = build_wheel(root, Path(scratch))
        members[f"{FOLDER}/{wheel.name}"] = wheel.read_bytes()
    version = wheel.name.split("-")[1]
    for name in ("requirements-learner.txt", "environment.yml"):
        path = root / name
        if not path.is_file():
            raise ValueError(f"{path}: missing, the kit needs it")
        try:
            members[f"{FOLDER}/{name}"] = for_the_kit(path.read_text(encoding="utf-8"), version).encode()
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
    for name in ("LICENSE", "LICENSE-CONTENT"):
        if not (root / name).is_file():
            raise ValueError(f"{root / name}: missing, the kit needs it")
        members[f"{FOLDER}/{name}"] = (root / name).read_bytes()
    members[f"{FOLDER}/README.md"] = README.format(wheel=wheel.name).encode()
    return members


def write_kit(
    root: str | Path, out: str | Path, executed_dir: str | Path, *, reader_dir: str | Path | None = None
) -> Path:
    """Write the kit to ``out``, replacing any earlier one atomically; its path.

    Parameters
    ----------
    root : str or pathlib.Path
        The repository's checkout (``book/``, ``src/``, ``pyproject.toml`` ...).
    out : str or pathlib.Path
        The zip to write, e.g. ``_build/html/learner-kit.zip``.
    executed_dir : str or pathlib.Path
        The build's executed chapters (``_build/jupyter_execute/book``).
    reader_dir : str or pathlib.Path, optional
        Also write each chapter's reader copy, as in the kit, into this folder
        (the site's, where each chapter's download menu offers its own), after
        the zip, and remove the notebooks there that the kit no longer has.

    Raises
    ------
    ValueError
        See :func:`kit_members`; nothing is written then.
    """
    members = kit_members(root, executed_dir)
    kit = write_atomically(out, lambda handle: handle.write(zip_bytes(members)))
    if reader_dir is not None:
        prefix = f"{FOLDER}/reader/"
        copies = {member.removeprefix(prefix): data for member, data in members.items() if member.startswith(prefix)}
        for name, data in copies.items():
            write_atomically(Path(reader_dir) / name, lambda handle, data=data: handle.write(data))
        for stale in Path(reader_dir).glob("*.ipynb"):
            if stale.name not in copies:
                stale.unlink()
    return kit


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m emlib.learner_kit [--root .] [--executed DIR] [--out ZIP]``."""
    parser = argument_parser("emlib.learner_kit", __doc__)
    parser.add_argument("--root", default=".", help="the repository's checkout (default: .)")
    parser.add_argument("--executed", default="_build/jupyter_execute/book",
                        help="the build's executed chapters (default: _build/jupyter_execute/book)")
    parser.add_argument("--out", default=f"_build/html/{KIT_NAME}", help=f"the zip to write (default: _build/html/{KIT_NAME})")
    args = parser.parse_args(argv)
    try:
        path = write_kit(args.root, args.out, args.executed)
    except (ValueError, OSError) as err:
        print(f"{parser.prog}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted; the earlier kit is unchanged", file=sys.stderr)
        return 130
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    run(main)
