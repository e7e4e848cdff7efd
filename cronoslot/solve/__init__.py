"""The solvers (SPEC 4-6): ``availability`` (periods, slots, k-of-n groups), ``sequence``
(sequenced availability) and ``managed`` (availability rules and periods). Plain data in,
dataclasses out: no I/O, no clock. Nothing is imported here, so that an availability query
does not pay for the sequence solver."""
