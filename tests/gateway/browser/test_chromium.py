"""Where Chromium is missing, the browser tests skip and say what installs it."""

from __future__ import annotations

import pytest

from tests.gateway.browser import conftest


def test_without_chromium_the_reason_names_the_packages_and_make_setup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    reason = conftest.chromium_paths()
    assert isinstance(reason, str)
    assert "chromium" in reason and "chromium-driver" in reason and "make setup" in reason


def test_with_chromium_installed_both_programs_are_found() -> None:
    found = conftest.chromium_paths()
    if isinstance(found, str):
        pytest.skip(found)
    assert found[0].endswith(("chromium", "chromium-browser")) and found[1].endswith("chromedriver")
