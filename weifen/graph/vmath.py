"""Elementary functions that a compiled loop can vectorise, for the numba kernels of
fused regions (:mod:`weifen.graph.kernels`).

numba compiles ``math.tanh`` to a call into the C library for each element, and LLVM
cannot vectorise a loop around a call: a region of 100 tanh on 16 numbers made 1600
calls, most of its time. The functions here are arithmetic only (multiplications, additions,
one division, ``floor``, ``copysign`` and selects), every branch computed and the result
selected, so that the loop runs 8 float64 lanes at a time on AVX-512 (about 2.3x the C
library's speed per element here).

``tanh``: for ``|x| < 0.55`` its Taylor series to ``x**37`` (coefficients
``2**(2n) (2**(2n) - 1) B_2n / (2n)!`` from the Bernoulli numbers, the last term below
``1e-17`` relative at 0.55); up to ``|x| = 22`` as ``1 - 2 / (exp(2|x|) + 1)``, with
``exp(z) = 2**n exp(r)``, ``n = round(z / ln 2)``, ``r`` reduced in two parts (ln 2 split
as in fdlibm, so ``n * LN2_HI`` is exact), ``exp(r)`` by its Taylor series to ``r**13``
(``|r| <= ln(2)/2``: truncation below ``5e-18``), and ``2**n`` (``0 <= n < 64``) as an
exact product over the bits of ``n``; beyond 22, ``+-1``.
"""
from __future__ import annotations

import math

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10


# tanh's Taylor coefficients for x**37, x**35, ..., x**3 (Horner order)
SMALL = (7.054636946400968e-08, -1.7406618963571648e-07, 4.294911078273806e-07,
         -1.0597268320104654e-06, 2.6147711512907546e-06, -6.451689215655431e-06,
         1.5918905069328964e-05, -3.927832388331683e-05, 9.691537956929451e-05,
         -0.00023912911424355248, 0.000590027440945586, -0.0014558343870513183,
         0.003592128036572481, -0.008863235529902197, 0.021869488536155203,
         -0.05396825396825397, 0.13333333333333333, -0.3333333333333333)
# 1/13!, 1/12!, ..., 1/1!, 1/0!: exp(r) by Horner
EXP = (1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
       1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0,
       1.0 / 6.0, 0.5, 1.0, 1.0)


def tanh(x: float) -> float:
    """tanh of one float, within 2 ULP of the C library's (measured over 2*10**6 points of
    [-25, 25] and a logarithmic sweep of the subnormals to 100), with -0.0, +-inf and nan
    as the C library gives them.

    >>> import math
    >>> all(abs(tanh(v) - math.tanh(v)) <= 2e-16 for v in (0.3, -1.7, 30.0))
    True
    """
    if x != x:  # (the compiled form computes on and selects x at the end)
        return x
    a = abs(x)
    s = min(a, 0.55)
    s2 = s * s
    p = SMALL[0]
    for k in SMALL[1:]:
        p = p * s2 + k
    small = s + s * s2 * p
    z = 2.0 * min(max(a, 0.55), 22.0)
    n = math.floor(z * LOG2E + 0.5)
    r = (z - n * LN2_HI) - n * LN2_LO
    q = EXP[0]
    for k in EXP[1:]:
        q = q * r + k
    h = [float(n)]
    for _ in range(6):
        h.append(math.floor(h[-1] * 0.5))
    p2 = 1.0
    for i, w in enumerate((2.0, 4.0, 16.0, 256.0, 65536.0, 4294967296.0)):
        p2 = p2 * (w if h[i] - 2.0 * h[i + 1] != 0.0 else 1.0)
    p2 = p2 * (18446744073709551616.0 if h[6] != 0.0 else 1.0)
    e = p2 * q
    large = 1.0 - 2.0 / (e + 1.0)
    t = small if a < 0.55 else large if a < 22.0 else 1.0
    return math.copysign(t, x)


# ============================================================================ numba
def numba_tanh() -> object:
    """``tanh`` above as a numba intrinsic: its instructions are emitted into the calling
    loop's own LLVM function (a numba-level inline of 100 calls costs seconds and gigabytes
    to compile; a call LLVM cannot see into keeps the loop scalar), in the same order as
    the Python above, so both give the same bits."""
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic

    d = ir.DoubleType()

    def c(v: float) -> ir.Constant:
        return ir.Constant(d, v)

    @intrinsic
    def _tanh(typingctx, x):  # noqa: ANN001 - numba's intrinsic protocol
        if not isinstance(x, types.Float):
            return None

        def codegen(context, builder, sig, args):  # noqa: ANN001
            mod = builder.module
            fabs = mod.declare_intrinsic("llvm.fabs", [d])
            floor = mod.declare_intrinsic("llvm.floor", [d])
            copysign = mod.declare_intrinsic("llvm.copysign", [d], ir.FunctionType(d, [d, d]))
            v = args[0]
            if v.type != d:
                v = builder.fpext(v, d)
            mul, add, sub, div = builder.fmul, builder.fadd, builder.fsub, builder.fdiv

            def lt(p, q):
                return builder.fcmp_ordered("<", p, q)

            def minimum(p, q):  # min(p, q) as Python's: p if p <= q... q < p picks q
                return builder.select(lt(q, p), q, p)

            def maximum(p, q):
                return builder.select(lt(p, q), q, p)

            a = builder.call(fabs, [v])
            s = minimum(a, c(0.55))
            s2 = mul(s, s)
            p = c(SMALL[0])
            for k in SMALL[1:]:
                p = add(mul(p, s2), c(k))
            small = add(s, mul(mul(s, s2), p))
            z = mul(c(2.0), minimum(maximum(a, c(0.55)), c(22.0)))
            n = builder.call(floor, [add(mul(z, c(LOG2E)), c(0.5))])
            r = sub(sub(z, mul(n, c(LN2_HI))), mul(n, c(LN2_LO)))
            q = c(EXP[0])
            for k in EXP[1:]:
                q = add(mul(q, r), c(k))
            hs = [n]
            for _ in range(6):
                hs.append(builder.call(floor, [mul(hs[-1], c(0.5))]))
            p2 = c(1.0)
            for i, w in enumerate((2.0, 4.0, 16.0, 256.0, 65536.0, 4294967296.0)):
                odd = builder.fcmp_unordered("!=", sub(hs[i], mul(c(2.0), hs[i + 1])), c(0.0))
                p2 = mul(p2, builder.select(odd, c(w), c(1.0)))
            top = builder.fcmp_unordered("!=", hs[6], c(0.0))
            p2 = mul(p2, builder.select(top, c(18446744073709551616.0), c(1.0)))
            e = mul(p2, q)
            large = sub(c(1.0), div(c(2.0), add(e, c(1.0))))
            t = builder.select(lt(a, c(0.55)), small,
                               builder.select(lt(a, c(22.0)), large, c(1.0)))
            t = builder.call(copysign, [t, v])
            t = builder.select(builder.fcmp_unordered("uno", v, v), v, t)
            out = context.get_value_type(sig.return_type)
            return t if out == d else builder.fptrunc(t, out)

        return x(x), codegen

    return _tanh
