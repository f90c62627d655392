"""Handing freed heap back to the operating system, for the long jobs that would otherwise keep it."""

from __future__ import annotations


def trim_heap() -> None:
    """Return the heap's free memory to the OS (glibc's `malloc_trim`).

    glibc keeps freed memory for reuse, so a process that allocates and frees a lot (an encoder's batches, Chroma's
    pages of results) only grows in RSS. Trimming between such steps keeps the peak to what is actually in use.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass
