"""Pausing Python's cyclic garbage collector while a story is built or decoded.

Building a story allocates hundreds of thousands of small objects and frees them by reference
counting (node trees and story data hold no cycles: looping aliases are refused before anything
walks them). Left running, the cyclic collector rescans the growing heap again and again for
nothing, which costs more than half of a large story's load time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
