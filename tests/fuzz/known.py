"""Bugs the fuzzer has found that s2s still has.

Each has a regression test in tests/test_fuzz_regressions.py, marked
``xfail(strict=True)`` there, and is kept out of the fuzz test here so that it
goes on looking for new bugs:

- ``KNOWN``: a pattern of the failure message.  A program that fails with it is
  discarded (``hypothesis.reject``) instead of failing again.
- ``AVOID``: constructs the generator does not write (a wrong value has no
  message to recognise).

When a regression test XPASSes (a failure, with strict=True), remove its mark and
its entry here.  ``S2S_FUZZ_KNOWN=fail`` reports the known failures anyway (the
generator still avoids the ``AVOID`` constructs).
"""

import os
import re

from hypothesis import reject

KNOWN = {
    # regression test (tests/test_fuzz_regressions.py): pattern of the failure message
}

AVOID = {
    # construct the generator leaves out: regression test
}


def skip_if_known(message):
    if os.environ.get("S2S_FUZZ_KNOWN") == "fail":
        return
    for pattern in KNOWN.values():
        if re.search(pattern, message):
            reject()
