"""A loss written over a tree: partial credit for the right superclass.

Run:  python examples/taxonomy_loss.py

The classes form a hierarchy (vehicle -> car, bus, ...; animal -> mammal ->
dog, ...). The loss walks that hierarchy, given as nested tuples, with a
recursive Python function: every node on the path to the true class adds
-log(probability mass the model puts under that node). Mistaking a car for a
bus costs less than mistaking it for a dog, because the "vehicle" term is
still right. No vectorised reformulation is needed: s2s differentiates the
recursion as written (generated/taxonomy_loss_grad_taxonomy_loss_wrt_W_b.py
has a recursive `subtree_loss_backward`). The example checks the gradient
against finite differences and trains a linear classifier with it.
"""

import os

import numpy as np

import s2s

QUICK = bool(os.environ.get("S2S_QUICK"))

# (name, children) for an inner node, (name, class index) for a leaf.
TAXONOMY = (
    ("vehicle", (("car", 0), ("bus", 1), ("motorcycle", 2), ("bicycle", 3))),
    ("animal", (
        ("mammal", (("dog", 4), ("cat", 5), ("horse", 6))),
        ("bird", (("eagle", 7), ("sparrow", 8))),
    )),
    ("plant", (("tree", 9), ("flower", 10))),
)
N_CLASSES = 11


def subtree_loss(children, probs, onehot):
    """(mass, target, loss) of the node with these children: the probability the
    model puts under the node, 1 for the examples that belong there, and the loss
    summed over the children's subtrees."""
    mass = 0.0
    target = 0.0
    loss = 0.0
    for name, child in children:
        if isinstance(child, int):  # a leaf: class number `child`
            child_mass = probs[:, child]
            child_target = onehot[:, child]
            child_loss = 0.0
        else:
            child_mass, child_target, child_loss = subtree_loss(child, probs, onehot)
        # every node on the true class's path adds -log(mass under that node)
        loss = loss + child_loss - np.mean(child_target * np.log(child_mass))
        mass = mass + child_mass
        target = target + child_target
    return mass, target, loss


def taxonomy_loss(W, b, x, onehot):
    """Hierarchical cross-entropy of a linear softmax classifier over the leaf classes."""
    logits = x @ W + b
    logits = logits - np.max(logits, axis=1, keepdims=True)
    e = np.exp(logits)
    probs = e / np.sum(e, axis=1, keepdims=True)
    mass, target, loss = subtree_loss(TAXONOMY, probs, onehot)
    return loss


def paths(tree, prefix=()):
    """class index -> tuple of node names from the top level down to the class."""
    out = {}
    for name, children in tree:
        if isinstance(children, int):
            out[children] = prefix + (name,)
        else:
            out.update(paths(children, prefix + (name,)))
    return out


def class_means(rng, dim=8):
    """One mean per class, built top-down: siblings share their ancestors' offsets."""
    means = np.zeros((N_CLASSES, dim))
    for node in sorted({name for path in paths(TAXONOMY).values() for name in path}):
        offset = rng.normal(size=dim)
        for c, path in paths(TAXONOMY).items():
            if node in path:
                means[c] += offset
    return means


def sample(rng, means, n, noise=0.8):
    labels = rng.integers(N_CLASSES, size=n)
    return means[labels] + noise * rng.normal(size=(n, means.shape[1])), labels


def numeric_grad(f, args, i, eps=1e-6):
    g = np.zeros_like(args[i])
    for j in np.ndindex(g.shape):
        up = [a.copy() for a in args]
        down = [a.copy() for a in args]
        up[i][j] += eps
        down[i][j] -= eps
        g[j] = (f(*up) - f(*down)) / (2 * eps)
    return g


def main():
    path_of = paths(TAXONOMY)
    names = {c: path[-1] for c, path in path_of.items()}

    # Partial credit: the loss of one car when the model is sure of another class.
    print("loss of one car image, the model giving 0.91 to ... and 0.01 to each other class")
    car = np.eye(N_CLASSES)[[0]]
    W0, x0 = np.zeros((1, N_CLASSES)), np.zeros((1, 1))  # no features: the bias b alone sets the logits
    cost = {}
    for guess in (0, 1, 4, 9):
        b = np.log(np.where(np.arange(N_CLASSES) == guess, 0.91, 0.01))
        cost[guess] = taxonomy_loss(W0, b, x0, car)
        print(f"  {names[guess]:<8} ({'/'.join(path_of[guess])}): {cost[guess]:.3f}")
    assert cost[0] < cost[1] < cost[4]  # right class < right superclass < wrong superclass

    rng = np.random.default_rng(0)
    means = class_means(rng)
    x, labels = sample(rng, means, 400 if QUICK else 2000)
    x_test, labels_test = sample(rng, means, 1000)
    onehot = np.eye(N_CLASSES)[labels]

    grad_loss = s2s.grad(taxonomy_loss, wrt=("W", "b"))
    W = 0.1 * rng.normal(size=(x.shape[1], N_CLASSES))
    b = np.zeros(N_CLASSES)

    # The gradient of the recursion against central finite differences.
    dW, db = grad_loss(W, b, x[:20], onehot[:20])
    for name, g, i in (("W", dW, 0), ("b", db, 1)):
        expected = numeric_grad(taxonomy_loss, [W, b, x[:20], onehot[:20]], i)
        error = np.max(np.abs(g - expected)) / np.max(np.abs(expected))
        print(f"d loss / d {name}: relative error vs finite differences {error:.1e}")
        assert error < 1e-6

    steps = 60 if QUICK else 300
    losses = [taxonomy_loss(W, b, x, onehot)]
    for step in range(steps):
        if step % (steps // 5) == 0:
            print(f"step {step:4d}  loss {losses[-1]:.3f}")
        dW, db = grad_loss(W, b, x, onehot)
        W, b = W - 0.5 * dW, b - 0.5 * db
        losses.append(taxonomy_loss(W, b, x, onehot))
    print(f"{steps} steps of gradient descent: loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    assert losses[-1] < 0.5 * losses[0]
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:]))

    predicted = np.argmax(x_test @ W + b, axis=1)
    leaf_accuracy = np.mean(predicted == labels_test)
    top_accuracy = np.mean([path_of[p][0] == path_of[t][0] for p, t in zip(predicted, labels_test)])
    print(f"test accuracy: class {leaf_accuracy:.3f}, top-level group (vehicle/animal/plant) {top_accuracy:.3f}")
    assert top_accuracy > leaf_accuracy > 0.5


if __name__ == "__main__":
    main()
