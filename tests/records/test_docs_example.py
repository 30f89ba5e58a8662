"""The dApp-backend example of docs/consent-and-records.md, run as written against the vault chain
and store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hygeia.core.chain import dev_signer
from tests.records.samples import GLUCOSE
from tests.records.world import World
from tests.support import ROOT

PAGE = "docs/consent-and-records.md"


def docs_example() -> str:
    text = (ROOT / PAGE).read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if "RecordVault(specialist, store, specialist_key)" in b)


def test_the_backend_example_of_the_docs_runs_as_written(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # The example reads the address book at "deployments", relative to where the backend runs.
    monkeypatch.chdir(tmp_path)
    Path("deployments").symlink_to(world.deployments)
    given = {
        "rpc": world.url,
        "store_url": f"local:{world.store.root}",
        "patient_signer": dev_signer(world.w3, "patient"),
        "specialist_signer": dev_signer(world.w3, "specialist"),
        "patient_key": world.keys["patient"],
        "specialist_key": world.keys["specialist"],
        "fhir_json": json.dumps(GLUCOSE),
    }
    exec(compile(docs_example(), PAGE, "exec"), given)  # noqa: S102
    assert capsys.readouterr().out.strip() == "Observation {'value': 97, 'unit': 'mg/dL'}"
