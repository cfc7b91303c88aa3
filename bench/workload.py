"""The ``Workload`` record of the benchmark (bench/workloads.py, bench/element_workloads.py).

A workload is a function, its hand-written gradient, the differentiated
parameter names and the argument sizes ("full", "quick", "small"); see
``bench/workloads.py`` for the conventions.
"""

from dataclasses import dataclass, field


@dataclass
class Workload:
    name: str
    fn: object
    grad: object  # the hand-written gradient: same arguments, returns what s2s.grad(fn, wrt) returns
    wrt: tuple  # names of the differentiated parameters
    sizes: dict  # size ("full", "quick", "small") -> keyword arguments of make
    make: object  # builds the argument tuple
    static: tuple = ()  # positions of integer arguments (static for jax.jit)
    scalar: bool = False  # Python-float workload: report s2s gradient time / forward time
    unrolled: bool = False  # a Python loop or recursion that jax.jit unrolls (long compile)
    describe: dict = field(default_factory=dict)  # size -> short description for the table
    cannot_run: dict = field(default_factory=dict)  # peer ("autograd", "jax", "torch") -> why it cannot run fn as written

    @property
    def wrt_arg(self):
        return self.wrt[0] if len(self.wrt) == 1 else self.wrt

    def args(self, size="full"):
        return self.make(**self.sizes[size])

    def positions(self):
        """Positions of the ``wrt`` parameters in ``fn``'s signature."""
        names = self.fn.__code__.co_varnames[: self.fn.__code__.co_argcount]
        return tuple(names.index(n) for n in self.wrt)
