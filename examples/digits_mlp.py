"""A real classifier: an MLP trained with Adam on scikit-learn's handwritten digits.

Run:  python examples/digits_mlp.py [--out DIR] [--epochs N]
Needs: pip install 's2s[examples]'   (scikit-learn, matplotlib, tqdm)

The loss below is plain numpy. s2s.value_and_grad turns it into a generated
Python module that returns the loss and its gradient with respect to the four
parameter arrays; the training loop is ordinary Python around it: minibatches,
Adam, a tqdm progress bar over the epochs and a loss curve saved as a PNG (in a
temporary directory unless --out says where). The 8x8 digit images ship with
scikit-learn, so nothing is downloaded. The generated gradient is in
generated/digits_mlp_grad_loss_wrt_W1_b1_W2_b2.py.

With S2S_QUICK=1 (as the tests run it) it trains for fewer epochs.
"""

import argparse
import os
import sys
import tempfile
import time

import matplotlib

matplotlib.use("Agg")  # headless: the plot goes to a file

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import s2s

QUICK = bool(os.environ.get("S2S_QUICK"))


def loss(W1, b1, W2, b2, x, y, weight_decay):
    """Softmax cross-entropy of a one-hidden-layer tanh MLP, plus an L2 penalty."""
    h = np.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    data_loss = -np.mean(np.sum(y * log_probs, axis=1))
    return data_loss + weight_decay * (np.sum(W1 * W1) + np.sum(W2 * W2))


def predict(W1, b1, W2, b2, x):
    return np.argmax(np.tanh(x @ W1 + b1) @ W2 + b2, axis=1)


def adam(params, grads, state, step, lr=3e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update of every parameter array; `state` holds the moment estimates."""
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        m, v = state[i]
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        state[i] = (m, v)
        m_hat = m / (1 - beta1**step)
        v_hat = v / (1 - beta2**step)
        new_params.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
    return new_params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="directory for loss_curve.png (default: a new temporary directory)")
    parser.add_argument("--epochs", type=int, default=8 if QUICK else 40)
    args = parser.parse_args()
    out_dir = args.out or tempfile.mkdtemp(prefix="s2s_digits_")
    os.makedirs(out_dir, exist_ok=True)

    digits = load_digits()
    x = digits.data / 16.0  # pixel intensities 0..16 -> 0..1
    y = np.eye(10)[digits.target]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0, stratify=digits.target)
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of 8x8 pixels, 10 classes")

    rng = np.random.default_rng(0)
    hidden = 64
    params = [
        rng.normal(scale=1 / np.sqrt(64), size=(64, hidden)), np.zeros(hidden),
        rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 10)), np.zeros(10),
    ]
    loss_and_grad = s2s.value_and_grad(loss, wrt=("W1", "b1", "W2", "b2"))
    print(f"s2s wrote loss and gradient to {loss_and_grad.path}")

    state = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    batch, step, curve = 64, 0, []
    start = time.perf_counter()
    epochs = tqdm(range(args.epochs), desc="epochs", disable=QUICK or not sys.stderr.isatty())
    for epoch in epochs:
        order = rng.permutation(len(x_train))
        for first in range(0, len(order), batch):
            idx = order[first:first + batch]
            value, grads = loss_and_grad(*params, x_train[idx], y_train[idx], 1e-4)
            step += 1
            params = adam(params, grads, state, step)
            curve.append(value)
        epochs.set_postfix(loss=f"{np.mean(curve[-10:]):.3f}")
    seconds = time.perf_counter() - start

    train_accuracy = np.mean(predict(*params, x_train) == y_train.argmax(axis=1))
    test_accuracy = np.mean(predict(*params, x_test) == y_test.argmax(axis=1))
    print(f"{args.epochs} epochs, {step} Adam steps in {seconds:.1f} s: "
          f"loss {curve[0]:.3f} -> {np.mean(curve[-10:]):.3f}")
    print(f"accuracy: train {train_accuracy:.3f}, test {test_accuracy:.3f}")

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(curve, lw=0.6, alpha=0.5, label="minibatch loss")
    window = 20
    if len(curve) > window:
        smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
        ax.plot(np.arange(window - 1, len(curve)), smooth, label=f"mean of {window}")
    ax.set(xlabel="Adam step", ylabel="loss", yscale="log", title=f"digits MLP: test accuracy {test_accuracy:.3f}")
    ax.legend()
    fig.tight_layout()
    png = os.path.join(out_dir, "loss_curve.png")
    fig.savefig(png, dpi=100)
    print(f"loss curve: {png}")

    assert np.mean(curve[-10:]) < 0.25 * curve[0]
    assert test_accuracy >= (0.95 if args.epochs >= 40 else 0.90), test_accuracy  # quick mode: 8 epochs


if __name__ == "__main__":
    main()
