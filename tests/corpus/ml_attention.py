"""Multi-head causal self-attention (scaled dot-product), trained to reproduce a target sequence."""

import numpy as np


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    d_k = q.shape[-1]
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    return softmax(scores, axis=-1) @ v


def split_heads(x, n_heads):
    T, d = x.shape
    return x.reshape(T, n_heads, d // n_heads).transpose(1, 0, 2)


def merge_heads(x):
    n_heads, T, d_head = x.shape
    return x.transpose(1, 0, 2).reshape(T, n_heads * d_head)


def self_attention(weights, x, n_heads=2):
    Wq, Wk, Wv, Wo = weights
    q, k, v = (split_heads(x @ W, n_heads) for W in (Wq, Wk, Wv))
    causal = np.tril(np.ones((x.shape[0], x.shape[0]), dtype=bool))
    return merge_heads(scaled_dot_product_attention(q, k, v, mask=causal)) @ Wo


def loss(weights, x, target):
    return np.mean((self_attention(weights, x) - target) ** 2)


def corpus_inputs(rng):
    T, d = 6, 8
    weights = tuple(rng.normal(scale=1 / np.sqrt(d), size=(d, d)) for _ in range(4))
    return weights, rng.normal(size=(T, d)), rng.normal(size=(T, d))


CORPUS = dict(f=loss, wrt=0)
