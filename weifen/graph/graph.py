"""``wf.make_graph``: a weifen function staged into one typed graph of ``wf.graph`` nodes.

``make_graph(f, *example_args)`` calls ``f`` once with typed ``Variable`` nodes in place of
its array arguments (pytrees allowed); every weifen op stages a node whose shape and dtype
are inferred on the spot. The result is a :class:`Graph`: the same nodes as the static-graph
API (so ``Executor(g.outputs)`` and ``gradients`` work on them), plus

* ``print(g)``: one node a line with its type, in the spirit of a jaxpr;
* ``g(*args)``: run it (the arguments must have the example's structure and shapes);
* ``g.optimize()``: a new graph after the passes (CSE, constant folding, algebraic
  identities, dead nodes; ``fuse=True`` adds elementwise fusion regions);
* ``g.check()``: the type checker every pass runs after itself;
* ``g.to_svg()``: a picture.

>>> import weifen as wf
>>> g = wf.make_graph(lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2), 2.0, 5.0)
>>> print(g)
{ lambda ; x1:f64~[] x2:f64~[]. let
    a:f64~[] = log x1
    b:f64~[] = mul x1 x2
    c:f64~[] = add a b
    d:f64~[] = sin x2
    e:f64~[] = sub c d
  in (e) }
>>> round(float(g(2.0, 5.0)), 4)
11.6521
"""
from __future__ import annotations

import inspect
import keyword
from typing import Any, Callable

import numpy as np

from weifen.core.primitive import Box
from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.errors import GraphError, WeifenTypeError
from weifen.graph import types as T
from weifen.graph.ir import ConstantOp, Node, PlaceholderOp, Variable, as_node, constant
from weifen.graph.run import Executor


class Graph:
    """A staged function: ``inputs`` (typed Variables) and ``outputs`` (nodes), with the
    argument and result structures (pytrees) that ``g(*args)`` takes and returns."""

    def __init__(self, inputs: list, outputs: list, in_tree: Any = None, out_tree: Any = None,
                 name: str = "f", statics: tuple = ()) -> None:
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.in_tree = in_tree
        self.out_tree = out_tree
        self.name = name
        self.statics = statics  # (position, value) of non-array leaves, put back by __call__
        self._order: list | None = None
        self._executor: Executor | None = None

    # ------------------------------------------------------------------ structure
    @property
    def nodes(self) -> list:
        """Every node: the inputs in order, then the rest in program order (a depth-first
        postorder from the outputs, so values die soon after they are made)."""
        if self._order is None:
            self._order = postorder(self.outputs, self.inputs)
        return self._order

    def __len__(self) -> int:
        return len(self.nodes)

    def replace(self, outputs: list, inputs: list | None = None) -> "Graph":
        """The same signature with new outputs (what a pass returns)."""
        return Graph(self.inputs if inputs is None else inputs, outputs, self.in_tree,
                     self.out_tree, self.name, self.statics)

    # ------------------------------------------------------------------ running
    def __call__(self, *args: Any) -> Any:
        """Run the graph on arguments shaped like the example ones; returns NumPy values in
        ``f``'s result structure (a list of the outputs' values for a graph built from
        nodes, ``Graph(inputs, outputs)``)."""
        flat, tree = tree_flatten(list(args))
        if self.in_tree is not None and tree != self.in_tree:
            raise WeifenTypeError(f"{self.name}: the arguments' structure differs from the "
                                  "example's the graph was made with")
        flat = [x for i, x in enumerate(flat) if i not in dict(self.statics)]
        if len(flat) != len(self.inputs):
            raise WeifenTypeError(f"{self.name}: expected {len(self.inputs)} array leaves, "
                                  f"got {len(flat)}")
        feed = {}
        for v, x in zip(self.inputs, flat):
            x = _raw(x)
            if v._aval is not None:
                T.check_feed(v._aval, x, v.name)
            feed[v] = x
        if self._executor is None:
            self._executor = Executor(self.outputs)
        vals = self._executor.run(feed) if self.outputs else []
        return vals if self.out_tree is None else tree_unflatten(self.out_tree, vals)

    # ------------------------------------------------------------------ types
    def check(self) -> "Graph":
        """Type-check the graph: every variable an input, every node's recorded type the
        one its op infers from its inputs' types. Returns the graph; raises GraphError.

        >>> import numpy as np
        >>> import weifen as wf
        >>> wf.make_graph(lambda x: wf.exp(x).sum(), np.ones(3)).check().outputs[0].aval
        f64[]
        """
        check_graph(self.nodes, self.inputs, self.outputs)
        return self

    # ------------------------------------------------------------------ passes
    def optimize(self, *, fuse: bool = False, check: bool = True) -> "Graph":
        """A new, equivalent graph after the passes (see :mod:`weifen.graph.passes`); the
        type checker runs after each. ``fuse=True`` also groups elementwise ops into
        fusion regions.

        >>> import weifen as wf
        >>> g = wf.make_graph(lambda x: (x * 1.0 + 0.0) * (x * 1.0 + 0.0), wf.ones(3))
        >>> print(g.optimize())
        { lambda ; x:f64[3]. let
            a:f64[3] = mul x x
          in (a) }
        """
        from weifen.graph.passes import optimize

        return optimize(self, fuse=fuse, check=check)

    # ------------------------------------------------------------------ printing
    def __str__(self) -> str:
        return format_graph(self)

    def __repr__(self) -> str:
        n = sum(1 for x in self.nodes if x.inputs)
        return f"<Graph {self.name}: {len(self.inputs)} inputs, {n} ops, " \
               f"{len(self.outputs)} outputs>"

    def to_svg(self, path: str | None = None) -> str:
        """The graph drawn as SVG text (also written to ``path`` when given).

        >>> import numpy as np
        >>> import weifen as wf
        >>> wf.make_graph(lambda x: wf.sin(x) * x, np.ones(2)).to_svg()[:4]
        '<svg'
        """
        from weifen.viz.draw import draw

        svg = draw(self).to_svg()
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(svg)
        return svg

    def _repr_svg_(self) -> str:
        return self.to_svg()


def postorder(outputs: list, first: list = ()) -> list:
    """``first``, then every node the outputs depend on, inputs before consumers (a
    depth-first postorder with an explicit stack: no recursion on the graph's depth)."""
    order = list(first)
    done = set(map(id, order))
    for root in outputs:
        if id(root) in done:
            continue
        stack = [(root, 0)]
        while stack:
            n, i = stack[-1]
            ins = n.inputs
            while i < len(ins) and id(ins[i]) in done:
                i += 1
            if i < len(ins):
                stack[-1] = (n, i + 1)
                stack.append((ins[i], 0))
                continue
            stack.pop()
            if id(n) not in done:
                done.add(id(n))
                order.append(n)
    return order


def _raw(x: Any) -> Any:
    from weifen.tape.tensor import Tensor

    if isinstance(x, Tensor):
        x = x._data
    if isinstance(x, Box):
        raise WeifenTypeError(f"a made graph runs on arrays; got a {type(x).__name__} (use "
                              "wf.jit for a function that transforms can see through)")
    return x


# ============================================================================ staging
def is_array_leaf(x: Any) -> bool:
    """Whether a pytree leaf is array data (traced by staging) rather than a static object."""
    return isinstance(x, (float, int, complex, np.ndarray, np.generic, Box)) or (
        hasattr(x, "__array_function__") and hasattr(x, "dtype"))


def arg_names(f: Callable, n: int) -> list[str]:
    """Names for ``f``'s first ``n`` positional parameters (``arg3`` where unknown)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(n):
        p = params[i] if i < len(params) else None
        ok = p is not None and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        names.append(p.name if ok else f"arg{i}")
    return names


def stage(f: Callable, args: tuple, static_argnums: tuple = (), weak_floats: bool = True,
          name: str | None = None, avals: list | None = None) -> Graph:
    """Stage ``f(*args)`` into a :class:`Graph`: each array leaf of the non-static arguments
    becomes a typed Variable (its aval from ``avals`` when given)."""
    from weifen.tape.tensor import Tensor

    names = arg_names(f, len(args))
    flat, in_tree = tree_flatten(list(args))
    # which leaf belongs to which positional argument, for names and static_argnums
    owner = []
    for i, a in enumerate(args):
        owner += [i] * len(tree_flatten(a)[0])
    counts: dict = {}
    for i in owner:
        counts[i] = counts.get(i, 0) + 1
    seen: dict = {}
    new, inputs, statics = [], [], []
    k = 0
    for j, (x, i) in enumerate(zip(flat, owner)):
        if i in static_argnums or not is_array_leaf(x):
            statics.append((j, x))
            new.append(x)
            continue
        nm = names[i] if counts[i] == 1 else f"{names[i]}_{seen.setdefault(i, 0)}"
        seen[i] = seen.get(i, 0) + 1
        a = avals[k] if avals is not None else T.aval_of(x._data if isinstance(x, Tensor)
                                                          else _plain(x))
        k += 1
        if a.weak and not weak_floats:
            a = T.Aval(a.shape, a.dtype, False)
        v = Variable(nm, a.shape, a.dtype, weak=a.weak)
        inputs.append(v)
        new.append(v)
    res = f(*tree_unflatten(in_tree, new))
    outs, out_tree = tree_flatten(res)
    return Graph(inputs, [output_node(o) for o in outs], in_tree, out_tree,
                 name or getattr(f, "__name__", "f"), tuple(statics))


def _plain(x: Any) -> Any:
    if isinstance(x, Box):
        from weifen.transforms._util import concrete

        return concrete(x)
    return x


def output_node(o: Any) -> Node:
    """A result leaf as a node: nodes pass, values that do not depend on the inputs become
    constants, anything else is refused."""
    from weifen.tape.tensor import Tensor

    if isinstance(o, Tensor) and o._level == 0 and o._node is None:
        o = o._data
    if isinstance(o, Node):
        return o
    if isinstance(o, Box):
        raise WeifenTypeError(f"the staged function returned a {type(o).__name__} of another "
                              "transform's level; return the values it computes")
    if not is_array_leaf(o):
        raise WeifenTypeError(f"the staged function returned a {type(o).__name__} "
                              f"({o!r:.40}); return numbers, arrays or Tensors")
    return as_node(o)


def make_graph(f: Callable, *example_args: Any, static_argnums: int | tuple = ()) -> Graph:
    """Stage the weifen function ``f`` into a typed :class:`Graph`, tracing it once with
    variables shaped like ``example_args`` (arrays, Tensors, Python numbers, or pytrees of
    them). Python floats stay weakly typed, as in eager weifen.

    >>> import numpy as np
    >>> import weifen as wf
    >>> g = wf.make_graph(lambda x: wf.tanh(x * 0.9 + 0.1).sum(), np.ones(16))
    >>> [str(v.aval) for v in g.inputs], [str(o.aval) for o in g.outputs]
    (['f64[16]'], ['f64[]'])
    >>> from weifen import graph as ad
    >>> (gx,) = ad.gradients(g.outputs[0], g.inputs)
    >>> ad.Executor([gx]).run({g.inputs[0]: np.zeros(16)})[0].shape
    (16,)
    """
    if not callable(f):
        raise WeifenTypeError(f"make_graph expects a function first, got {type(f).__name__}")
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    return stage(f, example_args, tuple(n % max(len(example_args), 1) for n in nums))


# ============================================================================ printing
def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


def _short_param(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"<{T.aval_of(v)}>" if v.size > 6 else np.array2string(v, separator=",")
    if isinstance(v, np.dtype) or isinstance(v, type):
        return np.dtype(v).name
    r = repr(v).replace(" ", "")
    return r if len(r) <= 48 else r[:45] + "..."


def _inline_const(c: Any) -> str | None:
    t = type(c)
    if t in (float, int, bool, complex):
        return repr(c)
    if getattr(c, "ndim", None) == 0:
        return f"{c.item()!r}:{T.aval_of(c)}"
    return None


def format_graph(g: Graph) -> str:
    """The graph one node a line: ``name:type = op[params] inputs``."""
    nodes = g.nodes
    names: dict[int, str] = {}
    used = set()
    header_in = []
    for v in g.inputs:
        nm = str(v.name)
        if not nm.isidentifier() or keyword.iskeyword(nm) or nm in used:
            nm = f"in{len(used)}"
        used.add(nm)
        names[id(v)] = nm
        header_in.append(f"{nm}:{v._aval}")
    counter = 0

    def fresh() -> str:
        nonlocal counter
        while True:
            s = _letters(counter)
            counter += 1
            if s not in used and not keyword.iskeyword(s):
                used.add(s)
                return s

    consts = []
    body = []
    for n in nodes:
        if id(n) in names:
            continue
        if isinstance(n.op, ConstantOp):
            inline = _inline_const(n.const_attr)
            if inline is not None:
                names[id(n)] = inline
                continue
            nm = f"c{len(consts)}"
            names[id(n)] = nm
            consts.append(f"{nm}:{n._aval}")
            continue
        if isinstance(n.op, PlaceholderOp):
            names[id(n)] = f"{n.name}?"  # a variable that is not an input (check() refuses)
            continue
        body.append(_line(n, names, fresh))
    outs = " ".join(names.get(id(o), "?") for o in g.outputs)
    lines = ["{ lambda " + " ".join(consts) + (" ; " if consts else "; ")
             + " ".join(header_in) + ". let"]
    lines += body
    lines.append(f"  in ({outs}) }}")
    return "\n".join(lines)


def _line(n: Node, names: dict, fresh: Callable) -> str:
    op = n.op
    lines_extra = getattr(op, "format_lines", None)
    if lines_extra is not None:  # a fused region: its own block
        return lines_extra(n, names, fresh)
    nm = fresh()
    names[id(n)] = nm
    opname = op.prim.name if hasattr(op, "prim") else op.op_name
    params = dict(n.params)
    if n.const_attr is not None and not isinstance(op, ConstantOp):
        params["c"] = n.const_attr
    ps = " ".join(f"{k}={_short_param(v)}" for k, v in params.items())
    ins = " ".join(names.get(id(x), "?") for x in n.inputs)
    typ = n._aval if n._aval is not None else "?"
    return f"    {nm}:{typ} = {opname}{'[' + ps + ']' if ps else ''} {ins}".rstrip()


# ============================================================================ the checker
def check_graph(nodes: list, inputs: list, outputs: list) -> None:
    """Raise GraphError unless every variable reached is an input and every typed node's
    type is the one its op infers from its inputs (dtype, shape and weakness)."""
    ins = set(map(id, inputs))
    pos = {id(n): i for i, n in enumerate(nodes)}
    for n in nodes:
        op = n.op
        if isinstance(op, PlaceholderOp):
            if id(n) not in ins:
                raise GraphError(f"type check: variable {n.name!r} is used but is not an "
                                 "input of the graph")
            continue
        if isinstance(op, ConstantOp):
            if n._aval != T.aval_of(n.const_attr):
                raise GraphError(f"type check: constant {n.name} has type {n._aval}, its "
                                 f"value {T.aval_of(n.const_attr)}")
            continue
        for x in n.inputs:
            if pos.get(id(x), len(nodes)) >= pos[id(n)]:
                raise GraphError(f"type check: {_desc(n)} uses a node that is not computed "
                                 "before it")
        if any(x._aval is None for x in n.inputs):
            continue  # an untyped graph: only its structure is checked
        if n._checked is not None and n._checked is n._aval:
            continue  # verified by an earlier check: its inputs and type are unchanged
        consts = [x.const_attr if isinstance(x.op, ConstantOp) else None for x in n.inputs]
        try:
            a = op.infer(n, [x._aval for x in n.inputs], consts)
        except Exception as e:
            raise GraphError(f"type check: {_desc(n)} does not type: {e}") from None
        if a != n._aval:
            raise GraphError(f"type check: {_desc(n)} is recorded as {n._aval} but its "
                             f"inputs give {a}")
        n._checked = n._aval
    for o in outputs:
        if id(o) not in pos:
            raise GraphError("type check: an output is not in the graph")


def _desc(n: Node) -> str:
    op = n.op
    name = op.prim.name if hasattr(op, "prim") else op.op_name
    ins = ", ".join(str(x._aval) for x in n.inputs)
    return f"node {name}({ins})"


__all__ = ["Graph", "make_graph", "stage", "check_graph", "format_graph", "output_node",
           "is_array_leaf", "constant"]
