"""Chapter: a lot of serialised packs from the manufacturer through a distributor to a pharmacy,
a verification and a dispense, a cloned serial caught (an alert, which the manufacturer acts on
by quarantining the serial), a cold-chain excursion, a recall, and the lot's EPCIS trace written
to a file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from hygeia.core.store.base import ContentStore
from hygeia.dev.demo.setup import Cast
from hygeia.dev.demo.story import Story
from hygeia.provenance import epcis
from hygeia.provenance.trace import TraceReader
from hygeia.provenance.workflow import Anchored, ProvenanceFlow

GTIN = 614141000418
COMPANY_PREFIX = "0614141"  # the first seven digits of GTIN after its indicator digit
# Each trading partner's GS1 company prefix and party GLN (GS1's example prefixes): EPCIS
# documents name parties and places by these, bound on-chain.
PARTIES = {
    "manufacturer": ("0614141", 614141000012),
    "distributor": ("0614150", 614150000010),
    "pharmacy": ("0614160", 614160000017),
}
EXPIRY = date(2030, 12, 31)
PRODUCT = "Amoxicillin 500 mg capsules"
DEVICE = "urn:epc:id:giai:4000001.7"


def run(cast: Cast, store: ContentStore, out_dir: Path, story: Story, *, serials: int) -> None:
    story.chapter("Drug provenance (DSCSA)")
    # One process acts for every party here: they share one reader, so a document one of them
    # checked against the chain is not checked again for the next.
    reader = TraceReader(cast.suite("manufacturer").provenance, store)
    flows = {
        name: ProvenanceFlow(
            cast.suite(name).provenance,
            store,
            chain_id=int(cast.w3.eth.chain_id),
            clock=cast.now,
            reader=reader,
        )
        for name in ("manufacturer", "distributor", "pharmacy")
    }
    maker, wholesaler, pharmacy = flows["manufacturer"], flows["distributor"], flows["pharmacy"]

    def spent(op: str, anchored: Anchored) -> Anchored:
        story.spent(f"DrugProvenance.{op}", anchored.receipt.gas_used)
        return anchored

    # Only the licensee of a GTIN's GS1 company prefix may register it, so a regulator records
    # the manufacturer's prefix first.
    registrar = cast.suite("regulator").provenance
    if registrar.licensee_of(COMPANY_PREFIX) != cast.address("manufacturer"):
        receipt = registrar.license_company_prefix(COMPANY_PREFIX, cast.address("manufacturer"))
        story.spent("DrugProvenance.licenseCompanyPrefix", receipt.gas_used)
    for name, (prefix, gln) in PARTIES.items():
        if registrar.licensee_of(prefix) != cast.address(name):
            receipt = registrar.license_company_prefix(prefix, cast.address(name))
            story.spent("DrugProvenance.licenseCompanyPrefix", receipt.gas_used)
        if flows[name].client.party_gln_of(cast.address(name)) != gln:
            receipt = flows[name].register_gln(gln, len(prefix))
            story.spent("DrugProvenance.registerGln", receipt.gas_used)
    if int(maker.client.product_of(GTIN).manufacturer, 16) == 0:
        spent(
            "registerProduct",
            maker.register_product(
                GTIN, 7, PRODUCT, 2.0, 25.0, strength="500 mg", dosage_form="CAPSULE"
            ),
        )
    # Each run's lot and serials are new (named after the chain's height), so a rerun tells the
    # story again: an SGTIN (GTIN + serial) is unique, and the SDK refuses a serial an earlier
    # lot of the GTIN commissioned.
    run = cast.w3.eth.block_number
    lot = f"LOT-{run}"
    numbers = [f"SN{run}-{n:06d}" for n in range(serials)]
    with story.bar(f"Merkle tree of {serials:,} serials", max(serials - 1, 1)) as advance:
        stock = spent(
            "commission", maker.commission(GTIN, lot, EXPIRY, numbers, progress=advance)
        ).id
    story.say(
        f"the manufacturer commissioned lot {lot} of {serials:,} serialised packs: one Merkle "
        "root on-chain, the serial list and the EPCIS event on IPFS"
    )
    to_distributor = spent("ship", maker.ship(stock, cast.address("distributor"))).id
    spent("receiveShipment", wholesaler.receive(to_distributor))
    to_pharmacy = spent(
        "ship", wholesaler.ship(to_distributor, cast.address("pharmacy"), numbers[:20])
    ).id
    spent("receiveShipment", pharmacy.receive(to_pharmacy))
    story.say("it shipped the lot to the distributor, who shipped 20 packs on to the pharmacy")

    answer = pharmacy.verify(GTIN, numbers[0], lot, EXPIRY)
    story.say(f"the pharmacy verified pack {numbers[0]}: {answer.status.name}")
    dispensed, anchored = pharmacy.dispense(to_pharmacy, numbers[0])
    spent("dispense", anchored)
    clone_ok, anchored = pharmacy.dispense(to_pharmacy, numbers[0])
    spent("dispense (clone flagged)", anchored)
    flagged = pharmacy.verify(GTIN, numbers[0], lot, EXPIRY).status.name
    # The alert stops nothing by itself: the manufacturer (or a regulator), who has standing
    # over its own product, quarantines the serial.
    reason = "cloned serial presented for dispensing"
    spent("quarantine", maker.quarantine(GTIN, reason, serial=numbers[0]))
    status = pharmacy.verify(GTIN, numbers[0], lot, EXPIRY).status.name
    story.say(
        f"dispensed it ({dispensed}); a second pack with the same serial was presented and "
        f"flagged as a cloned-serial counterfeit ({not clone_ok}): verify still says {flagged}; "
        f"alerted, the manufacturer quarantined the serial: verify now says {status}"
    )

    now = cast.now()
    readings = [epcis.Reading(now - timedelta(minutes=10), 5.5), epcis.Reading(now, 31.0)]
    spent(
        "recordSensorReadings",
        wholesaler.record_sensor_readings(to_distributor, readings, device=DEVICE),
    )
    probe = numbers[-1]
    during = wholesaler.verify(GTIN, probe, lot, EXPIRY).status.name
    spent("clearExcursion", maker.clear_excursion(to_distributor))
    after = wholesaler.verify(GTIN, probe, lot, EXPIRY).status.name
    story.say(
        f"a reading of 31.0 °C in the distributor's warehouse (range 2-25 °C) flagged an "
        f"excursion: verify said {during}; the manufacturer investigated and cleared it: {after}"
    )

    recalled, custodians = maker.recall(GTIN, lot, "sterility failure at the filling line")
    spent("recall", recalled)
    status = pharmacy.verify(GTIN, numbers[1], lot, EXPIRY).status.name
    story.say(
        f"the manufacturer recalled the lot; verify says {status}; partners to notify: "
        f"{', '.join(sorted(cast.name_of(a) for a in custodians))}"
    )

    trace = out_dir / f"epcis-trace-{lot}.json"
    document = maker.reader.export(maker.reader.unit(GTIN, lot, numbers[0]))
    trace.write_text(json.dumps(document, indent=2) + "\n")
    story.wrote(
        f"EPCIS 2.0 trace of pack {numbers[0]} (validated against GS1's schema)", str(trace)
    )
