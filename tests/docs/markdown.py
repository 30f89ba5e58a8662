"""The project's markdown as a viewer reads it: fenced blocks, links, heading anchors."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.support import ROOT

_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) or [text](target "title"); images too. The text may hold backticks.
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_INLINE_CODE = re.compile(r"`[^`]*`")


def pages() -> list[Path]:
    """The markdown a reader is pointed at: README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def prose_lines(text: str, *, keep_code: bool = False) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, inline code removed unless `keep_code`."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line if keep_code else _INLINE_CODE.sub("", line)))
    return lines


def links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every markdown link outside code."""
    return [(n, m.group(1)) for n, line in prose_lines(text) for m in _LINK.finditer(line)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a page, duplicates numbered as GitHub numbers them."""
    seen: Counter[str] = Counter()
    found = set()
    for _, line in prose_lines(text, keep_code=True):
        match = _HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(2))
        found.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def fenced_block_after(text: str, heading: str) -> list[str]:
    """The lines of the first fenced block after the line `heading`."""
    lines = text.splitlines()
    start = lines.index(heading)
    opening = next(i for i in range(start + 1, len(lines)) if _FENCE.match(lines[i]))
    closing = next(i for i in range(opening + 1, len(lines)) if _FENCE.match(lines[i]))
    return lines[opening + 1 : closing]
