#!/usr/bin/env bash
# Run the GPU test suite (the tests marked `gpu`, tests/test_gpu.py) on a machine with a CUDA device.
#
#   scripts/run_gpu_tests.sh                 # pip install -e '.[cupy,test]' if needed, then pytest -m gpu
#   CUPY_PACKAGE=cupy-cuda12x scripts/run_gpu_tests.sh   # a prebuilt cupy wheel instead of the extra
#   PYTHON=/path/to/python scripts/run_gpu_tests.sh -x   # arguments go to pytest
#
# The `cupy` extra names the `cupy` source package, which pip builds against the local CUDA
# toolkit (slow); CUPY_PACKAGE=cupy-cuda12x (or cupy-cuda11x) installs a prebuilt wheel.
# Nothing is installed when s2s, pytest and cupy already import (an offline GPU machine).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

if ! "$PYTHON" -c "import s2s, pytest" 2>/dev/null; then
    "$PYTHON" -m pip install --quiet -e ".[test]"
fi
if ! "$PYTHON" -c "import cupy" 2>/dev/null; then
    if [ -n "${CUPY_PACKAGE:-}" ]; then
        "$PYTHON" -m pip install --quiet "$CUPY_PACKAGE"
    else
        "$PYTHON" -m pip install --quiet -e ".[cupy]"
    fi
fi
"$PYTHON" - <<'PY'
import cupy
n = cupy.cuda.runtime.getDeviceCount()
name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode() if n else "-"
print(f"cupy {cupy.__version__}: {n} CUDA device(s), {name}")
PY
exec "$PYTHON" -m pytest -m gpu -ra -p no:cacheprovider "$@" tests
