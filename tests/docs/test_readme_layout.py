"""The README's Layout block matches the tree: every path it names exists (a folder where it says
folder/, a file otherwise), none twice, and it names every top-level folder of the project, every
package and module at the top of hygeia/ and every test folder.

The block is a tree: a path at the start of a line, two spaces of indent per level below the folder
above it, its description from DESCRIPTION_COLUMN on; lines indented that far continue a
description."""

from __future__ import annotations

import subprocess
from pathlib import PurePosixPath

from tests.docs.markdown import fenced_block_after
from tests.support import ROOT

DESCRIPTION_COLUMN = 23
INDENT = 2
# The top-level folders that matter, if git cannot list the tracked ones.
TOP_LEVEL = {
    "audit", "bench", "bin", "contracts", "docs", "hygeia", "interfaces", "scripts", "snapshots",
    "tests", "tools",
}  # fmt: skip


def layout_entries(lines: list[str]) -> list[str]:
    """The paths the block names, relative to the project root ("hygeia/core/chain/")."""
    entries: list[str] = []
    parents: list[str] = []
    for number, line in enumerate(lines, start=1):
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or indent >= DESCRIPTION_COLUMN:
            continue  # blank, or a description going on
        assert indent % INDENT == 0, f"Layout line {number}: indent {indent} is not a tree level"
        level = indent // INDENT
        assert level <= len(parents), f"Layout line {number}: deeper than the folder above it"
        name = line.split()[0]
        parents = parents[:level]
        path = "".join(parents) + name
        entries.append(path)
        if name.endswith("/"):
            parents.append(name)
    return entries


def readme_layout() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return layout_entries(fenced_block_after(text, "## Layout"))


def _tracked_top_level_folders() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0 or not listed.stdout:
        return TOP_LEVEL
    parts = (PurePosixPath(p).parts for p in listed.stdout.split("\0") if p)
    return {p[0] for p in parts if len(p) > 1 and not p[0].startswith(".")}


def _required() -> set[str]:
    required = {f"{folder}/" for folder in _tracked_top_level_folders()}
    for package in ("hygeia", "tests"):
        for child in (ROOT / package).iterdir():
            if child.is_dir() and (child / "__init__.py").exists():
                required.add(f"{package}/{child.name}/")
    required |= {
        f"hygeia/{m.name}" for m in (ROOT / "hygeia").glob("*.py") if m.name != "__init__.py"
    }
    return required


def test_the_layout_names_only_paths_that_exist_and_none_twice() -> None:
    entries = readme_layout()
    missing = [
        e for e in entries if not ((ROOT / e).is_dir() if e.endswith("/") else (ROOT / e).is_file())
    ]
    assert not missing, f"the README's Layout names what the tree does not hold: {missing}"
    twice = sorted({e for e in entries if entries.count(e) > 1})
    assert not twice, f"the README's Layout names these more than once: {twice}"


def test_the_layout_names_every_top_level_folder_package_and_test_folder() -> None:
    left_out = sorted(_required() - set(readme_layout()))
    assert not left_out, f"the README's Layout leaves out: {left_out}"


def test_the_layout_parser_reads_the_tree() -> None:
    block = [
        "a/                     the a folder",
        "  b/                   in a",
        "                       (its description, continued)",
        "    c.py               in a/b",
        "  d.txt                in a again",
        "e.yaml                 at the top",
    ]
    assert layout_entries(block) == ["a/", "a/b/", "a/b/c.py", "a/d.txt", "e.yaml"]
