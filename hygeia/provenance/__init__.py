"""Drug provenance (DSCSA, GS1 EPCIS 2.0): identifiers, Merkle trees, EPCIS documents, the
DrugProvenance client and chain-of-custody traces."""
