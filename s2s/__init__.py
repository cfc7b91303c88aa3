"""s2s: source-to-source automatic differentiation for Python and numpy.

The public interface is fixed in shared/API.md; everything else is internal.
"""

__version__ = "0.1.0"

from .api import grad, jvp, stop_gradient, value_and_grad, vjp  # noqa: E402
from .errors import S2SError  # noqa: E402

__all__ = ["S2SError", "grad", "jvp", "stop_gradient", "value_and_grad", "vjp"]
