"""Programs that pass functions around, written as their authors would: an RK4 integrator
taking the right-hand side, a model table chosen by a config string, losses with nested helpers
closing over data (issue 17, points 4 and 5)."""

import numpy as np

OMEGA = 2.0
DAMPING = 0.3


def rk4(rhs, y0, dt, n_steps):
    """Fixed-step RK4 for dy/dt = rhs(y, t); returns the trajectory, y0 first."""
    y = y0
    t = 0.0
    ys = [y0]
    for _ in range(n_steps):
        k1 = rhs(y, t)
        k2 = rhs(y + 0.5 * dt * k1, t + 0.5 * dt)
        k3 = rhs(y + 0.5 * dt * k2, t + 0.5 * dt)
        k4 = rhs(y + dt * k3, t + dt)
        y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + dt
        ys.append(y)
    return np.stack(ys)


def euler(f, y0, dt, n_steps, args=()):
    """Forward Euler for dy/dt = f(y, t, *args), scipy's odeint calling convention."""
    y = y0
    for i in range(n_steps):
        y = y + dt * f(y, i * dt, *args)
    return y


def damped_oscillator(y, t):
    x, v = y
    return np.array([v, -OMEGA ** 2 * x - DAMPING * v])


def sir(y, t, beta, gamma):
    s, i, r = y
    infection = beta * s * i
    recovery = gamma * i
    return np.array([-infection, infection - recovery, recovery])


def oscillator_energy(y0):
    ys = rk4(damped_oscillator, y0, 0.05, 40)
    return np.sum(ys[:, 0] ** 2 + ys[:, 1] ** 2 / OMEGA ** 2)


def sir_fit(theta, y0, observed):
    beta, gamma = theta
    ys = rk4(lambda y, t: sir(y, t, beta, gamma), y0, 0.1, observed.shape[0] - 1)
    return np.mean((ys[:, 1] - observed) ** 2)


def sir_final(theta, y0):
    final = euler(sir, y0, 0.1, 30, args=(theta[0], theta[1]))
    return final[2]


def decay_fit(k, y0, observed, dt):
    def rhs(y, t):
        return -k * y + 0.1 * np.sin(t)
    ys = rk4(rhs, y0, dt, len(observed) - 1)
    return np.sum((ys - observed) ** 2)


def linear(x, a, b):
    return a * x + b


def quadratic(x, a, b, c):
    return (a * x + b) * x + c


def saturating(x, vmax, km):
    return vmax * x / (km + x)


MODELS = {"linear": linear, "quadratic": quadratic, "saturating": saturating}


def model_loss(theta, x, y, config):
    prediction = MODELS[config["model"]](x, *theta)
    residual = prediction - y
    return np.mean(residual ** 2) + config["l2"] * np.sum(theta ** 2)


def ridge_loss(w, X, y, lam):
    n = X.shape[0]

    def residual(w):
        return X @ w - y

    def penalty(v, power=2):
        return lam * np.sum(np.abs(v) ** power)

    r = residual(w)
    return np.sum(r ** 2) / n + penalty(w)


def layer(activation, W, h):
    return activation(W @ h)


def mlp(x, W1, W2, activation):
    hidden = layer(activation, W1, x)
    return W2 @ hidden


def mlp_loss(W1, W2, x, target):
    out = mlp(x, W1, W2, np.tanh)
    smooth = layer(lambda z: np.log1p(np.exp(z)), W2, np.ones(W2.shape[1]))
    return np.sum((out - target) ** 2) + 0.1 * np.sum(smooth)


def hinge_pairs(scores, margins):
    pair = (1.0 - scores, margins)
    return np.sum(np.maximum(*pair))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "softplus": lambda z: np.log1p(np.exp(z)),
}


def configured_mlp_loss(W1, W2, x, target, activation="tanh"):
    out = mlp(x, W1, W2, ACTIVATIONS[activation])
    return np.sum((out - target) ** 2)


def rk4_odeint(f, y0, t, *args):
    """Classical RK4 on the grid ``t`` for dy/dt = f(y, t, *args), odeint's calling convention."""
    y = np.asarray(y0, dtype=float)
    ys = [y]
    for i in range(len(t) - 1):
        h = t[i + 1] - t[i]
        k1 = f(y, t[i], *args)
        k2 = f(y + 0.5 * h * k1, t[i] + 0.5 * h, *args)
        k3 = f(y + 0.5 * h * k2, t[i] + 0.5 * h, *args)
        k4 = f(y + h * k3, t[i + 1], *args)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return np.stack(ys)


def lotka_volterra(y, t, alpha, beta, gamma, delta):
    prey, predator = y
    return np.array([alpha * prey - beta * prey * predator, delta * prey * predator - gamma * predator])


def lotka_volterra_fit(theta, y0, t, observed):
    alpha, beta, gamma, delta = theta
    ys = rk4_odeint(lotka_volterra, y0, t, alpha, beta, gamma, delta)
    return np.mean((np.log(ys) - np.log(observed)) ** 2)


def logistic_growth(y, t):
    return y * (1.0 - y)


def logistic_final(y0, t):
    return np.sum(rk4_odeint(logistic_growth, y0, t)[-1])


def weighted_sum(*terms):
    """The terms summed, the k-th weighted by 1 / (k + 1)."""
    total = 0.0
    for k, term in enumerate(terms):
        total = total + term / (k + 1)
    return total


def smoothness_penalty(x, y):
    return np.sum(weighted_sum(x ** 2, np.sin(x) * y, np.cumsum(x)))


class RidgeModel:
    """A model class as scikit-learn users write them: the penalty is state, the weights are not."""

    def __init__(self, penalty):
        self.penalty = penalty

    def predict(self, w, X):
        return X @ w

    def loss(self, w, X, y):
        residual = self.predict(w, X) - y
        return 0.5 * np.mean(residual ** 2) + self.penalty * np.sum(w ** 2)


def objective(w, model: RidgeModel, X, y):
    """The model is a parameter whose class the annotation says."""
    return model.loss(w, X, y)


def folds_objective(w, X, y, penalty):
    """The model is made in the function; each fold calls its method."""
    model = RidgeModel(penalty)
    half = len(y) // 2
    return model.loss(w, X[:half], y[:half]) + model.loss(w, X[half:], y[half:])


def unannotated_objective(w, model, X, y):
    return model.loss(w, X, y)
