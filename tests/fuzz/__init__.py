"""The program fuzzer: a hypothesis strategy for random numpy programs from the
supported subset (generator.py) and the checks each one gets (oracles.py).
tests/test_fuzz.py runs it; known.py lists the bugs it found that s2s still has."""
