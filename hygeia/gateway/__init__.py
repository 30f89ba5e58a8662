"""`hygeia serve`: the suite over HTTP for the systems around it (a DSCSA verification responder,
a claims API, health and readiness), built on the SDK and reading past events from the index."""
