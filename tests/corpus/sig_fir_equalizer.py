"""Least-squares FIR equalizer: taps that undo a known channel, found by minimizing the error
between the equalized received signal and the sent one (np.convolve), with a smoothness penalty."""

import numpy as np


def equalize(taps, received):
    return np.convolve(received, taps, mode="full")


def design_loss(taps, received, sent, delay, smoothness=1e-3):
    if delay < 0 or delay + len(sent) > len(received) + len(taps) - 1:
        raise ValueError(f"delay {delay} out of range")
    output = equalize(taps, received)[delay : delay + len(sent)]
    error = output - sent
    return np.mean(error**2) + smoothness * np.sum(np.diff(taps) ** 2)


def corpus_inputs(rng):
    sent = np.sign(rng.normal(size=200))  # BPSK symbols
    channel = np.array([1.0, 0.45, -0.2, 0.1])
    received = np.convolve(sent, channel)[: len(sent)] + 0.05 * rng.normal(size=len(sent))
    taps = np.zeros(11)
    taps[5] = 1.0
    return taps + 0.01 * rng.normal(size=11), received, sent, 5


CORPUS = dict(f=design_loss, wrt=0)
