"""pyx12's HIPAA validator, run in-process: the verdict and every defect it found, with its line,
segment and element.

pyx12 logs each defect (the `ERROR Line:N ...` lines of its `x12valid` command) and returns a
verdict; it is run here without writing a 999 acknowledgement, the step where pyx12 itself can
fail (`Cannot create AK2`) after validating. Its log records are captured and never reach the
application's logs: they can quote element values (member ids, names).
"""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyx12.errors
import pyx12.params
import pyx12.x12n_document

from hygeia.core.errors import X12Issue

_LINE = re.compile(r"Line:(\d+)\s+(?:(ISA|GS|ST|SEG|ELE):)?\s*(.*)")


@dataclass(frozen=True)
class Verdict:
    """pyx12's answer on one X12 document."""

    ok: bool
    issues: tuple[X12Issue, ...] = field(default=())
    #: pyx12's own log lines of the defects, as `x12valid` prints them.
    log: tuple[str, ...] = field(default=())


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def validate_x12(source: str | Path) -> Verdict:
    """Validate an X12 document (its text, or a path) against pyx12's 5010 maps."""
    text = source.read_text() if isinstance(source, Path) else source
    logger = logging.getLogger("pyx12")
    capture = _Capture()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers = [capture]
    logger.propagate = False
    logger.setLevel(logging.ERROR)
    errors_json = io.StringIO()
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(text),
            fd_997=None,
            fd_html=None,
            fd_json=errors_json,
        )
    except (pyx12.errors.X12Error, pyx12.errors.EngineError) as exc:
        return Verdict(False, (X12Issue(None, None, None, f"not an X12 document: {exc}"),))
    finally:
        logger.handlers, logger.propagate, _ = saved
        logger.setLevel(saved[2])
    if not text.lstrip().startswith("ISA"):
        return Verdict(False, (X12Issue(1, None, None, "not an X12 interchange: no ISA"),))
    issues = _issues(errors_json.getvalue(), capture.lines)
    return Verdict(bool(ok) and not issues, tuple(issues), tuple(capture.lines))


def _issues(errors_json: str, log: list[str]) -> list[X12Issue]:
    """The defects from pyx12's error tree (segment and element named), else from its log."""
    issues: list[X12Issue] = []
    try:
        doc: dict[str, Any] = json.loads(errors_json) if errors_json else {}
    except json.JSONDecodeError:
        doc = {}
    for isa in doc.get("interchanges", []):
        issues += _node_errors(isa, "ISA")
        for gs in isa.get("groups", []):
            issues += _node_errors(gs, "GS")
            for st in gs.get("transactions", []):
                issues += _node_errors(st, "ST")
                for seg in st.get("segments", []):
                    line, seg_id = seg.get("cur_line"), seg.get("seg_id")
                    for err in seg.get("errors", []):
                        issues.append(X12Issue(line, seg_id, None, _message(err)))
                    for ele in seg.get("elements", []):
                        name = f"{seg_id}{int(ele['ele_pos']):02d}" if ele.get("ele_pos") else None
                        if name and ele.get("subele_pos"):
                            name += f"-{ele['subele_pos']}"
                        for err in ele.get("errors", []):
                            issues.append(X12Issue(line, seg_id, name, _message(err)))
    if not issues:
        for text in log:
            match = _LINE.match(text)
            if match:
                issues.append(X12Issue(int(match.group(1)), match.group(2), None, match.group(3)))
            else:
                issues.append(X12Issue(None, None, None, text))
    return issues


def _node_errors(node: dict[str, Any], seg_id: str) -> list[X12Issue]:
    return [
        X12Issue(node.get("cur_line"), seg_id, None, _message(err))
        for err in node.get("errors", [])
    ]


def _message(err: dict[str, Any]) -> str:
    text = f"{err.get('err_str', '')} (code {err.get('err_cde', '?')})"
    value = err.get("err_val")
    return f"{text}: {value!r}" if value else text
