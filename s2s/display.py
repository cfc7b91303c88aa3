"""Rich display of generated source, for notebooks.

Takes the generated module text and the functions the transforms return.
Guarantees: in a notebook (IPython's display formatters, which look for
``_repr_html_``) a returned function and its ``.source`` show the generated
code highlighted, by pygments when it can be imported, else as escaped text in
a ``<pre>``.  Nothing else changes: ``.source`` is a ``str`` with ``str``'s
repr, and a terminal shows a function as Python does.
"""

import html


class Source(str):
    """Generated module text: a ``str`` that a notebook shows highlighted."""

    __slots__ = ()

    def _repr_html_(self):
        return highlighted(self)


def highlighted(text):
    """``text``, Python source, as HTML with inline colours (no stylesheet needed)."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return f"<pre>{html.escape(text)}</pre>"
    return highlight(text, PythonLexer(), HtmlFormatter(noclasses=True))


def rich(fn, title):
    """Give ``fn``, a function a transform returns, a notebook display: ``title``
    (``s2s.grad(loss)``), the file its code is in, and that code highlighted."""

    def _repr_html_():
        head = f"<p><code>{html.escape(title)}</code>, generated in <code>{html.escape(fn.path)}</code>:</p>"
        return head + highlighted(fn.source)

    fn._repr_html_ = _repr_html_
    return fn
