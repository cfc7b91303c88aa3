"""A projectile with quadratic air drag: launch speed, angle and drag coefficient fitted to the
positions tracked on video, and the landing distance (a while loop that stops at the ground)."""

import numpy as np

G = 9.81


def step(state, drag, dt):
    x, y, vx, vy = state
    speed = np.sqrt(vx**2 + vy**2)
    ax = -drag * speed * vx
    ay = -G - drag * speed * vy
    return np.array([x + dt * vx, y + dt * vy, vx + dt * ax, vy + dt * ay])


def initial_state(speed, angle):
    return np.array([0.0, 0.0, speed * np.cos(angle), speed * np.sin(angle)])


def track(params, n_frames, dt=0.02):
    speed, angle, drag = params
    state = initial_state(speed, angle)
    positions = np.empty((n_frames, 2))
    for k in range(n_frames):
        positions[k] = state[:2]
        state = step(state, drag, dt)
    return positions


def fit_loss(params, tracked):
    predicted = track(params, len(tracked))
    return np.sum((predicted - tracked) ** 2)


def landing_distance(params, dt=0.01, max_steps=10_000):
    speed, angle, drag = params
    state = initial_state(speed, angle)
    previous = state
    n = 0
    while state[1] >= 0.0:
        previous, state = state, step(state, drag, dt)
        n += 1
        if n > max_steps:
            raise RuntimeError("the projectile never lands")
    # interpolate linearly between the last point above ground and the first below
    fraction = previous[1] / (previous[1] - state[1])
    return previous[0] + fraction * (state[0] - previous[0])


def corpus_inputs(rng):
    tracked = track(np.array([20.0, 0.9, 0.02]), 60) + 0.05 * rng.normal(size=(60, 2))
    return np.array([18.0, 0.85, 0.03]), tracked


def launch(rng):
    return (np.array([20.0, 0.9, 0.02]) + 0.01 * rng.normal(size=3),)


CORPUS = [dict(f=fit_loss, wrt=0), dict(f=landing_distance, wrt=0, inputs=launch)]
