"""The program fuzzer: random programs from the supported subset (tests/fuzz/),
each checked in reverse mode against finite differences, optimize=False against
optimize=True, and forward mode against reverse mode (tests/fuzz/oracles.py).

CI profile: 400 small programs, derandomized (the same programs every run; fewer
than the 1000 and then 700 of before: every program also builds its forward-mode and
Python-number variants, and the rule library's tests have grown, so this keeps the
suite near six minutes).
Long profile, ``S2S_FUZZ_LONG=1``: bigger programs, random (a new sample every
run; hypothesis keeps failures in its example database), as many as
``S2S_FUZZ_EXAMPLES`` (default 20000).  ``S2S_FUZZ_NOSHRINK=1`` reports the
first failure as generated, without shrinking it (faster while debugging).  A failure is shrunk to a small program
and reported with its source; add it to tests/programs/fuzz_regressions.py and
tests/test_fuzz_regressions.py.
"""

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from fuzz.generator import LARGE, SMALL, programs
from fuzz.oracles import check

LONG = os.environ.get("S2S_FUZZ_LONG") == "1"
SLOW_CHECKS = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

if LONG:
    profile = settings(
        max_examples=int(os.environ.get("S2S_FUZZ_EXAMPLES", "20000")),
        deadline=None,
        suppress_health_check=SLOW_CHECKS,
    )
    size = LARGE
else:
    profile = settings(
        max_examples=int(os.environ.get("S2S_FUZZ_EXAMPLES", "400")),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=SLOW_CHECKS,
        **({"phases": [Phase.explicit, Phase.generate]} if os.environ.get("S2S_FUZZ_NOSHRINK") == "1" else {}),
    )
    size = SMALL


# Generated code may divide by zero in a branch np.where discards (the adjoint of
# np.hypot or np.sqrt at 0): harmless, and what the gradients are is checked.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@profile
@given(programs(size=size))
def test_generated_programs(program):
    check(program)
