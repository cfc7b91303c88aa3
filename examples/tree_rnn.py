"""Recursion: a tree-structured recursive network over parse trees.

Run:  python examples/tree_rnn.py

Each sentence comes as a binary parse tree of nested tuples whose leaves are
word indices, e.g. the movie is not very good:
    (("the", "movie"), ("not", ("very", "good")))  ->  ((0, 1), (7, (8, 3)))
`encode` is the textbook recursive neural network (Socher et al.): a leaf is
its word's vector, an inner node is tanh(W [left; right] + b). The network is
trained to tell positive from negative sentences, where "not" flips the
meaning of what follows it, so word counts alone cannot do it. The recursion
is differentiated as written: the generated gradient
(generated/tree_rnn_grad_loss_wrt_E_W_b_u.py) has a recursive
`encode_backward` that walks each tree back down.
"""

import os

import numpy as np

import s2s

QUICK = bool(os.environ.get("S2S_QUICK"))

VOCAB = ["the", "movie", "plot", "good", "great", "bad", "awful", "not", "very"]
WORD = {w: i for i, w in enumerate(VOCAB)}
POLARITY = {"good": 1, "great": 1, "bad": -1, "awful": -1}


def encode(tree, E, W, b):
    """The vector of a parse tree: word vectors at the leaves, combined bottom-up."""
    if isinstance(tree, int):
        return E[tree]
    left = encode(tree[0], E, W, b)
    right = encode(tree[1], E, W, b)
    return np.tanh(W @ np.concatenate([left, right]) + b)


def loss(E, W, b, u, trees, labels):
    """Mean logistic loss of the score u . encode(tree) against labels +1 / -1."""
    total = 0.0
    for tree, label in zip(trees, labels):
        score = u @ encode(tree, E, W, b)
        total = total + np.logaddexp(0.0, -label * score)
    return total / len(trees)


def random_sentence(rng):
    """A (noun phrase, adjective phrase) tree and its sentiment, +1 or -1."""
    subject = ("the", str(rng.choice(["movie", "plot"])))
    word = str(rng.choice(list(POLARITY)))
    phrase, sentiment = word, POLARITY[word]
    for _ in range(rng.integers(0, 4)):  # wrap the adjective in "not" / "very"
        modifier = str(rng.choice(["not", "very"]))
        phrase = (modifier, phrase)
        sentiment = -sentiment if modifier == "not" else sentiment
    return (subject, phrase), sentiment


def to_indices(tree):
    if isinstance(tree, str):
        return WORD[tree]
    return (to_indices(tree[0]), to_indices(tree[1]))


def to_text(tree):
    return tree if isinstance(tree, str) else "(" + " ".join(to_text(t) for t in tree) + ")"


def accuracy(params, trees, labels):
    E, W, b, u = params
    return np.mean([np.sign(u @ encode(t, E, W, b)) == y for t, y in zip(trees, labels)])


def main():
    rng = np.random.default_rng(0)
    sentences = [random_sentence(rng) for _ in range(400)]
    for words, sentiment in sentences[:3]:
        print(f"{to_text(words):<45} -> {to_indices(words)}  sentiment {sentiment:+d}")
    trees = [to_indices(words) for words, _ in sentences]
    labels = [sentiment for _, sentiment in sentences]
    train, test = slice(0, 300), slice(300, 400)

    dim = 8
    params = [
        rng.normal(scale=0.5, size=(len(VOCAB), dim)),     # E: word vectors
        rng.normal(scale=0.5, size=(dim, 2 * dim)),        # W: composition
        np.zeros(dim),                                     # b
        rng.normal(scale=0.5, size=dim),                   # u: sentiment read-out
    ]
    value_and_grad = s2s.value_and_grad(loss, wrt=("E", "W", "b", "u"))

    # The recursive gradient against central finite differences, on a few trees.
    _, grads = value_and_grad(*params, trees[:5], labels[:5])
    eps = 1e-6
    for name, i in (("E", 0), ("W", 1), ("b", 2), ("u", 3)):
        numeric = np.zeros_like(params[i])
        for j in np.ndindex(params[i].shape):
            up = [p.copy() for p in params]
            down = [p.copy() for p in params]
            up[i][j] += eps
            down[i][j] -= eps
            numeric[j] = (loss(*up, trees[:5], labels[:5]) - loss(*down, trees[:5], labels[:5])) / (2 * eps)
        error = np.max(np.abs(grads[i] - numeric)) / np.max(np.abs(numeric))
        print(f"d loss / d {name}: relative error vs finite differences {error:.1e}")
        assert error < 1e-6

    # Adam on minibatches of 30 sentences.
    steps = 60 if QUICK else 400
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    first = loss(*params, trees[train], labels[train])
    print(f"step   0  loss {first:.3f}  test accuracy {accuracy(params, trees[test], labels[test]):.2f}")
    for step in range(1, steps + 1):
        batch = rng.choice(300, size=30, replace=False)
        value, grads = value_and_grad(*params, [trees[k] for k in batch], [labels[k] for k in batch])
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            params[i] = params[i] - 0.02 * (m[i] / (1 - 0.9**step)) / (np.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)
        if step % (steps // 4) == 0:
            print(f"step {step:3d}  loss {loss(*params, trees[train], labels[train]):.3f}  "
                  f"test accuracy {accuracy(params, trees[test], labels[test]):.2f}")
    last = loss(*params, trees[train], labels[train])
    test_accuracy = accuracy(params, trees[test], labels[test])
    assert last < 0.5 * first
    assert test_accuracy >= (0.7 if QUICK else 0.95), test_accuracy


if __name__ == "__main__":
    main()
