"""The s2s version, in a module of its own so that the modules which stamp it
into generated code and cache keys need not import the package ``__init__``
(which imports them: an import cycle).  Imports nothing."""

__version__ = "0.1.0"
