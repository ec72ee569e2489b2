"""float32 memory for `simd.Vec8` values: the alignment's float32 FFT blocks.

The overlap-save alignment (`alignment`) fills float32 blocks from float64 signals
and reads back complex64 spectra; numba's scalar casts do not vectorise, these do.
Conversions are IEEE (round to nearest on narrowing, exact on widening), lane by
lane, as ``np.float32(x)`` and ``np.float64(x)``.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from vdbo.haaqi.kernels.simd import LANES, contiguous, lanes_pointer, vec8

_FLOATS = ir.VectorType(ir.FloatType(), LANES)
_DOUBLES = ir.VectorType(ir.DoubleType(), LANES)


@intrinsic
def load32(typingctx, array, index):
    """Lanes ``array[index:index + 8]`` of a contiguous float32 array, widened to
    float64 (not bounds-checked)."""
    if not contiguous(array, types.float32):
        return None

    def codegen(context, builder, signature, args):
        pointer = lanes_pointer(context, builder, signature.args[0], *args, _FLOATS)
        return builder.fpext(builder.load(pointer, align=4), _DOUBLES)

    return vec8(array, types.intp), codegen


@intrinsic
def store32(typingctx, array, index, value):
    """``array[index:index + 8] = value`` rounded to float32 (not bounds-checked)."""
    if not contiguous(array, types.float32):
        return None

    def codegen(context, builder, signature, args):
        pointer = lanes_pointer(context, builder, signature.args[0], *args[:2], _FLOATS)
        builder.store(builder.fptrunc(args[2], _FLOATS), pointer, align=4)
        return context.get_dummy_value()

    return types.none(array, types.intp, vec8), codegen
