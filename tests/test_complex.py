"""Complex intermediates: the adjoint convention of derivatives/numpy_complex.py.

A real-valued loss of real arguments, computed through complex values, has a real,
float-typed gradient that matches central finite differences (the regression first:
``|x * (1 + 2j)|**2`` once gave ``-6 + 8j``); holomorphic functions, ``np.abs``,
``np.real``, ``np.imag``, ``np.angle``, ``.real``/``.imag``, ``np.conj``, ``np.vdot``,
``complex()`` and scatters into real adjoints each get a case in both modes (the
dot-product identity for ``vjp``) and to second order (``check_modes`` of
tests/rulecheck.py, shared with tests/test_rules_fft.py).  The gradient with respect to a
complex argument is JAX's and autograd's: ``dL/da - i dL/db`` (``2 * conj(z)`` for
``|z|**2``).
"""

import numpy as np
import pytest

import s2s
from gradcheck import numeric_grad
from rulecheck import Draws, check_modes

DRAW = Draws(16)


def A(*shape, lo=-1.0, hi=1.0):
    return DRAW.uniform(lo, hi, *shape)


# -- the regression ------------------------------------------------------------------------


def power_of_modulus(x):
    z = x * (1.0 + 2.0j)
    return np.sum(np.abs(z) ** 2)


def test_modulus_squared_of_a_complex_multiple_has_a_real_gradient():
    g = s2s.grad(power_of_modulus)(np.ones(3))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [10.0, 10.0, 10.0])
    check_modes(power_of_modulus, [A(3)])


# -- one case per rule a complex value flows through ----------------------------------------


def holomorphic_chain(x, w):
    z = x * (0.5 + 1.5j) + 0.25j
    u = np.exp(z) + np.sin(z) * np.cos(z) - np.tan(z / 4) + np.sqrt(z + 2.0) + np.log(z + 3.0)
    u = u / (z + 2.0) + z ** 3 + np.tanh(z) - np.sinh(z) + np.cosh(z) + 1.0 / z + np.square(z) - np.expm1(z)
    return np.sum(np.abs(u) * w)


def complex_power(x, w): return np.sum(np.real((x + 1.0j) ** (x * 0.5j + 1.0)) * w)
def real_base_complex_exponent(x, w): return np.sum(np.imag(2.0 ** (1j * x)) * w)
def negative_complex_base(x, w): return np.sum(np.real((-2.0 + 0.5j * x) ** (x + 1.0)) * w)
def products(a, b): return np.real(np.sum((a * 1j + 1.0) @ (b - 2j)) + np.einsum("ij,jk->", a * 1j, b * (1 + 1j)))
def reductions(x): return np.abs(np.sum(x * 1j + x ** 2) + np.mean(np.exp(1j * x)) * np.prod(x + 1j))
def conjugates(x): return np.real(np.sum(np.conj(x * (1 + 2j)) * x * (3 - 1j) + np.conjugate(x * 1j) ** 2))
def method_conjugate(x): return np.sum(((x * (1 + 2j)).conj() * (x + 3j)).real)
def vdot_complex(x, y): return np.real(np.vdot(x * (1 + 1j), y - 2j * x)) + np.imag(np.vdot(y + 1j, x * 2j))
def angles(x, y): return np.sum(np.angle((x + 1j * y) * (1 - 1j)) ** 2)
def attributes(x): return np.sum((np.exp(2j * x).real - 3.0) * (x * (1 + 4j)).imag)
def where_and_index(x): return np.sum(np.abs(np.where(x > 0, x * 1j, x + 0.5j)[1:] * (2 - 1j)) ** 2) + np.abs(x[0] * 1j + x[2])
def scatter_into_real(x): return np.abs(x[0] * (1 + 1j)) + np.sum(np.real(x[[1, 1, 2]] * 1j * x[:3]))
def mixed_paths(x): return np.sum(np.real(np.exp(1j * np.real(x * 1j + x ** 2))) * np.sin(x)) + np.sum(np.abs(x * 1j) ** 2)
def scalar_complex(a, b): return abs(complex(a, b) ** 3) + (complex(a, 2.0) * b).imag


def loop_into_complex_array(x):
    z = np.zeros(3, dtype=complex)
    for i in range(3):
        z[i] = x[i] * 1j + x[(i + 1) % 3] ** 2
    return np.sum(np.abs(z) ** 2)


def accumulate_in_a_loop(x):
    s = 0.0
    for i in range(3):
        s = s + np.abs(x[i] * (2 + 1j) + x[(i + 1) % 3]) ** 2
    return s


CASES = [
    pytest.param(holomorphic_chain, [A(5, lo=0.2, hi=1.0), A(5)], 0, id="holomorphic"),
    pytest.param(complex_power, [A(4, lo=0.2, hi=1.0), A(4)], 0, id="power"),
    pytest.param(real_base_complex_exponent, [A(4), A(4)], 0, id="power-real-base"),
    pytest.param(negative_complex_base, [A(4), A(4)], 0, id="power-negative-real-part"),
    pytest.param(products, [A(3, 4), A(4, 2)], (0, 1), id="matmul-einsum"),
    pytest.param(reductions, [A(5)], 0, id="sum-mean-prod"),
    pytest.param(conjugates, [A(4)], 0, id="conj"),
    pytest.param(method_conjugate, [A(4)], 0, id="conj-method"),
    pytest.param(vdot_complex, [A(4), A(4)], (0, 1), id="vdot"),
    pytest.param(angles, [A(4, lo=0.2, hi=1.0), A(4)], (0, 1), id="angle"),
    pytest.param(attributes, [A(4)], 0, id="real-imag-attributes"),
    pytest.param(where_and_index, [A(5)], 0, id="where-index"),
    pytest.param(scatter_into_real, [A(4)], 0, id="scatter"),
    pytest.param(mixed_paths, [A(4)], 0, id="real-and-complex-paths"),
    pytest.param(scalar_complex, [0.3, -0.7], (0, 1), id="complex-builtin"),
    pytest.param(loop_into_complex_array, [A(3)], 0, id="loop-setitem"),
    pytest.param(accumulate_in_a_loop, [A(3)], 0, id="loop-accumulate"),
]


@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")  # no complex adjoint added into a real array
@pytest.mark.parametrize("f, args, wrt", CASES)
def test_complex_intermediates_in_both_modes_and_to_second_order(f, args, wrt):
    check_modes(f, args, wrt)


# -- complex arguments: JAX's and autograd's gradient ---------------------------------------


def modulus_squared(z): return np.sum(np.abs(z) ** 2)
def z_conj_z(z): return np.sum(np.real(z * np.conj(z)))
def imaginary_parts(z): return np.sum(np.imag(z))
def real_of_square(z): return np.sum(np.real(z ** 2))


def test_gradient_with_respect_to_a_complex_argument_is_da_minus_i_db():
    z = np.array([1.0 + 2.0j, 3.0 - 1.0j])
    np.testing.assert_allclose(s2s.grad(modulus_squared)(z), 2 * np.conj(z))
    np.testing.assert_allclose(s2s.grad(z_conj_z)(z), 2 * np.conj(z))
    np.testing.assert_allclose(s2s.grad(imaginary_parts)(z), [-1j, -1j])
    # a holomorphic function's adjoint has no conjugate: d Re(z**2) = Re(2 z dz)
    np.testing.assert_allclose(s2s.grad(real_of_square)(z), 2 * z)
    _, t = s2s.jvp(modulus_squared)(z, np.array([1j, 0.0]))
    assert t == pytest.approx(2 * 2.0)  # d|z|^2 along i at 1 + 2i: 2 * Im(z)


def modulus_of_imaginary(x): return np.sum(np.abs(x * 1j))
def modulus_of_scalar(a): return abs(a * (3 + 4j))


def test_abs_at_zero_is_zero_for_complex_values():
    g = s2s.grad(modulus_of_imaginary)(np.array([0.0, 2.0, -1.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0, -1.0])


def test_python_float_arguments_get_float_gradients():
    g = s2s.grad(modulus_of_scalar)(2.0)
    assert type(g) is float and g == pytest.approx(5.0)


def tuple_loss(params):
    a, b = params
    return np.abs(a * 1j + b * (1 + 1j)) ** 2


def test_containers_get_real_leaves():
    g = s2s.grad(tuple_loss)((1.0, np.array(2.0)))
    assert type(g) is tuple and not np.iscomplexobj(g[0]) and g[1].dtype == np.float64
    np.testing.assert_allclose(g, [2 * 3.0, 2 * 2.0 + 2 * 3.0])


def test_angle_in_degrees_is_refused_at_the_line():
    def f(x):
        return np.sum(np.angle(x * (1 + 1j), deg=True))

    with pytest.raises(s2s.S2SError, match="np.angle.*deg"):
        s2s.grad(f)(np.ones(2))


# -- functions with a real result of complex values: var, std, np.linalg.norm ------------------


def spread(x): return np.var(x * (1 + 2j) + x ** 2 * 1j) + np.std(x * 1j + 1.0, axis=0)
def vector_norms(x): return np.linalg.norm(x * (1 + 2j) + 1j) + np.linalg.norm(x * 1j - 0.5, ord=3) + np.linalg.norm(np.exp(1j * x) + x, ord=np.inf)
def frobenius(x): return np.linalg.norm(x * (2 - 1j) + 0.5j)


@pytest.mark.parametrize("f, args", [(spread, [A(5)]), (vector_norms, [A(4)]), (frobenius, [A(3, 2)])])
def test_real_results_of_complex_values(f, args):
    check_modes(f, args, second_order=f is spread)


def complex_spectral_norm(x): return np.linalg.norm(x * 1j, ord=2)
def norm_twice(x): return np.linalg.norm(x * 1j)


def test_what_is_not_covered_for_complex_values_is_refused_with_the_rewrite():
    with pytest.raises(ValueError, match="complex matrix only with ord=None"):
        s2s.grad(complex_spectral_norm)(A(3, 3))
    with pytest.raises(ValueError, match="first derivatives only: for a second derivative write"):
        s2s.hvp(norm_twice)(A(3), A(3))


def complex_data(x, h):
    z = x * h
    y = np.sin(x)
    return np.sum(np.abs(z)) + np.sum(y)


def test_complex_data_arguments():
    """Complex values the function does not make itself (a complex argument ``h``) are not
    seen when the derivative is generated: the optimized gradient says how to go on, and
    ``optimize=False`` differentiates it."""
    x, h = A(3), A(3) + 1j * A(3)
    with pytest.raises(TypeError, match="optimize=False"):
        s2s.grad(complex_data)(x, h)
    g = s2s.grad(complex_data, optimize=False)(x, h)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, numeric_grad(complex_data, [x, h], 0), rtol=1e-6, atol=1e-8)
