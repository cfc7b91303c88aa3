"""Training through quantization: a straight-through rule for np.floor, in your own rule set.

Run:  python examples/quantization.py

The network below stores its weights on a 4-bit grid: every weight is rounded
to a multiple of 1/8 in [-1, 1] with np.floor before it is used. np.floor is
flat almost everywhere, so its true derivative is zero and plain gradient
descent cannot move the weights at all. The straight-through estimator
pretends the rounding is the identity in the backward sweep. s2s's built-in
rule for np.floor is not changed for everyone: the override lives in a
RuleSet and only the transforms given `rules=straight_through` use it.
The example prints the backward sweep of `quantize` under both. (The file
generated/quantization_grad_quantized_mlp_loss_wrt_W1_b1_W2_b2.py, written
by the `s2s grad` command, has the default rules' version: the command line
has no option for naming a rule set.)
"""

import os

import numpy as np

import s2s

QUICK = bool(os.environ.get("S2S_QUICK"))
LEVELS = 8  # grid step 1/8: 17 values in [-1, 1]

straight_through = s2s.RuleSet()


@s2s.adjoint(np.floor, rules=straight_through)
def floor_straight_through(y, x):
    dx = dy  # pass the gradient through the rounding unchanged


def quantize(w):
    """Round to the nearest multiple of 1/LEVELS, clipped to [-1, 1]."""
    return np.clip(np.floor(w * LEVELS + 0.5) / LEVELS, -1.0, 1.0)


def quantized_mlp_loss(W1, b1, W2, b2, x, y):
    """Mean squared error of a tanh MLP that computes with quantized weights."""
    h = np.tanh(x @ quantize(W1) + b1)
    prediction = h @ quantize(W2) + b2
    return np.mean((prediction - y) ** 2)


def main():
    rng = np.random.default_rng(0)
    x = np.linspace(-2.0, 2.0, 200)[:, None]
    y = np.sin(2.0 * x) + 0.3 * x
    params = [
        rng.uniform(-1, 1, size=(1, 16)), rng.normal(scale=0.5, size=16),
        rng.uniform(-0.5, 0.5, size=(16, 1)), np.zeros(1),
    ]
    wrt = ("W1", "b1", "W2", "b2")

    plain = s2s.grad(quantized_mlp_loss, wrt=wrt)
    ste = s2s.grad(quantized_mlp_loss, wrt=wrt, rules=straight_through)
    for name, g in (("default rules (np.floor has derivative zero)", plain), ("straight_through rule set", ste)):
        backward = g.source[g.source.index("def quantize_backward"):].split("\n\n")[0].rstrip()
        print(f"the backward sweep of quantize() with the {name}:")
        print("    " + backward.replace("\n", "\n    ") + "\n")

    dW1, db1, dW2, db2 = plain(*params, x, y)
    print(f"default rules: dW1 and dW2 are all zeros ({dW1.size + dW2.size} entries); only the biases can train")
    assert np.all(dW1 == 0.0) and np.all(dW2 == 0.0)

    steps = 300 if QUICK else 3000
    results = {}
    for name, grad in (("default rules", plain), ("straight-through", ste)):
        p = [a.copy() for a in params]
        losses = [quantized_mlp_loss(*p, x, y)]
        m = [np.zeros_like(a) for a in p]
        for step in range(steps):
            grads = grad(*p, x, y)
            m = [0.9 * mi + g for mi, g in zip(m, grads)]  # gradient descent with momentum
            p = [a - 0.01 * mi for a, mi in zip(p, m)]
            losses.append(quantized_mlp_loss(*p, x, y))
        results[name] = (losses, p)
        print(f"{name:<17} {steps} steps: loss {losses[0]:.4f} -> {losses[-1]:.4f}")

    plain_losses, _ = results["default rules"]
    ste_losses, (W1, b1, W2, b2) = results["straight-through"]
    grid = np.unique(np.concatenate([quantize(W1).ravel(), quantize(W2).ravel()]) * LEVELS).astype(int)
    print(f"trained weights use {len(grid)} of the {2 * LEVELS + 1} grid values k/{LEVELS}: {grid.tolist()}")
    assert ste_losses[-1] < (0.3 if QUICK else 0.1) * ste_losses[0]
    assert ste_losses[-1] < 0.5 * plain_losses[-1]  # the biases alone cannot fit the curve


if __name__ == "__main__":
    main()
