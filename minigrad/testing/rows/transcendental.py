"""Op-table rows of the extra elementwise math (log1p ... atan2), inputs inside each domain."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, binary, unary


@st.composite
def unit(draw):
    """Values in (-0.9, 0.9): inside the domains of asin, acos, atanh."""
    shape = draw(mgst.shapes())
    return Case((numpy.asarray(draw(mgst.arrays(shape)) * 0.3),))


@st.composite
def above_one(draw):
    shape = draw(mgst.shapes())
    return Case((numpy.asarray(draw(mgst.arrays(shape, domain='positive')) + 1.1),))


_REAL = [('log1p', numpy.log1p, 'positive'), ('expm1', numpy.expm1, 'real'), ('log2', numpy.log2, 'positive'),
         ('log10', numpy.log10, 'positive'), ('exp2', numpy.exp2, 'real'), ('atan', numpy.arctan, 'real'),
         ('sinh', numpy.sinh, 'real'), ('cosh', numpy.cosh, 'real'), ('asinh', numpy.arcsinh, 'real'),
         ('reciprocal', numpy.reciprocal, 'nonzero'), ('rsqrt', lambda x: 1 / numpy.sqrt(x), 'positive')]

ROWS = [
    *[OpSpec(name, (lambda n: lambda m, x: getattr(m, n)(x))(name), ref, unary(domain), second_order=True)
      for name, ref, domain in _REAL],
    *[OpSpec(name, (lambda n: lambda m, x: getattr(m, n)(x))(name), ref, unit())
      for name, ref in (('tan', numpy.tan), ('asin', numpy.arcsin), ('acos', numpy.arccos),
                        ('atanh', numpy.arctanh))],
    OpSpec('acosh', lambda m, x: m.acosh(x), numpy.arccosh, above_one()),
    OpSpec('atan2', lambda m, a, b: m.atan2(a, b), numpy.arctan2, binary('nonzero', 'nonzero'),
           second_order=True),
]
