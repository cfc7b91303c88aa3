"""An L2-regularized logistic regression written as a class; the loss method calls the predict methods."""

import numpy as np


class LogisticRegression:
    def __init__(self, l2=1.0, fit_intercept=True):
        self.l2 = l2
        self.fit_intercept = fit_intercept

    def design(self, X):
        if self.fit_intercept:
            return np.column_stack([np.ones(X.shape[0]), X])
        return X

    def predict_logits(self, w, X):
        return self.design(X) @ w

    def predict_proba(self, w, X):
        return 1.0 / (1.0 + np.exp(-self.predict_logits(w, X)))

    def loss(self, w, X, y):
        logits = self.predict_logits(w, X)
        nll = np.mean(np.logaddexp(0.0, logits) - y * logits)
        penalized = w[1:] if self.fit_intercept else w
        return nll + 0.5 * self.l2 * np.sum(penalized**2)


model = LogisticRegression(l2=0.1)


def corpus_inputs(rng):
    X = rng.normal(size=(30, 4))
    y = (X @ np.array([1.0, -1.0, 0.5, 0.0]) + 0.5 * rng.normal(size=30) > 0).astype(float)
    return rng.normal(scale=0.3, size=5), X, y


CORPUS = dict(f=model.loss, wrt=0)
