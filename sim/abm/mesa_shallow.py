"""Import Mesa without paying for its module loggers' stack inspection.

Mesa 3 names each module's logger by calling ``inspect.stack()`` and ``inspect.getmodule()`` at
import time: the first reads the source line of every frame on the stack, the second maps every
loaded module to its file. That is 0.15–0.25 s of each process's start-up, more when the import
happens deep inside a command. Mesa only wants the calling module's name, so for the duration of
the import ``inspect.stack`` returns the frames without source lines and ``inspect.getmodule`` of
a frame is looked up by the frame's ``__name__``. Nothing else changes; both functions are put
back even if the import fails.
"""

from __future__ import annotations

import inspect
import sys


def import_mesa():
    """The ``mesa`` package, imported once per process with frames but no source context."""
    if "mesa" in sys.modules:
        return sys.modules["mesa"]
    stack, getmodule = inspect.stack, inspect.getmodule

    def frames(context: int = 1) -> list[tuple]:
        frame, out = sys._getframe(1), []
        while frame is not None:
            out.append((frame,))
            frame = frame.f_back
        return out

    def module_of(obj, filename=None):
        if inspect.isframe(obj):
            return sys.modules.get(obj.f_globals.get("__name__", ""))
        return getmodule(obj, filename)

    inspect.stack, inspect.getmodule = frames, module_of
    try:
        import mesa
    finally:
        inspect.stack, inspect.getmodule = stack, getmodule
    return mesa


mesa = import_mesa()
