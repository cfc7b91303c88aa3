import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
pytest.register_assert_rewrite("rulecheck")  # its checks' asserts say what they compared, as in a test module


@pytest.fixture(autouse=True, scope="session")
def _cache_dir(tmp_path_factory):
    """Every test session gets its own empty s2s cache."""
    path = tmp_path_factory.mktemp("s2s-cache")
    old = os.environ.get("S2S_CACHE_DIR")
    os.environ["S2S_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("S2S_CACHE_DIR", None)
    else:
        os.environ["S2S_CACHE_DIR"] = old
