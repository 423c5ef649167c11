#!/usr/bin/env python3
"""Write the installable app's icons (PNG, 192 and 512 px) into core's static files.

The icon is the product's accent colour with a white ring (the "O" of Outside-In) and a dot leaving it: drawn
here, pixel by pixel with the standard library, so no image library is needed to make or change it.
Run again after changing it: scripts/make-icons.py
"""

import struct
import zlib
from pathlib import Path

ACCENT = (15, 118, 110)  # --oi-accent in app.css
WHITE = (255, 255, 255)
TARGET = Path(__file__).resolve().parent.parent / "src/outsidein/core/static/outsidein/icons"


def pixel(x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) in a unit square; the ring and the dot stay inside the maskable safe zone (80%)."""
    dx, dy = x - 0.44, y - 0.5
    ring = 0.17 <= (dx * dx + dy * dy) ** 0.5 <= 0.26
    ex, ey = x - 0.76, y - 0.5
    dot = (ex * ex + ey * ey) ** 0.5 <= 0.07
    return WHITE if ring or dot else ACCENT


def png(size: int) -> bytes:
    samples = 3  # three by three samples a pixel smooth the edges
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # no filter
        for i in range(size):
            total = [0, 0, 0]
            for sj in range(samples):
                for si in range(samples):
                    colour = pixel((i + (si + 0.5) / samples) / size, (j + (sj + 0.5) / samples) / size)
                    total = [t + c for t, c in zip(total, colour, strict=True)]
            rows.extend(round(t / samples**2) for t in total)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + \
        chunk(b"IEND", b"")


if __name__ == "__main__":
    TARGET.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (TARGET / f"icon-{size}.png").write_bytes(png(size))
        print(TARGET / f"icon-{size}.png")
