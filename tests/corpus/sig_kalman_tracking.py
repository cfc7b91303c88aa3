"""Constant-velocity tracking: the Kalman filter's prediction-error decomposition gives the
log-likelihood of noisy position measurements as a function of the (log) noise levels."""

import numpy as np


def model_matrices(dt):
    F = np.array([[1.0, dt], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    G = np.array([[0.5 * dt**2], [dt]])
    return F, H, G


def kalman_nll(log_noise, measurements, dt=0.1):
    log_q, log_r = log_noise
    F, H, G = model_matrices(dt)
    Q = np.exp(log_q) * G @ G.T
    R = np.exp(log_r) * np.eye(1)
    x = np.array([measurements[0, 0], 0.0])
    P = np.eye(2)
    nll = 0.0
    for z in measurements:
        # predict
        x = F @ x
        P = F @ P @ F.T + Q
        # update
        innovation = z - H @ x
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        x = x + K @ innovation
        P = (np.eye(2) - K @ H) @ P
        sign, logdet = np.linalg.slogdet(2 * np.pi * S)
        nll += 0.5 * (logdet + innovation @ np.linalg.solve(S, innovation))
    return nll


def corpus_inputs(rng):
    n, dt = 60, 0.1
    F, H, G = model_matrices(dt)
    state = np.array([0.0, 1.0])
    measurements = np.zeros((n, 1))
    for k in range(n):
        state = F @ state + (G * 0.5 * rng.normal()).ravel()
        measurements[k] = H @ state + 0.2 * rng.normal()
    return np.log([0.3, 0.05]), measurements


CORPUS = dict(f=kalman_nll, wrt=0)
