"""The story's random numbers: a counter-based generator whose whole state is two integers.

A seed and a count of draws made are all a save needs to carry for the same choices to replay
the same story, and the n-th draw can be recomputed without replaying the ones before it.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_SCALE = 1.0 / (1 << 53)


def draw(seed: int, index: int) -> float:
    """The `index`-th number of the stream for `seed`, uniform in [0, 1) (SplitMix64)."""
    z = (seed + (index + 1) * _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z ^= z >> 31
    return (z >> 11) * _SCALE


def normalise_seed(seed: int) -> int:
    """Any integer (negative, huge) as a 64-bit seed, so saves always hold the same kind."""
    return seed & _MASK
