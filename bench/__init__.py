"""Benchmarks of the suite: figures, not pass/fail tests (``make bench``, ``python -m bench``).

One module per benchmark: gas per operation beside its EVM floor (:mod:`bench.gas`, with the
floor model in :mod:`bench.floor`), transaction throughput on Anvil (:mod:`bench.throughput`),
record encryption and storage speed (:mod:`bench.records`) and compile time
(:mod:`bench.compile_time`). :mod:`bench.report` turns their results into JSON and markdown.
"""
