"""Two pre-norm residual MLP blocks (layer norm, GELU), each block's parameters in a dataclass."""

from dataclasses import dataclass

import numpy as np


@dataclass
class BlockParams:
    ln_gamma: np.ndarray
    ln_beta: np.ndarray
    W_in: np.ndarray
    b_in: np.ndarray
    W_out: np.ndarray
    b_out: np.ndarray


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def residual_block(p, x):
    h = layer_norm(x, p.ln_gamma, p.ln_beta)
    return x + gelu(h @ p.W_in + p.b_in) @ p.W_out + p.b_out


def loss(blocks, x, target):
    for p in blocks:
        x = residual_block(p, x)
    return np.mean((x - target) ** 2)


def init_block(rng, d, d_hidden):
    return BlockParams(
        ln_gamma=np.ones(d) + 0.1 * rng.normal(size=d),
        ln_beta=0.1 * rng.normal(size=d),
        W_in=rng.normal(scale=1 / np.sqrt(d), size=(d, d_hidden)),
        b_in=np.zeros(d_hidden),
        W_out=rng.normal(scale=1 / np.sqrt(d_hidden), size=(d_hidden, d)),
        b_out=np.zeros(d),
    )


def corpus_inputs(rng):
    d = 6
    blocks = [init_block(rng, d, 12) for _ in range(2)]
    return blocks, rng.normal(size=(5, d)), rng.normal(size=(5, d))


CORPUS = dict(f=loss, wrt=0)
