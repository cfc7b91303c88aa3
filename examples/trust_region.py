"""Second-order optimisation with an exact Hessian from s2s.hessian.

Run:  python examples/trust_region.py

Poisson regression of counts on 12 correlated features (a log link, an
L2 penalty): scipy.optimize.minimize with method="trust-exact" takes jac= the
gradient s2s generates and hess= the Hessian, which s2s computes by vector mode
over that generated gradient (forward over reverse, every direction in one
sweep). It is compared with BFGS, which builds its curvature from gradients
alone. The Hessian is checked against differences of the gradient and for
symmetry (exact: s2s.hessian averages the two triangles). The generated files are generated/trust_region_grad_neg_log_likelihood.py
(the gradient) and generated/trust_region_grad_neg_log_likelihood_jacobian_grad_neg_log_likelihood.py
(vector mode over it: the Hessian).
"""

import numpy as np
from scipy.optimize import minimize

import s2s


def neg_log_likelihood(beta, X, counts, lam):
    """Poisson regression: -sum(y * eta - exp(eta)) with eta = X @ beta, plus (lam/2) |beta|^2."""
    eta = X @ beta
    return np.sum(np.exp(eta) - counts * eta) + 0.5 * lam * np.sum(beta * beta)


def main():
    rng = np.random.default_rng(1)
    n, d = 400, 12
    mixing = np.eye(d) + 0.6 * rng.normal(size=(d, d)) / np.sqrt(d)
    X = rng.normal(size=(n, d)) @ mixing * 0.3
    beta_true = rng.normal(size=d) * 0.5
    counts = rng.poisson(np.exp(X @ beta_true)).astype(float)
    lam = 1.0
    args = (X, counts, lam)

    gradient = s2s.grad(neg_log_likelihood)
    hessian = s2s.hessian(neg_log_likelihood)
    print(f"the Hessian's code: {hessian.path}")
    beta0 = np.zeros(d)
    H = hessian(beta0 + 0.1, *args)
    eps = 1e-6
    numeric = np.stack([(gradient(beta0 + 0.1 + eps * e, *args) - gradient(beta0 + 0.1 - eps * e, *args)) / (2 * eps)
                        for e in np.eye(d)], axis=-1)
    error = np.max(np.abs(H - numeric)) / np.max(np.abs(numeric))
    print(f"Hessian {H.shape[0]} x {H.shape[1]} against differences of the gradient: relative error {error:.1e}; "
          f"{'exactly symmetric' if np.array_equal(H, H.T) else 'not symmetric'}")
    assert error < 1e-6 and np.array_equal(H, H.T)

    newton = minimize(neg_log_likelihood, beta0, args=args, method="trust-exact", jac=gradient, hess=hessian, options={"gtol": 1e-10})
    bfgs = minimize(neg_log_likelihood, beta0, args=args, method="BFGS", jac=gradient, options={"gtol": 1e-10, "maxiter": 2000})
    for name, fit in (("trust-exact (s2s.hessian)", newton), ("BFGS (gradients only)", bfgs)):
        print(f"{name:26}: loss {fit.fun:.10f}, |grad| {np.linalg.norm(fit.jac):.1e}, {fit.nit} iterations, "
              f"{fit.njev} gradients" + (f", {fit.nhev} Hessians" if hasattr(fit, "nhev") else ""))
    print(f"largest difference between the two fits: {np.max(np.abs(newton.x - bfgs.x)):.1e}")

    assert newton.success and np.linalg.norm(newton.jac) < 1e-8
    assert newton.nit < bfgs.nit
    assert np.allclose(newton.x, bfgs.x, atol=1e-5)


if __name__ == "__main__":
    main()
