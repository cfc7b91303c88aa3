"""Malformed rule templates: each must be refused at its own line."""


def target(x):
    return x


def wrong_parameter(y, x):
    dz = dy * 2.0  # assigns the derivative of a name that is not a parameter


def no_adjoint(y, x):
    t = dy * 2.0


def writes_input(y, x):
    dy = dx
