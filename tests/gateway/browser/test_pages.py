"""The gateway's two pages in real headless Chromium against the real server, chain and index:
a pharmacist scans packs on the verify page (a keyboard-wedge scanner types the element string,
its group separators as Ctrl+]); a patient signs in with its wallet, reads its consents and
disclosures, and revokes a consent with a transaction the wallet signs and sends. The wallet
is an EIP-1193 `window.ethereum` that forwards every request to the test's Anvil, which signs
for its unlocked dev accounts (personal_sign, eth_sendTransaction). Each state is
screenshotted (docs/gateway-pages.md shows them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from hygeia.consent.fhir import consent_resource_id
from tests.gateway.browser.conftest import Site

Shots = Callable[[Any, str], Path]


def _wallet(rpc: str, account: str) -> str:
    """An EIP-1193 provider for the page: the account is the wallet's, everything else is the
    node's answer (Anvil signs for its dev accounts)."""
    return f"""
    window.ethereum = {{
      isTestWallet: true,
      request: async function (call) {{
        if (call.method === "eth_requestAccounts" || call.method === "eth_accounts") {{
          return [{json.dumps(account)}];
        }}
        const response = await fetch({json.dumps(rpc)}, {{
          method: "POST", headers: {{"Content-Type": "application/json"}},
          body: JSON.stringify(
            {{jsonrpc: "2.0", id: 1, method: call.method, params: call.params || []}}
          )
        }});
        const answer = await response.json();
        if (answer.error) {{ throw new Error(answer.error.message); }}
        return answer.result;
      }}
    }};
    """


def _open_with_wallet(browser: Any, site: Site, name: str | None) -> None:
    # A fresh document for each test: the wallet script is registered before the page loads
    # (a wallet extension injects it the same way); the page's CSP confines the page's own
    # scripts, not a wallet's, so it is lifted for this stand-in.
    browser.execute_cdp_cmd("Page.setBypassCSP", {"enabled": name is not None})
    script = "delete window.ethereum;"
    if name is not None:
        script = _wallet(site.world.chain.url, site.world.address(name))
    registered = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": script}
    )
    browser.get(f"{site.base}/patient")
    browser.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": registered["identifier"]}
    )


def _wait(browser: Any, condition: Any, timeout: float = 20) -> Any:
    return WebDriverWait(browser, timeout).until(condition)


def _scan(browser: Any, site: Site, parts: list[str]) -> tuple[str, str]:
    """Scan a barcode as a keyboard-wedge scanner types it: the element strings, a Ctrl+] for
    each group separator, then Enter."""
    browser.get(f"{site.base}/verify")
    field = _wait(browser, seen.element_to_be_clickable((By.ID, "barcode")))
    field.clear()
    typing = ActionChains(browser).click(field)
    for n, part in enumerate(parts):
        if n:
            typing = typing.key_down(Keys.CONTROL).send_keys("]").key_up(Keys.CONTROL)
        typing = typing.send_keys(part)
    typing.send_keys(Keys.ENTER).perform()
    headline = _wait(browser, seen.visibility_of_element_located((By.ID, "headline")))
    return headline.text, browser.find_element(By.ID, "detail").text


def test_the_verify_page_asks_for_a_barcode(browser: Any, site: Site, shots: Shots) -> None:
    browser.get(f"{site.base}/verify")
    assert browser.find_element(By.ID, "barcode").get_attribute("autofocus") is not None
    assert not browser.find_elements(By.ID, "result")
    shots(browser, "verify-empty")


def test_a_scanned_pack_in_the_supply_chain_is_valid_with_its_custody(
    browser: Any, site: Site, shots: Shots
) -> None:
    headline, detail = _scan(browser, site, ["01006141410004181730123121SN0001", "10LOT-1"])
    assert headline == "VALID"
    custody = browser.find_element(By.ID, "custody").text
    assert site.world.address("pharmacy") in custody
    assert "commissioned" in custody and "shipped" in custody and "received" in custody
    shots(browser, "verify-valid")


def test_a_pack_of_a_recalled_lot_shows_recalled(browser: Any, site: Site, shots: Shots) -> None:
    headline, detail = _scan(browser, site, ["01006141410004181730123121R1", "10LOT-R"])
    assert headline == "RECALLED"
    assert "do not dispense" in detail
    shots(browser, "verify-recalled")


def test_a_quarantined_pack_shows_suspect(browser: Any, site: Site, shots: Shots) -> None:
    headline, _ = _scan(browser, site, ["01006141410004181730123121S1", "10LOT-S"])
    assert headline == "SUSPECT"
    shots(browser, "verify-suspect")


def test_an_unknown_serial_is_not_valid_with_the_reason(
    browser: Any, site: Site, shots: Shots
) -> None:
    headline, detail = _scan(browser, site, ["01006141410004181730123121FAKE99", "10LOT-1"])
    assert headline == "NOT VALID"
    assert detail == "No such serial number for this product"
    shots(browser, "verify-not-valid")


def test_a_pasted_bracketed_code_with_a_wrong_check_digit_is_unreadable_by_name(
    browser: Any, site: Site, shots: Shots
) -> None:
    browser.get(f"{site.base}/verify")
    field = browser.find_element(By.ID, "barcode")
    field.send_keys("(01)00614141000419(21)SN0001(17)301231(10)LOT-1", Keys.ENTER)
    headline = _wait(browser, seen.visibility_of_element_located((By.ID, "headline")))
    assert headline.text == "UNREADABLE"
    assert "GTIN" in browser.find_element(By.ID, "detail").text
    shots(browser, "verify-unreadable")


def test_the_patient_page_without_a_wallet_says_so(browser: Any, site: Site) -> None:
    _open_with_wallet(browser, site, None)
    browser.find_element(By.ID, "sign-in").click()
    status = _wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "#status.error")))
    assert "No wallet" in status.text


def test_a_patient_signs_in_sees_its_consents_and_disclosures_and_revokes_one(
    browser: Any, site: Site, shots: Shots
) -> None:
    world = site.world
    _open_with_wallet(browser, site, "patient")
    shots(browser, "patient-signed-out")
    browser.find_element(By.ID, "sign-in").click()
    _wait(browser, seen.text_to_be_present_in_element((By.ID, "status"), "Signed in."))
    assert browser.find_element(By.ID, "who").text == world.patient
    provider_row = consent_resource_id(world.consents["provider"])
    row = browser.find_element(By.ID, provider_row)
    assert world.address("provider") in row.text
    assert "treatment" in row.text and "laboratory" in row.text and "in force" in row.text
    ended = browser.find_element(By.ID, consent_resource_id(world.consents["specialist"]))
    assert "ended" in ended.text and not ended.find_elements(By.CSS_SELECTOR, "button.revoke")
    disclosures = browser.find_element(By.ID, "disclosures").text
    assert "Emergency Override Started" in disclosures and world.address("provider") in disclosures
    shots(browser, "patient-consents")

    row.find_element(By.CSS_SELECTOR, "button.revoke").click()
    _wait(browser, seen.text_to_be_present_in_element((By.ID, "status"), "Revoked in block"))
    shots(browser, "patient-revoked")
    # The chain has it now; the page reads the index, caught up here as `hygeia index` would.
    consent = world.chain.suite("patient").consent.consent(
        world.patient, world.consents["provider"]
    )
    assert consent.revoked_by == world.patient
    world.reindex()
    browser.find_element(By.ID, "refresh").click()
    _wait(browser, seen.text_to_be_present_in_element((By.ID, "status"), "Up to date."))
    row = browser.find_element(By.ID, provider_row)
    assert "ended" in row.text and not row.find_elements(By.CSS_SELECTOR, "button.revoke")
    shots(browser, "patient-after-revoke")
