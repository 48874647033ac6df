"""QR codes for room join links (segno: pure Python, no image library needed)."""

from __future__ import annotations

import io

import segno


def qr_png(data: str, *, scale: int = 10, border: int = 2) -> bytes:
    """A PNG QR code for `data`, black on white so every phone camera reads it, even off a projector."""
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=border, dark="#000000", light="#ffffff")
    return buffer.getvalue()
