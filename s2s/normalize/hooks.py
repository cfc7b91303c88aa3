"""Normalization of ``with s2s.insert_grad_of(x) as dx:`` blocks (part of :class:`~.anf.Normalizer`).

Takes the ``with`` statement as the user wrote it (the desugaring passes
leave it alone).  Emits one ``Pass`` marker statement carrying
``s2s_grad_of`` (the current version of ``x``), ``s2s_hook_name`` (``dx``),
``s2s_hook_body`` (the block, its free locals renamed to their current
versions and its globals made references) and ``s2s_hook_locals`` (the names
the block assigns besides ``dx``).  The backward sweep runs the block; the
forward sweep skips it.  Refuses a block that assigns a name of the function.
"""

import copy

import gast

from .refuse import UNSUPPORTED_STATEMENTS
from .tree import assigned_names, name_node


class Hooks:
    """Uses the normalizer's ``version``, ``scope``, ``all_reads``, ``atom``, ``global_ref``, ``emit``."""

    def grad_hook(self, stmt):
        """A block the backward sweep runs on the adjoint of ``x`` (a marker statement here)."""
        item = stmt.items[0]
        call = item.context_expr
        if len(call.args) != 1 or call.keywords or not self.is_local(call.args[0]):
            raise self.loc.error(call, "insert_grad_of takes one local variable: `with s2s.insert_grad_of(x) as dx:`")
        target = item.optional_vars
        if target is not None and not isinstance(target, gast.Name):
            raise self.loc.error(target, "bind the adjoint to a name: `as dx`")
        dname = target.id if target is not None else None
        assigned = set()
        for node in stmt.body:
            assigned |= assigned_names(node)
            for n in gast.walk(node):
                if type(n).__name__ in UNSUPPORTED_STATEMENTS:
                    raise self.loc.error(n, f"s2s does not support {UNSUPPORTED_STATEMENTS[type(n).__name__]} here")
        clash = sorted(n for n in assigned - {dname} if n in self.version or n in self.scope.locals and n in self.all_reads)
        if clash:
            raise self.loc.error(stmt, f"an insert_grad_of block may assign only its adjoint `{dname}` and names of its own, not `{clash[0]}`")
        hook = gast.Pass()
        hook.s2s_grad_of = self.atom(call.args[0]).id
        hook.s2s_hook_name = dname
        hook.s2s_hook_body = [self.hook_names(copy.deepcopy(n), dname, assigned) for n in stmt.body]
        hook.s2s_hook_locals = assigned - {dname}
        self.emit(hook)

    def hook_names(self, node, dname, assigned):
        """Resolve the names of a hook block: locals to their current versions, globals as references."""
        normalizer = self

        class Rename(gast.NodeTransformer):
            def visit_Name(self, n):
                if n.id == dname or n.id in assigned:
                    return n
                if isinstance(n.ctx, gast.Load) and n.id in normalizer.version:
                    return name_node(normalizer.version[n.id])
                ref = normalizer.global_ref(n)
                return ref if ref is not None else n

            def visit_Attribute(self, n):
                root = normalizer.scope.root(n)
                if root is not None and root.id not in normalizer.version and root.id not in assigned and root.id != dname:
                    return normalizer.global_ref(n)
                self.generic_visit(n)
                return n

        return Rename().visit(node)
