"""`hygeia serve`: the suite over HTTP for the systems and people around it (a DSCSA verification
responder, a claims API, sign-in with Ethereum, the FHIR R4 read API, the verify and patient pages,
health and readiness), built on the SDK and reading past events from the index."""
