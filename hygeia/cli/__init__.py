"""The `hygeia` command line: a thin layer over the SDK, human output or --json."""
