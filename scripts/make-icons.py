#!/usr/bin/env python3
"""Draws the app's PNG icons (Public/img/icon-192.png, icon-512.png, icon-maskable-512.png)
from the same shapes as Public/img/icon.svg, with the standard library only (anti-aliased
by 4×4 supersampling). Run it again after changing the icon."""
import pathlib
import struct
import zlib

ACCENT = (0x4F, 0x46, 0xE5)
WHITE = (0xFF, 0xFF, 0xFF)
OUT = pathlib.Path(__file__).resolve().parent.parent / "Public" / "img"


def colour_at(x, y, size, maskable):
    """The icon in a 32-unit square: a disc (or, maskable, a full square) with a ring and a dot."""
    u, v = x / size * 32 - 16, y / size * 32 - 16
    scale = 0.8 if maskable else 1.0  # the maskable icon keeps its shapes inside the safe zone
    r = (u * u + v * v) ** 0.5 / scale
    if r <= 2.5 or 6.5 <= r <= 9.5:
        return WHITE
    if maskable or r <= 14:
        return ACCENT
    return None


def png(size, maskable):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            hits = [colour_at(x + (i + 0.5) / 4, y + (j + 0.5) / 4, size, maskable) for i in range(4) for j in range(4)]
            painted = [c for c in hits if c]
            alpha = round(255 * len(painted) / 16)
            rgb = [round(sum(c[k] for c in painted) / len(painted)) if painted else 0 for k in range(3)]
            row += bytes(rgb + [alpha])
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True)]:
    (OUT / name).write_bytes(png(size, maskable))
    print("wrote", OUT / name)
