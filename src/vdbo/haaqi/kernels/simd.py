"""Eight float64 lanes as one LLVM vector value inside numba kernels.

LLVM does not vectorise the ear model's recursions by itself: each sample depends
on the last, and the independent work sits side by side (real and imaginary parts,
control and main filters, reference and processed signal, several bands) rather than
along a loop. `Vec8` names that layout: one value holding eight ``float64`` lanes,
kept in a register across loop iterations, with the plain IEEE operations per lane.

Exactness: ``add``/``sub``/``mul``/``div``/``sqrt`` are correctly rounded lane by
lane, as their scalar forms, and no fast-math flag is set, so nothing is
contracted or reordered: a kernel gives the numbers of the scalar code it
restates, on any CPU (LLVM splits the vector to the host's width). ``fma`` is the
fused multiply-add, for code that must reproduce a fused one (a BLAS kernel's);
never for restating numpy's separate multiply and add.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, models, register_model

LANES = 8
_DOUBLE = ir.DoubleType()
_VECTOR = ir.VectorType(_DOUBLE, LANES)
_I32 = ir.IntType(32)


class Vec8Type(types.Type):
    def __init__(self):
        super().__init__(name="Vec8")


vec8 = Vec8Type()


@register_model(Vec8Type)
class _Vec8Model(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, _VECTOR)


def lanes_pointer(context, builder, array_type, array, index, vector=_VECTOR):
    """Pointer to ``vector`` lanes from flat element ``index`` of an array's data."""
    data = context.make_array(array_type)(context, builder, array).data
    return builder.bitcast(builder.gep(data, [index]), vector.as_pointer())


def contiguous(array, dtype) -> bool:
    """A C-contiguous array of ``dtype``: the only kind whose flat element index is
    an offset from its data pointer (a strided view is refused at compile time)."""
    if not isinstance(array, types.Array):
        return False
    return array.dtype == dtype and array.layout == "C"


@intrinsic
def load(typingctx, array, index):
    """Lanes ``array[index:index + 8]`` (C-contiguous float64, not bounds-checked)."""
    if not contiguous(array, types.float64):
        return None

    def codegen(context, builder, signature, args):
        pointer = lanes_pointer(context, builder, signature.args[0], *args)
        return builder.load(pointer, align=8)

    return vec8(array, types.intp), codegen


@intrinsic
def store(typingctx, array, index, value):
    """``array[index:index + 8] = value`` (C-contiguous float64, not bounds-checked)."""
    if not contiguous(array, types.float64):
        return None

    def codegen(context, builder, signature, args):
        pointer = lanes_pointer(context, builder, signature.args[0], *args[:2])
        builder.store(args[2], pointer, align=8)
        return context.get_dummy_value()

    return types.none(array, types.intp, vec8), codegen


@intrinsic
def splat(typingctx, x):
    """All lanes ``x``."""

    def codegen(context, builder, signature, args):
        vector = ir.Constant(_VECTOR, ir.Undefined)
        for lane in range(LANES):
            vector = builder.insert_element(vector, args[0], ir.Constant(_I32, lane))
        return vector

    return vec8(types.float64), codegen


@intrinsic
def make(typingctx, a0, a1, a2, a3, a4, a5, a6, a7):
    """Lanes ``a0 .. a7``."""

    def codegen(context, builder, signature, args):
        vector = ir.Constant(_VECTOR, ir.Undefined)
        for lane, value in enumerate(args):
            vector = builder.insert_element(vector, value, ir.Constant(_I32, lane))
        return vector

    return vec8(*([types.float64] * LANES)), codegen


@intrinsic
def get(typingctx, vector, lane):
    """Lane ``lane`` as a float."""

    def codegen(context, builder, signature, args):
        return builder.extract_element(args[0], args[1])

    return types.float64(vec8, types.intp), codegen


def _binary(instruction: str, doc: str):
    @intrinsic
    def operation(typingctx, a, b):
        def codegen(context, builder, signature, args):
            return getattr(builder, instruction)(*args)

        return vec8(vec8, vec8), codegen

    operation.__doc__ = doc
    return operation


add = _binary("fadd", "Lane-wise ``a + b``.")
sub = _binary("fsub", "Lane-wise ``a - b``.")
mul = _binary("fmul", "Lane-wise ``a * b``.")
div = _binary("fdiv", "Lane-wise ``a / b``.")


def _llvm_call(builder, name, args):
    kind = ir.FunctionType(_VECTOR, [_VECTOR] * len(args))
    return builder.call(
        cgutils.get_or_insert_function(builder.module, kind, name), args
    )


@intrinsic
def sqrt(typingctx, a):
    """Lane-wise correctly rounded square root."""

    def codegen(context, builder, signature, args):
        return _llvm_call(builder, "llvm.sqrt.v8f64", list(args))

    return vec8(vec8), codegen


@intrinsic
def fma(typingctx, a, b, c):
    """Lane-wise fused ``a * b + c`` (one rounding)."""

    def codegen(context, builder, signature, args):
        return _llvm_call(builder, "llvm.fma.v8f64", list(args))

    return vec8(vec8, vec8, vec8), codegen


@intrinsic
def shuffle(typingctx, a, b, lanes):
    """Lanes picked from ``a`` (0-7) and ``b`` (8-15) by a literal 8-tuple."""
    if not isinstance(lanes, types.BaseTuple) or len(lanes) != LANES:
        return None
    if not all(isinstance(t, types.IntegerLiteral) for t in lanes.types):
        return None
    picks = [int(t.literal_value) for t in lanes.types]
    if not all(0 <= p < 2 * LANES for p in picks):
        return None

    def codegen(context, builder, signature, args):
        mask = ir.Constant(ir.VectorType(_I32, LANES), picks)
        return builder.shuffle_vector(args[0], args[1], mask)

    return vec8(vec8, vec8, lanes), codegen
