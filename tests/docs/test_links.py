"""Every relative link of README.md and docs/*.md reaches a file that exists, and a heading of it
when the link names one; every page under docs/ is linked from the README."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.docs.markdown import anchors, links, pages, slug
from tests.support import ROOT

EXTERNAL = ("http://", "https://", "mailto:")


def _relative_links(page: Path) -> list[tuple[int, str]]:
    return [(n, t) for n, t in links(page.read_text()) if not t.startswith(EXTERNAL)]


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_reach_an_existing_file_and_heading(page: Path) -> None:
    broken = []
    for line, target in _relative_links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / unquote(path)).resolve() if path else page
        where = f"{page.relative_to(ROOT)}:{line}: {target}"
        if not file.exists():
            broken.append(f"{where} (no such file)")
        elif not file.resolve().is_relative_to(ROOT):
            broken.append(f"{where} (outside the project)")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file.read_text()):
            broken.append(f"{where} (no heading #{anchor} in {file.relative_to(ROOT)})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    readme = ROOT / "README.md"
    linked = {
        (readme.parent / target.partition("#")[0]).resolve()
        for _, target in _relative_links(readme)
    }
    orphans = [p.name for p in sorted((ROOT / "docs").glob("*.md")) if p.resolve() not in linked]
    assert not orphans, f"docs pages the README does not link: {orphans}"


def test_anchors_are_the_ones_github_makes() -> None:
    assert slug("Three contracts, one deployment") == "three-contracts-one-deployment"
    assert slug("The `hygeia` command line") == "the-hygeia-command-line"
    assert slug("Security model: who can do what") == "security-model-who-can-do-what"
    text = "# A\n\n```\n# not a heading\n```\n\n## B\n## B\n"
    assert anchors(text) == {"a", "b", "b-1"}
    assert links("[x](a.md#b) `[y](c.md)`\n```\n[z](d.md)\n```\n") == [(1, "a.md#b")]
