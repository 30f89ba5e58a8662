"""DrugProvenance: parties bind their GS1 Global Location Numbers (PGLN, SGLN sites).

A GLN is bound only by the licensee of its GS1 company prefix, as a regulator recorded it, so no
party can claim another's GLN; a later licensee of the prefix takes the GLN over.
"""

from __future__ import annotations

import pytest

from hygeia.provenance import gs1
from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.drug_provenance.support import (
    COMPANY_PREFIX,
    MANUFACTURER_ROLE,
    PREFIX_LENGTH,
    RIVAL_PREFIX,
)

DISTRIBUTOR_PREFIX = 614150  # 0614150, licensed to the distributor below


def gln(prefix: int, location: int) -> int:
    """The GLN-13 of company prefix `prefix` (7 digits, as 0614141) and location reference."""
    body = f"{prefix:07d}{location:05d}"
    return int(body + str(gs1.check_digit(body)))


MAKER_GLN = gln(COMPANY_PREFIX, 1)
MAKER_SITE = gln(COMPANY_PREFIX, 2)
RIVAL_GLN = gln(RIVAL_PREFIX, 1)


def holder(provenance, number: int) -> tuple[str, int]:
    party, length = provenance.glnHolderOf(number)
    return str(party), int(length)


NOT_TRADING = ["provider", "regulator", "patient", "stranger", "admin"]


def test_a_licensee_binds_its_party_gln(provenance, manufacturer):
    tx = provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})

    assert holder(provenance, MAKER_GLN) == (manufacturer, PREFIX_LENGTH)
    assert provenance.partyGlnOf(manufacturer) == MAKER_GLN
    assert_event(
        tx,
        "GlnRegistered",
        gln=MAKER_GLN,
        party=manufacturer,
        companyPrefixLength=PREFIX_LENGTH,
        isParty=True,
        previous=ZERO_ADDRESS,
    )


def test_a_site_gln_names_the_party_but_is_not_its_pgln(provenance, manufacturer):
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    tx = provenance.registerGln(MAKER_SITE, PREFIX_LENGTH, False, {"from": manufacturer})

    assert holder(provenance, MAKER_SITE) == (manufacturer, PREFIX_LENGTH)
    assert provenance.partyGlnOf(manufacturer) == MAKER_GLN
    assert_event(
        tx,
        "GlnRegistered",
        gln=MAKER_SITE,
        party=manufacturer,
        companyPrefixLength=PREFIX_LENGTH,
        isParty=False,
        previous=ZERO_ADDRESS,
    )


def test_a_new_pgln_replaces_the_previous_one(provenance, manufacturer):
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    provenance.registerGln(MAKER_SITE, PREFIX_LENGTH, True, {"from": manufacturer})

    assert provenance.partyGlnOf(manufacturer) == MAKER_SITE


def test_a_distributor_with_a_licensed_prefix_binds_its_gln(provenance, distributor, regulator):
    provenance.licenseCompanyPrefix(
        DISTRIBUTOR_PREFIX, PREFIX_LENGTH, distributor, {"from": regulator}
    )
    mine = gln(DISTRIBUTOR_PREFIX, 7)
    provenance.registerGln(mine, PREFIX_LENGTH, True, {"from": distributor})

    assert provenance.partyGlnOf(distributor) == mine


def test_a_party_may_not_claim_another_partys_gln(provenance, manufacturer, rival, reverts_with):
    """The attack: the rival names itself by the manufacturer's GLN."""
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", MAKER_GLN, PREFIX_LENGTH, rival):
        provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": rival})
    assert holder(provenance, MAKER_GLN) == (manufacturer, PREFIX_LENGTH)


def test_a_gln_may_not_be_claimed_at_another_prefix_length(
    provenance, manufacturer, rival, regulator, reverts_with
):
    """A prefix licensed to the rival at 8 digits does not let it take a GLN the manufacturer's
    7-digit prefix covers, nor the other way round."""
    provenance.licenseCompanyPrefix(6141410, 8, rival, {"from": regulator})  # 06141410
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", MAKER_GLN, PREFIX_LENGTH, rival):
        provenance.registerGln(MAKER_GLN, 8, True, {"from": rival})
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", MAKER_GLN, 8, manufacturer):
        provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})


def test_a_later_licensee_of_the_prefix_takes_the_gln_over(
    provenance, manufacturer, rival, regulator
):
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    provenance.licenseCompanyPrefix(COMPANY_PREFIX, PREFIX_LENGTH, rival, {"from": regulator})
    tx = provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": rival})

    assert holder(provenance, MAKER_GLN) == (rival, PREFIX_LENGTH)
    assert provenance.partyGlnOf(rival) == MAKER_GLN
    assert provenance.partyGlnOf(manufacturer) == 0  # its PGLN now names the rival
    assert_event(
        tx,
        "GlnRegistered",
        gln=MAKER_GLN,
        party=rival,
        companyPrefixLength=PREFIX_LENGTH,
        isParty=True,
        previous=manufacturer,
    )


def test_a_revoked_licensee_may_no_longer_bind_glns(
    provenance, manufacturer, regulator, reverts_with
):
    provenance.revokeCompanyPrefix(COMPANY_PREFIX, PREFIX_LENGTH, {"from": regulator})
    with reverts_with(
        "DrugProvenanceCompanyPrefixNotLicensed", MAKER_GLN, PREFIX_LENGTH, manufacturer
    ):
        provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})


def test_a_revoked_licensee_no_longer_holds_the_glns_it_bound(provenance, manufacturer, regulator):
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    provenance.registerGln(MAKER_SITE, PREFIX_LENGTH, False, {"from": manufacturer})
    provenance.revokeCompanyPrefix(COMPANY_PREFIX, PREFIX_LENGTH, {"from": regulator})

    assert holder(provenance, MAKER_GLN) == (ZERO_ADDRESS, 0)
    assert holder(provenance, MAKER_SITE) == (ZERO_ADDRESS, 0)
    assert provenance.partyGlnOf(manufacturer) == 0


def test_a_former_licensee_no_longer_holds_a_gln_the_new_licensee_has_not_bound_yet(
    provenance, manufacturer, rival, regulator
):
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    provenance.licenseCompanyPrefix(COMPANY_PREFIX, PREFIX_LENGTH, rival, {"from": regulator})

    assert holder(provenance, MAKER_GLN) == (ZERO_ADDRESS, 0)
    assert provenance.partyGlnOf(manufacturer) == 0
    # Licensed back to it, its binding holds again.
    provenance.licenseCompanyPrefix(
        COMPANY_PREFIX, PREFIX_LENGTH, manufacturer, {"from": regulator}
    )
    assert holder(provenance, MAKER_GLN) == (manufacturer, PREFIX_LENGTH)


def test_a_pgln_bound_again_as_a_site_is_no_longer_the_partys_gln(provenance, manufacturer):
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})
    provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, False, {"from": manufacturer})

    assert holder(provenance, MAKER_GLN) == (manufacturer, PREFIX_LENGTH)
    assert provenance.partyGlnOf(manufacturer) == 0


@pytest.mark.parametrize(
    "number",
    [
        0,
        MAKER_GLN + 1 if MAKER_GLN % 10 != 9 else MAKER_GLN - 1,  # wrong check digit
        10**13 + MAKER_GLN,  # 14 digits: a GTIN, not a GLN
    ],
)
def test_register_refuses_a_number_that_is_no_gln(provenance, manufacturer, reverts_with, number):
    with reverts_with("DrugProvenanceInvalidGln", number):
        provenance.registerGln(number, PREFIX_LENGTH, True, {"from": manufacturer})


@pytest.mark.parametrize("length", [0, 5, 13])
def test_register_refuses_a_prefix_length_outside_6_to_12(
    provenance, manufacturer, reverts_with, length
):
    with reverts_with("DrugProvenanceInvalidCompanyPrefixLength", length):
        provenance.registerGln(MAKER_GLN, length, True, {"from": manufacturer})


@pytest.mark.parametrize("name", NOT_TRADING)
def test_only_a_trading_partner_binds_a_gln(provenance, named, regulator, reverts_with, name):
    account = named[name]
    provenance.licenseCompanyPrefix(DISTRIBUTOR_PREFIX, PREFIX_LENGTH, account, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", account):
        provenance.registerGln(gln(DISTRIBUTOR_PREFIX, 1), PREFIX_LENGTH, True, {"from": account})


def test_a_suspended_partner_may_not_bind_a_gln(
    provenance, participants, manufacturer, regulator, reverts_with
):
    participants.suspendCredential(manufacturer, MANUFACTURER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", manufacturer):
        provenance.registerGln(MAKER_GLN, PREFIX_LENGTH, True, {"from": manufacturer})


def test_unbound_glns_and_parties_read_as_zero(provenance, manufacturer, rival):
    assert holder(provenance, RIVAL_GLN) == (ZERO_ADDRESS, 0)
    assert provenance.partyGlnOf(rival) == 0
    assert provenance.partyGlnOf(manufacturer) == 0
