"""Second order: Newton-CG with Hessian-vector products from s2s.hvp.

Run:  python examples/newton_cg.py

L2-regularised logistic regression on badly scaled features: the loss's
Hessian is ill-conditioned, so gradient descent with the safe step 1/L
crawls. Newton's method solves H p = -g each iteration,
and conjugate gradients solves that system using only products H v, which
s2s.hvp computes without ever forming H (forward mode over the generated
reverse-mode gradient). Both methods start at zero and run until the
gradient's norm is below 1e-8; their progress is printed side by side.
The generated gradient is generated/newton_cg_grad_logistic_loss_wrt_w.py.
"""

import os

import numpy as np

import s2s

QUICK = bool(os.environ.get("S2S_QUICK"))
TOLERANCE = 1e-8


def logistic_loss(w, X, y, lam):
    """Mean logistic loss of the scores X @ w against labels +1 / -1, plus (lam/2) |w|^2."""
    margins = y * (X @ w)
    return np.mean(np.logaddexp(0.0, -margins)) + 0.5 * lam * np.sum(w * w)


def conjugate_gradient(hvp, g, max_iterations, tol):
    """Approximately solve H p = -g using only the products hvp(v) = H v."""
    p = np.zeros_like(g)
    r = -g  # residual -g - H p
    d = r.copy()
    rr = r @ r
    products = 0
    for _ in range(max_iterations):
        Hd = hvp(d)
        products += 1
        alpha = rr / (d @ Hd)
        p = p + alpha * d
        r = r - alpha * Hd
        rr_new = r @ r
        if np.sqrt(rr_new) < tol:
            break
        d = r + (rr_new / rr) * d
        rr = rr_new
    return p, products


def newton_cg(loss, w, args, max_iterations=50):
    """Newton's method with CG inner solves and a backtracking line search."""
    value_and_grad = s2s.value_and_grad(loss)
    hessian_vector = s2s.hvp(loss)
    history, products = [], 0
    for _ in range(max_iterations):
        value, g = value_and_grad(w, *args)
        history.append((value, np.linalg.norm(g)))
        if history[-1][1] < TOLERANCE:
            break
        forcing = min(0.5, np.sqrt(np.linalg.norm(g)))  # solve more accurately near the optimum
        p, n = conjugate_gradient(lambda v: hessian_vector(w, *args, v), g, 10 * len(w), forcing * np.linalg.norm(g))
        products += n
        step = 1.0
        while loss(w + step * p, *args) > value + 1e-4 * step * (g @ p):
            step *= 0.5
        w = w + step * p
    return w, history, products


def gradient_descent(loss, w, args, step, max_iterations):
    value_and_grad = s2s.value_and_grad(loss)
    history = []
    for _ in range(max_iterations):
        value, g = value_and_grad(w, *args)
        history.append((value, np.linalg.norm(g)))
        if history[-1][1] < TOLERANCE:
            break
        w = w - step * g
    return w, history


def main():
    rng = np.random.default_rng(0)
    n, d = 500, 20
    scales = np.logspace(0, 1, d)  # feature scales from 1 to 10
    X = rng.normal(size=(n, d)) * scales
    w_true = rng.normal(size=d) / scales
    y = np.where(X @ w_true + 0.5 * rng.normal(size=n) > 0, 1.0, -1.0)
    lam = 1e-2
    args = (X, y, lam)
    w0 = np.zeros(d)

    # s2s.hvp against finite differences of the gradient
    grad = s2s.grad(logistic_loss)
    hvp = s2s.hvp(logistic_loss)
    v = rng.normal(size=d)
    Hv = hvp(w0 + 0.01, X, y, lam, v)
    eps = 1e-6
    numeric = (grad(w0 + 0.01 + eps * v, *args) - grad(w0 + 0.01 - eps * v, *args)) / (2 * eps)
    error = np.max(np.abs(Hv - numeric)) / np.max(np.abs(numeric))
    print(f"Hessian-vector product vs finite differences of the gradient: relative error {error:.1e}")
    assert error < 1e-6

    # the safe step for gradient descent: 1/L, L bounding the Hessian's largest eigenvalue
    L = 0.25 * np.linalg.norm(X, 2) ** 2 / n + lam
    w_newton, newton, products = newton_cg(logistic_loss, w0, args)
    # for the printout only: the Hessian at the optimum, one hvp per column
    H = np.column_stack([hvp(w_newton, *args, e) for e in np.eye(d)])
    print(f"{n} examples, {d} features; condition number of the Hessian at the optimum: {np.linalg.cond(H):.0f}")
    gd_budget = 500 if QUICK else 20000
    w_gd, gd = gradient_descent(logistic_loss, w0, args, 1.0 / L, gd_budget)

    print(f"\n{'iteration':>9} | {'Newton-CG loss':>15} {'|grad|':>9} | {'gradient descent loss':>21} {'|grad|':>9}")
    for k in range(len(newton)):
        print(f"{k:9d} | {newton[k][0]:15.10f} {newton[k][1]:9.1e} | {gd[k][0]:21.10f} {gd[k][1]:9.1e}")
    gd_done = gd[-1][1] < TOLERANCE
    print(f"{'...':>9} | {'':25} | {'...':>21}")
    print(f"{len(gd) - 1:9d} | {'':25} | {gd[-1][0]:21.10f} {gd[-1][1]:9.1e}")
    print(f"\nNewton-CG: |grad| < {TOLERANCE:g} after {len(newton) - 1} iterations ({products} Hessian-vector products)")
    print(f"gradient descent: " + (f"|grad| < {TOLERANCE:g} after {len(gd) - 1} iterations" if gd_done
                                   else f"|grad| = {gd[-1][1]:.1e} after {len(gd) - 1} iterations, not converged"))

    assert newton[-1][1] < TOLERANCE
    assert len(newton) < len(gd)
    assert products < len(gd)  # fewer Hessian-vector products than gradient steps, too
    if gd_done:
        assert np.allclose(w_newton, w_gd, atol=1e-6)


if __name__ == "__main__":
    main()
