"""DrugProvenance: deployment, product registration and lot commissioning."""

from __future__ import annotations

import pytest

from hygeia.provenance import ids
from hygeia.provenance.merkle import commitment
from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    COMMISSIONING_EVENT,
    EXPIRY,
    GTIN,
    HELD,
    LOT,
    MANUFACTURER_ROLE,
    MAX_TEMP,
    MIN_TEMP,
    NAME_HASH,
    OTHER_GTIN,
    OTHER_LOT,
    PREFIX_LENGTH,
    REGULATOR_ROLE,
    RIVAL_GTIN,
    RIVAL_PREFIX,
    SERIALS,
    ZERO32,
    epcis,
    holding_made_by,
    holding_of,
    lot_key,
)

NON_MANUFACTURERS = [
    "distributor",
    "pharmacy",
    "provider",
    "regulator",
    "patient",
    "stranger",
    "admin",
]
NON_REGULATORS = [
    "manufacturer",
    "distributor",
    "pharmacy",
    "provider",
    "patient",
    "stranger",
    "admin",
]
ROOT = bytes.fromhex("11" * 32)


@pytest.fixture
def register(provenance, manufacturer):
    """`register(gtin=OTHER_GTIN, sender=manufacturer, **overrides)` -> tx."""

    def _register(gtin=OTHER_GTIN, *, sender=None, **fields):
        args = {
            "prefix": PREFIX_LENGTH,
            "name": NAME_HASH,
            "low": MIN_TEMP,
            "high": MAX_TEMP,
            "epcis": epcis("master data 2"),
            "cid": CID,
            **fields,
        }
        return provenance.registerProduct(
            gtin,
            args["prefix"],
            args["name"],
            args["low"],
            args["high"],
            args["epcis"],
            args["cid"],
            {"from": sender or manufacturer},
        )

    return _register


@pytest.fixture
def commission(provenance, product, manufacturer):
    """`commission(lot=OTHER_LOT, sender=manufacturer, **overrides)` -> tx."""

    def _commission(lot=OTHER_LOT, *, sender=None, **fields):
        args = {
            "gtin": GTIN,
            "expiry": EXPIRY,
            "quantity": 100_000,
            "root": ROOT,
            "epcis": epcis("commissioning 2"),
            "cid": CID,
            **fields,
        }
        return provenance.commission(
            args["gtin"],
            lot,
            args["expiry"],
            args["quantity"],
            args["root"],
            args["epcis"],
            args["cid"],
            {"from": sender or manufacturer},
        )

    return _commission


# ------------------------------------------------------------------------------------ deployment


def test_deployment_refuses_the_zero_participant_registry(DrugProvenance, admin, reverts_with):
    with reverts_with("DrugProvenanceZeroAddress"):
        DrugProvenance.deploy(ZERO_ADDRESS, {"from": admin})


def test_deployment_wires_the_participant_registry(provenance, participants):
    assert provenance.participants() == participants


def test_lot_keys_and_unit_ids_are_the_sdk_hashes(provenance):
    assert provenance.lotKeyOf(GTIN, LOT) == "0x" + ids.lot_key(GTIN, LOT).hex()
    assert provenance.unitIdOf(GTIN, LOT) == "0x" + ids.unit_id(GTIN, LOT).hex()


def test_holding_ids_are_the_sdk_hashes_scoped_to_their_creator_and_holder(
    provenance, manufacturer, rival
):
    for creator in (manufacturer, rival):
        for holder in (manufacturer, rival):
            expected = ids.holding_id(creator.address, COMMISSIONING_EVENT, holder.address)
            assert provenance.holdingIdOf(creator, COMMISSIONING_EVENT, holder) == (
                "0x" + expected.hex()
            )
    made = {
        str(provenance.holdingIdOf(creator, COMMISSIONING_EVENT, holder))
        for creator in (manufacturer, rival)
        for holder in (manufacturer, rival)
    }
    assert len(made) == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("manufacturer", True),
        ("distributor", True),
        ("pharmacy", True),
        ("provider", False),
        ("regulator", False),
        ("patient", False),
        ("stranger", False),
    ],
)
def test_trading_partners_are_the_active_manufacturers_distributors_and_dispensers(
    provenance, named, name, expected
):
    assert provenance.isTradingPartner(named[name]) is expected


def test_a_suspended_credential_makes_a_party_no_trading_partner(
    provenance, participants, distributor, regulator
):
    participants.suspendCredential(
        distributor, participants.DISTRIBUTOR_ROLE(), {"from": regulator}
    )
    assert provenance.isTradingPartner(distributor) is False


# ------------------------------------------------------------------------------------ products


def test_a_manufacturer_registers_a_product_and_it_is_recorded(provenance, register, manufacturer):
    tx = register(OTHER_GTIN, low=-2000, high=-1500)

    assert tuple(provenance.productOf(OTHER_GTIN)) == (
        manufacturer,
        PREFIX_LENGTH,
        -2000,
        -1500,
        "0x" + NAME_HASH.hex(),
    )
    assert_event(
        tx,
        "ProductRegistered",
        gtin=OTHER_GTIN,
        manufacturer=manufacturer,
        companyPrefixLength=PREFIX_LENGTH,
        nameHash=NAME_HASH,
        minTemperature=-2000,
        maxTemperature=-1500,
        epcisHash=epcis("master data 2"),
        cid=CID,
    )


def test_a_single_temperature_is_a_valid_range(provenance, register):
    register(low=500, high=500)
    assert tuple(provenance.productOf(OTHER_GTIN))[2:4] == (500, 500)


@pytest.mark.parametrize("name", NON_MANUFACTURERS)
def test_only_an_active_manufacturer_registers_a_product(register, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotManufacturer", named[name]):
        register(sender=named[name])


def test_a_suspended_manufacturer_may_not_register_a_product(
    register, participants, manufacturer, regulator, reverts_with
):
    participants.suspendCredential(manufacturer, MANUFACTURER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotManufacturer", manufacturer):
        register()


@pytest.mark.parametrize("gtin", [0, 614141000419, 10**14 + 7, 4006381333932])
def test_register_refuses_a_gtin_with_a_wrong_check_digit_or_length(register, reverts_with, gtin):
    with reverts_with("DrugProvenanceInvalidGtin", gtin):
        register(gtin)


@pytest.mark.parametrize(
    ("gtin", "prefix", "length"),
    [
        (96385074, 9638507, 12),  # a GTIN-8 is licensed whole: its 12 digits after the indicator
        (614141000425, 614141, 7),
        (4006381333931, 4006381, 7),
        (10614141000415, 614141, 7),
    ],
)
def test_register_accepts_gtin_8_12_13_and_14(
    provenance, register, manufacturer, regulator, gtin, prefix, length
):
    provenance.licenseCompanyPrefix(prefix, length, manufacturer, {"from": regulator})
    register(gtin, prefix=length)
    assert provenance.productOf(gtin)[1] == length


def test_a_gtin_8_is_registered_only_with_a_12_digit_prefix(register, reverts_with):
    with reverts_with("DrugProvenanceInvalidCompanyPrefixLength", 7):
        register(96385074)


@pytest.mark.parametrize("length", [0, 5, 13])
def test_register_refuses_a_company_prefix_length_outside_6_to_12(register, reverts_with, length):
    with reverts_with("DrugProvenanceInvalidCompanyPrefixLength", length):
        register(prefix=length)


def test_register_refuses_a_zero_name_hash(register, reverts_with):
    with reverts_with("DrugProvenanceZeroValue"):
        register(name=ZERO32)


def test_register_refuses_an_empty_temperature_range(register, reverts_with):
    with reverts_with("DrugProvenanceInvalidTemperatureRange", 801, 800):
        register(low=801, high=800)


@pytest.mark.parametrize("anchor", [{"epcis": ZERO32}, {"cid": b""}])
def test_register_refuses_a_missing_anchor(register, reverts_with, anchor):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        register(**anchor)


def test_a_gtin_is_registered_once_while_its_registrant_holds_the_prefix(register, reverts_with):
    register()
    with reverts_with("DrugProvenanceProductExists", OTHER_GTIN):
        register()


def test_a_later_licensee_of_the_prefix_takes_the_product_over(
    provenance, register, commission, manufacturer, rival, regulator, reverts_with
):
    register()
    provenance.licenseCompanyPrefix(614141, PREFIX_LENGTH, rival, {"from": regulator})
    with reverts_with(
        "DrugProvenanceCompanyPrefixNotLicensed", OTHER_GTIN, PREFIX_LENGTH, manufacturer
    ):
        commission(gtin=OTHER_GTIN)

    tx = register(sender=rival, low=300)

    assert tuple(provenance.productOf(OTHER_GTIN))[:3] == (rival, PREFIX_LENGTH, 300)
    assert tx.events["ProductRegistered"]["manufacturer"] == rival
    commission(gtin=OTHER_GTIN, sender=rival)
    assert provenance.lotOf(lot_key(OTHER_LOT, OTHER_GTIN))["gtin"] == OTHER_GTIN


def test_a_prefix_licensed_at_another_length_to_someone_else_blocks_registration(
    provenance, register, manufacturer, rival, regulator, reverts_with
):
    # A regulator's records overlap (GS1 prefixes never do): 061414 to the rival, 0614141 to
    # the manufacturer. Neither may register GTINs under both.
    provenance.licenseCompanyPrefix(61414, 6, rival, {"from": regulator})
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", OTHER_GTIN, 6, manufacturer):
        register()
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", OTHER_GTIN, 7, rival):
        register(sender=rival, prefix=6)


def test_a_manufacturer_may_not_register_a_gtin_under_another_companys_prefix(
    register, rival, manufacturer, reverts_with
):
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", OTHER_GTIN, PREFIX_LENGTH, rival):
        register(sender=rival)
    with reverts_with(
        "DrugProvenanceCompanyPrefixNotLicensed", RIVAL_GTIN, PREFIX_LENGTH, manufacturer
    ):
        register(RIVAL_GTIN)


def test_the_prefix_is_read_at_the_length_the_manufacturer_declares(
    provenance, register, manufacturer, regulator, reverts_with
):
    # 0614141 is licensed at 7 digits; at 8 the GTIN's prefix is 06141410, licensed to nobody.
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", OTHER_GTIN, 8, manufacturer):
        register(prefix=8)
    provenance.licenseCompanyPrefix(6141410, 8, manufacturer, {"from": regulator})
    register(prefix=8)
    assert provenance.productOf(OTHER_GTIN)[1] == 8


# ------------------------------------------------------------------------------------ prefixes


def test_a_regulator_licenses_a_company_prefix_to_a_manufacturer(provenance, rival, regulator):
    tx = provenance.licenseCompanyPrefix(4006381, 7, rival, {"from": regulator})

    assert provenance.licenseeOf(4006381, 7) == rival
    assert provenance.licenseeOf(4006381, 8) == ZERO_ADDRESS
    assert_event(
        tx,
        "CompanyPrefixLicensed",
        companyPrefix=4006381,
        length=7,
        manufacturer=rival,
        previous=ZERO_ADDRESS,
        regulator=regulator,
    )


def test_licensing_a_prefix_again_transfers_it(provenance, manufacturer, rival, regulator):
    tx = provenance.licenseCompanyPrefix(
        RIVAL_PREFIX, PREFIX_LENGTH, manufacturer, {"from": regulator}
    )

    assert provenance.licenseeOf(RIVAL_PREFIX, PREFIX_LENGTH) == manufacturer
    assert_event(
        tx,
        "CompanyPrefixLicensed",
        companyPrefix=RIVAL_PREFIX,
        length=PREFIX_LENGTH,
        manufacturer=manufacturer,
        previous=rival,
        regulator=regulator,
    )


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_only_an_active_regulator_licenses_a_company_prefix(
    provenance, named, manufacturer, reverts_with, name
):
    with reverts_with("DrugProvenanceNotRegulator", named[name]):
        provenance.licenseCompanyPrefix(4006381, 7, manufacturer, {"from": named[name]})


def test_a_regulator_whose_role_was_revoked_may_not_license(
    provenance, participants, admin, regulator, manufacturer, reverts_with
):
    participants.revokeRole(REGULATOR_ROLE, regulator, {"from": admin})
    with reverts_with("DrugProvenanceNotRegulator", regulator):
        provenance.licenseCompanyPrefix(4006381, 7, manufacturer, {"from": regulator})


@pytest.mark.parametrize("length", [0, 5, 13])
def test_licensing_refuses_a_prefix_length_outside_6_to_12(
    provenance, manufacturer, regulator, reverts_with, length
):
    with reverts_with("DrugProvenanceInvalidCompanyPrefixLength", length):
        provenance.licenseCompanyPrefix(1, length, manufacturer, {"from": regulator})


def test_licensing_refuses_a_prefix_longer_than_its_length(
    provenance, manufacturer, regulator, reverts_with
):
    with reverts_with("DrugProvenanceInvalidCompanyPrefix", 10_000_000, 7):
        provenance.licenseCompanyPrefix(10_000_000, 7, manufacturer, {"from": regulator})
    provenance.licenseCompanyPrefix(9_999_999, 7, manufacturer, {"from": regulator})


def test_licensing_refuses_the_zero_address(provenance, regulator, reverts_with):
    with reverts_with("DrugProvenanceZeroAddress"):
        provenance.licenseCompanyPrefix(4006381, 7, ZERO_ADDRESS, {"from": regulator})


def test_a_regulator_revokes_a_company_prefix(provenance, manufacturer, regulator):
    tx = provenance.revokeCompanyPrefix(614141, PREFIX_LENGTH, {"from": regulator})

    assert provenance.licenseeOf(614141, PREFIX_LENGTH) == ZERO_ADDRESS
    assert_event(
        tx,
        "CompanyPrefixRevoked",
        companyPrefix=614141,
        length=PREFIX_LENGTH,
        previous=manufacturer,
        regulator=regulator,
    )


def test_a_revoked_licensee_may_no_longer_register_or_commission(
    provenance, register, commission, manufacturer, regulator, reverts_with
):
    provenance.revokeCompanyPrefix(614141, PREFIX_LENGTH, {"from": regulator})
    with reverts_with("DrugProvenanceCompanyPrefixNotLicensed", GTIN, PREFIX_LENGTH, manufacturer):
        commission()
    with reverts_with(
        "DrugProvenanceCompanyPrefixNotLicensed", OTHER_GTIN, PREFIX_LENGTH, manufacturer
    ):
        register()


def test_revoking_refuses_a_prefix_licensed_to_nobody(provenance, regulator, reverts_with):
    with reverts_with("DrugProvenanceCompanyPrefixNotFound", 4006381, 7):
        provenance.revokeCompanyPrefix(4006381, 7, {"from": regulator})


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_only_an_active_regulator_revokes_a_company_prefix(provenance, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotRegulator", named[name]):
        provenance.revokeCompanyPrefix(614141, PREFIX_LENGTH, {"from": named[name]})


# ------------------------------------------------------------------------------------ commissioning


def test_commissioning_records_the_lot_and_the_manufacturers_holding(
    provenance, commission, manufacturer, now
):
    tx = commission(OTHER_LOT, quantity=100_000)
    key = lot_key(OTHER_LOT)

    assert tuple(provenance.lotOf(key)) == (
        "0x" + ROOT.hex(),
        GTIN,
        EXPIRY,
        100_000,
        now(),
        False,
        0,
        0,
    )
    assert [bytes(k) for k in provenance.lotsOf(GTIN)] == [key]
    assert holding_of(provenance, holding_made_by(manufacturer, "commissioning 2")) == {
        "commitment": commitment([]),  # nothing gone from the whole lot
        "lotKey": key,
        "custodian": manufacturer,
        "state": HELD,
        "transfersOwnership": False,
        "excursion": False,
        "complement": True,
        "units": 100_000,
        "owner": manufacturer,
    }
    assert_event(
        tx,
        "LotCommissioned",
        lotKey=key,
        gtin=GTIN,
        manufacturer=manufacturer,
        lot=OTHER_LOT,
        expiry=EXPIRY,
        quantity=100_000,
        serialsRoot=ROOT,
        holding=holding_made_by(manufacturer, "commissioning 2"),
        epcisHash=epcis("commissioning 2"),
        cid=CID,
    )


def test_the_commissioned_holding_id_is_the_holding_id_of_its_manufacturer_and_event(
    provenance, commission, manufacturer
):
    tx = commission()

    expected = ids.holding_id(manufacturer.address, epcis("commissioning 2"), manufacturer.address)
    made = provenance.holdingIdOf(manufacturer, epcis("commissioning 2"), manufacturer)
    assert made == "0x" + expected.hex()
    assert tx.events["LotCommissioned"]["holding"] == "0x" + expected.hex()


def test_the_fixture_lot_is_commissioned_with_the_sdk_root(provenance, lot):
    assert bytes(provenance.lotOf(lot.key)[0]) == lot.tree.root
    assert holding_of(provenance, lot.commissioning)["units"] == len(SERIALS)


@pytest.mark.parametrize("name", NON_MANUFACTURERS)
def test_only_an_active_manufacturer_commissions(commission, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotManufacturer", named[name]):
        commission(sender=named[name])


def test_commissioning_refuses_an_unregistered_product(commission, reverts_with):
    with reverts_with("DrugProvenanceProductNotFound", OTHER_GTIN):
        commission(gtin=OTHER_GTIN)


def test_only_the_manufacturer_of_the_product_commissions_its_lots(commission, rival, reverts_with):
    with reverts_with("DrugProvenanceNotProductManufacturer", GTIN, rival):
        commission(sender=rival)


def test_commissioning_refuses_a_zero_lot_or_root(commission, reverts_with):
    with reverts_with("DrugProvenanceZeroValue"):
        commission(ZERO32)
    with reverts_with("DrugProvenanceZeroValue"):
        commission(root=ZERO32)


@pytest.mark.parametrize("expiry", [301301, 300001 - 1 + 32, 300431, 290229, 1_000_101, 300000])
def test_commissioning_refuses_an_expiry_that_is_no_yymmdd_date(commission, reverts_with, expiry):
    with reverts_with("DrugProvenanceInvalidExpiry", expiry):
        commission(expiry=expiry)


@pytest.mark.parametrize("expiry", [280229, 300200, 301231, 310100])
def test_commissioning_accepts_leap_days_and_day_zero(provenance, commission, expiry):
    commission(expiry=expiry)
    assert provenance.lotOf(lot_key(OTHER_LOT))[2] == expiry


def test_commissioning_refuses_zero_units(commission, reverts_with):
    with reverts_with("DrugProvenanceInvalidQuantity"):
        commission(quantity=0)


@pytest.mark.parametrize("anchor", [{"epcis": ZERO32}, {"cid": b""}])
def test_commissioning_refuses_a_missing_anchor(commission, reverts_with, anchor):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        commission(**anchor)


def test_a_lot_is_commissioned_once(commission, lot, reverts_with):
    with reverts_with("DrugProvenanceLotExists", lot_key(LOT)):
        commission(LOT)


def test_a_manufacturer_may_not_reuse_its_own_commissioning_event_hash(
    commission, lot, reverts_with
):
    with reverts_with("DrugProvenanceHoldingExists", lot.commissioning):
        commission(epcis=COMMISSIONING_EVENT)


def test_another_manufacturer_commissions_with_the_event_hash_of_an_earlier_commissioning(
    provenance, register, commission, lot, rival
):
    register(RIVAL_GTIN, sender=rival)

    tx = commission(LOT, sender=rival, gtin=RIVAL_GTIN, epcis=COMMISSIONING_EVENT)

    rivals = holding_made_by(rival, "commissioning")  # event COMMISSIONING_EVENT
    assert rivals != lot.commissioning
    assert tx.events["LotCommissioned"]["holding"] == "0x" + rivals.hex()
    held = holding_of(provenance, rivals)
    assert (held["custodian"], held["units"]) == (rival, 100_000)
    assert holding_of(provenance, lot.commissioning)["custodian"] == lot.manufacturer


def test_a_commissioning_front_run_with_its_event_hash_still_commissions_its_own_holding(
    provenance, register, commission, manufacturer, rival
):
    # The rival sees the manufacturer's pending commissioning and sends one with its event hash.
    register(RIVAL_GTIN, sender=rival)
    commission(sender=rival, gtin=RIVAL_GTIN, epcis=epcis("commissioning 2"))

    tx = commission(epcis=epcis("commissioning 2"))

    own = holding_made_by(manufacturer, "commissioning 2")
    assert own != holding_made_by(rival, "commissioning 2")
    assert tx.events["LotCommissioned"]["holding"] == "0x" + own.hex()
    assert holding_of(provenance, own)["custodian"] == manufacturer
    assert holding_of(provenance, holding_made_by(rival, "commissioning 2"))["custodian"] == rival
