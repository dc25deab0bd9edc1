"""Benchmarks. Each runs the peer tool in the same run, interleaved, and reports ratios (machines are noisy).

    .venv/bin/python -m bench            # everything, quick sizes
    .venv/bin/python -m bench.transfer   # one benchmark (see --help)
"""
