"""s2s: source-to-source automatic differentiation for Python and numpy.

The public interface is fixed in shared/API.md; everything else is internal.
"""

from .version import __version__  # noqa: F401

from .api import (  # noqa: E402
    adjoint, checkpoint, grad, hvp, insert_grad_of, jvp, stop_gradient, tangent, value_and_grad, vjp,
)
from .jacobian import hessian, jacobian  # noqa: E402
from .rules import RuleSet  # noqa: E402
from .errors import S2SError  # noqa: E402

__all__ = [
    "RuleSet", "S2SError", "adjoint", "checkpoint", "grad", "hessian", "hvp", "insert_grad_of", "jacobian", "jvp", "stop_gradient", "tangent",
    "value_and_grad", "vjp",
]
