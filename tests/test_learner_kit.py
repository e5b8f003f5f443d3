"""Tests of emlib.learner_kit and of how the site offers the kit (the install itself: test_learner_env.py)."""

import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

from emlib import check, learner_kit, student
from emlib.myst_markdown import find_myst

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
KIT = HTML / learner_kit.KIT_NAME
CHAPTERS = [path.stem for path in sorted((ROOT / "book").glob(student.CHAPTER_GLOB))]
LEARNER_PACKAGES = ["numpy", "scipy", "matplotlib", "jupyterlab", "ipykernel", "dask"]
CONDA_EXTRAS = {"dask": ["distributed"]}
"""pip extras that conda-forge ships as packages of their own, with the same pin (``dask[distributed]``: ``distributed``)."""


def pins(lines: list[str]) -> dict[str, str]:
    """Each PEP 508 requirement's version pin, by name, in order (installs such as ``-e .`` left out)."""
    parsed = [Requirement(line) for line in lines if not line.startswith("-")]
    return {requirement.name: str(requirement.specifier) for requirement in parsed}


def test_requirements_and_environment_list_the_same_lean_packages():
    [pip_file] = check.read_requirements(ROOT / "requirements-learner.txt")
    assert pip_file.problems == []
    pip = pins(pip_file.requirements)
    assert list(pip) == LEARNER_PACKAGES
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = pins([line for line in environment["dependencies"] if isinstance(line, str)])
    assert conda.pop("python") == ">=3.11"
    assert conda.pop("pip") == ""
    for name, extras in CONDA_EXTRAS.items():
        for extra in extras:
            assert extra in Requirement(next(line for line in pip_file.requirements if line.startswith(name))).extras
            assert conda.pop(extra) == pip[name], f"environment.yml pins {extra} as requirements-learner.txt pins {name}"
    assert conda == pip, "environment.yml and requirements-learner.txt pin different packages or versions"
    assert list(conda) == LEARNER_PACKAGES
    for text in ((ROOT / "requirements-learner.txt").read_text(), (ROOT / "environment.yml").read_text()):
        for package in ("jupyter-book", "myst-nb", "pytest", "playwright", "sphinx"):
            assert package not in text


def test_for_the_kit_installs_emlib_from_the_wheel():
    pip = learner_kit.for_the_kit((ROOT / "requirements-learner.txt").read_text(), "0.1.0")
    assert pip.splitlines()[-2:] == ["--find-links .", "emlib==0.1.0"]
    assert "-e ." not in pip
    conda = learner_kit.for_the_kit((ROOT / "environment.yml").read_text(), "0.1.0")
    assert conda.splitlines()[-2:] == ["      - --find-links .", "      - emlib==0.1.0"]
    with pytest.raises(ValueError, match="no line installs emlib from the checkout"):
        learner_kit.for_the_kit("numpy\n", "0.1.0")


def test_write_kit_leaves_the_earlier_kit_when_it_fails(tmp_path):
    out = tmp_path / "site" / learner_kit.KIT_NAME
    out.parent.mkdir()
    out.write_bytes(b"the earlier kit")
    with pytest.raises(ValueError, match="build the book first"):
        learner_kit.write_kit(ROOT, out, tmp_path / "no-build")
    assert out.read_bytes() == b"the earlier kit"
    assert [path.name for path in out.parent.iterdir()] == [learner_kit.KIT_NAME]
    assert learner_kit.main(["--root", str(ROOT), "--executed", str(tmp_path / "no-build"), "--out", str(out)]) == 1


@pytest.fixture(scope="module")
def kit():
    if not KIT.is_file():
        pytest.skip("the book is not built (make book): no learner kit")
    with zipfile.ZipFile(KIT) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_kit_holds_both_copies_emlib_and_the_setup(kit):
    folder = learner_kit.FOLDER
    for kind in ("reader", "workshop"):
        for stem in CHAPTERS:
            notebook = nbformat.reads(kit[f"{folder}/{kind}/{stem}.ipynb"].decode(), as_version=4)
            assert all(find_myst(cell.source) == [] for cell in notebook.cells)
    wheels = [name for name in kit if name.endswith(".whl")]
    assert len(wheels) == 1
    readme = kit[f"{folder}/README.md"].decode()
    assert Path(wheels[0]).name in readme
    for needed in ("requirements-learner.txt", "environment.yml", "LICENSE", "LICENSE-CONTENT"):
        assert f"{folder}/{needed}" in kit and needed in readme
    for command in ("python3 -m venv .venv", "py -m venv .venv", "conda env create -f environment.yml",
                    "-m emlib.check", "jupyter lab reader"):
        assert command in readme


def links(page: Path) -> list[str]:
    return re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8"))


def test_the_setup_page_and_every_chapter_offer_the_kit(kit):
    for page in [HTML / "book" / "setup.html", *(HTML / "book" / f"{stem}.html" for stem in CHAPTERS)]:
        targets = [urljoin(page.relative_to(HTML).as_posix(), href) for href in links(page)]
        assert learner_kit.KIT_NAME in targets, f"{page.name} does not link to the kit"


def test_each_chapter_offers_its_reader_copy_not_its_source(kit):
    with zipfile.ZipFile(HTML / learner_kit.KIT_NAME) as archive:
        for stem in CHAPTERS:
            page = HTML / "book" / f"{stem}.html"
            targets = [urljoin(page.relative_to(HTML).as_posix(), href) for href in links(page)]
            notebooks = [target for target in targets if target.endswith(".ipynb") and "://" not in target]
            assert notebooks == [f"reader/{stem}.ipynb"], f"{page.name} offers {notebooks}"
            offered = (HTML / notebooks[0]).read_bytes()
            assert offered == archive.read(f"{learner_kit.FOLDER}/reader/{stem}.ipynb")
            assert b"myst_nb" not in offered and b"{glue" not in offered


def test_the_setup_page_comes_first_and_numbers_stay(kit):
    index = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    assert index.index('href="setup.html"') < index.index('href="01-welcome.html"')
    chapter = (HTML / "book" / "05-broadcasting.html").read_text(encoding="utf-8")
    assert "Exercise 5.1" in chapter and "Fig. 5.1" in chapter


def test_every_page_names_the_licences(kit):
    for page in sorted(HTML.glob("book/*.html")):
        text = page.read_text(encoding="utf-8")
        assert "CC BY 4.0" in text and "BSD-3-Clause" in text, page.name


def test_rebuilding_the_kit_gives_the_same_bytes(kit, tmp_path):
    executed = ROOT / "_build" / "jupyter_execute" / "book"
    first = learner_kit.write_kit(ROOT, tmp_path / "one" / learner_kit.KIT_NAME, executed)
    second = learner_kit.write_kit(ROOT, tmp_path / "two" / learner_kit.KIT_NAME, executed)
    assert first.read_bytes() == second.read_bytes()


def test_the_sites_reader_copies_are_the_kits_and_old_ones_go(kit, tmp_path):
    executed = ROOT / "_build" / "jupyter_execute" / "book"
    reader = tmp_path / "reader"
    reader.mkdir()
    (reader / "09-removed-chapter.ipynb").write_text("{}")
    (reader / "notes.txt").write_text("not a copy")
    written = learner_kit.write_kit(ROOT, tmp_path / learner_kit.KIT_NAME, executed, reader_dir=reader)
    with zipfile.ZipFile(written) as archive:
        for stem in CHAPTERS:
            assert (reader / f"{stem}.ipynb").read_bytes() == archive.read(f"{learner_kit.FOLDER}/reader/{stem}.ipynb")
    assert sorted(path.name for path in reader.iterdir()) == sorted([f"{stem}.ipynb" for stem in CHAPTERS] + ["notes.txt"])
