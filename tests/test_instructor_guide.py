"""The instructor guide matches the chapters: its schedule adds up, its exercises exist."""

import re
from pathlib import Path

import nbformat

BOOK = Path(__file__).resolve().parents[1] / "book"
GUIDE = (BOOK / "instructor-guide.md").read_text(encoding="utf-8")
LABEL = re.compile(r"\bex-\d\d-[A-Za-z0-9-]*[A-Za-z0-9]")


def schedule() -> list[tuple[int, int]]:
    """``(start in minutes, length in minutes)`` of every row of the schedule table."""
    rows = re.findall(r"^\| (\d+):(\d\d) \| (\d+) \|", GUIDE, flags=re.M)
    return [(60 * int(hours) + int(minutes), int(length)) for hours, minutes, length in rows]


def chapter_exercises() -> set[str]:
    labels = set()
    for path in sorted(BOOK.glob("[0-9][0-9]-*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for block in re.findall(r"\{exercise(?:-start)?\}[^\n]*\n(.*?)(?:^```|^:::)", cell.source, re.S | re.M):
                    labels.update(re.findall(r":label:\s*(\S+)", block))
    return labels


def test_the_schedule_fills_three_hours_without_gaps():
    rows = schedule()
    assert rows[0][0] == 0 and len(rows) >= 9
    for (start, length), (next_start, _) in zip(rows, rows[1:]):
        assert start + length == next_start
    assert rows[-1][0] + rows[-1][1] == 180


def test_the_guide_names_every_exercise_of_the_chapters_and_no_other():
    in_guide, in_chapters = set(LABEL.findall(GUIDE)), chapter_exercises()
    assert not in_chapters - in_guide, "add these exercises to the guide's table (live or homework)"
    assert not in_guide - in_chapters, "the guide names exercises that no chapter has"


def test_the_guide_installs_learners_from_the_learner_requirements():
    installs = re.findall(r"pip install -r (\S+?)`", GUIDE)
    assert installs, "the guide's failure table no longer says how to install"
    assert set(installs) == {"requirements-learner.txt"}, "learners install the lean requirements of the kit"
