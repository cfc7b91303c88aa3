"""Additive synthesis (decaying sinusoids, as in DDSP) matched to a recording by a
multi-resolution log-magnitude spectral loss computed with np.fft.rfft on windowed frames."""

import numpy as np

SAMPLE_RATE = 8000.0


def synthesize(params, n_samples):
    t = np.arange(n_samples) / SAMPLE_RATE
    amplitudes = np.exp(params["log_amplitudes"])
    frequencies = params["frequencies"]
    decay = np.exp(params["log_decay"])
    partials = amplitudes[:, None] * np.sin(2 * np.pi * frequencies[:, None] * t[None, :])
    return np.exp(-decay * t) * partials.sum(axis=0)


def magnitude_spectrogram(x, frame_size):
    n_frames = len(x) // frame_size
    frames = x[: n_frames * frame_size].reshape(n_frames, frame_size) * np.hanning(frame_size)
    return np.abs(np.fft.rfft(frames, axis=-1))


def spectral_loss(params, target, frame_sizes=(64, 128, 256), eps=1e-3):
    x = synthesize(params, len(target))
    loss = 0.0
    for size in frame_sizes:
        ours = magnitude_spectrogram(x, size)
        theirs = magnitude_spectrogram(target, size)
        loss += np.mean((ours - theirs) ** 2) + np.mean((np.log(ours + eps) - np.log(theirs + eps)) ** 2)
    return loss


def corpus_inputs(rng):
    truth = {"log_amplitudes": np.log([1.0, 0.5, 0.25]), "frequencies": np.array([440.0, 880.0, 1320.0]), "log_decay": np.log(3.0)}
    target = synthesize(truth, 1024) + 0.01 * rng.normal(size=1024)
    guess = {
        "log_amplitudes": np.log([0.8, 0.6, 0.2]),
        "frequencies": np.array([430.0, 890.0, 1310.0]),
        "log_decay": np.log(2.0),
    }
    return guess, target


CORPUS = dict(f=spectral_loss, wrt=0)
