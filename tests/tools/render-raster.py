#!/usr/bin/env python3
"""kaff render as a person sees it: draw a scenario at 16, 64, 256 and 8192
CPUs, rasterise the SVG with rsvg-convert (Debian's librsvg2-bin) and check
the pixels a reader's eye relies on:

  * a mask of one CPU is a patch at least 3 px wide (4 px a CPU at 64 CPUs,
    3 px at 256; a run in a mask is never narrower than 3 px past that);
  * the CPU axis: a band per NUMA node and a visible line at each of the
    N-1 node boundaries, and at least 3 tick marks;
  * the legend: a swatch of each of the six colours;
  * a column fits a screen (at most 1040 px of CPUs) and the file stays small.

  render-raster.py KAFF-EXE [OUTDIR]   (OUTDIR keeps the PNGs to look at)

Exit 77 (meson: skipped) when rsvg-convert is not installed.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# The colours of kaff render's legend (render-svg.c), as a person names them.
GREEN = (0x2E, 0x7D, 0x32)   # in mask, online
AMBER = (0xF9, 0xA8, 0x25)   # in mask, offline
RED = (0xC6, 0x28, 0x28)     # in mask, isolated
PINK = (0xF4, 0xC7, 0xC3)    # isolated, not in mask
GREY = (0xB0, 0xB0, 0xB0)    # offline, not in mask
LIGHT = (0xE8, 0xE8, 0xE8)   # not in mask
BANDS = ((0xE3, 0xEA, 0xF5), (0xC5, 0xD3, 0xE8))


def png_pixels(path):
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG: (width, height, rows)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG format"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def runs_of(row, colour):
    """[start, end) of each horizontal run of @colour in a pixel row."""
    out, x = [], 0
    while x < len(row):
        if row[x] == colour:
            s = x
            while x < len(row) and row[x] == colour:
                x += 1
            out.append((s, x))
        else:
            x += 1
    return out


def scenario(n):
    """4 nodes of n/4 CPUs; the upper half isolated at boot. 'one' is bound
    to CPU 1 (a housekeeping CPU: green), alone in its row: a one-CPU mask.
    'wide' is a default kthread: the housekeeping CPUs 0..n/2-1."""
    q = n // 4
    lines = ["kernel 7.3", f"cpus {n}"]
    lines += [f"node {k} {k * q}-{k * q + q - 1}" for k in range(4)]
    lines += [f"boot isolcpus=domain,{n // 2}-{n - 1}",
              "create one", "bind one 1", "wake one", "create wide", "wake wide", "show"]
    return "\n".join(lines) + "\n"


def check(kaff, n, outdir, failures):
    def fail(msg):
        failures.append(f"{n} CPUs: {msg}")

    scn = os.path.join(outdir, f"raster-{n}.scn")
    svg = os.path.join(outdir, f"raster-{n}.svg")
    png = os.path.join(outdir, f"raster-{n}.png")
    with open(scn, "w") as f:
        f.write(scenario(n))
    subprocess.run([kaff, "render", scn, "-o", svg], check=True)
    subprocess.run(["rsvg-convert", svg, "-o", png], check=True)
    size = os.path.getsize(svg)
    width, height, rows = png_pixels(png)
    if size > 64 * 1024:
        fail(f"SVG of {size} bytes")

    # The CPU axis of the first column: the pixel row through the node
    # bands (the row with the most band colour) shows 4 bands and 3
    # boundary lines between them: 1-px pixels of neither band colour,
    # bluer than red (the labels' text is black).
    band_y = max(range(height), key=lambda y: sum(p in BANDS for p in rows[y]))
    band = rows[band_y]
    xs = [x for x, p in enumerate(band) if p in BANDS]
    if not xs:
        fail("no node bands")
    else:
        lo = hi = xs[0]
        while hi + 1 < width and band[hi + 1] != (255, 255, 255):
            hi += 1
        if hi - lo + 1 > 1040:
            fail(f"a column's CPU axis is {hi - lo + 1} px wide")
        colours = {p for p in band[lo:hi + 1] if p in BANDS}
        if len(colours) != 2:
            fail("node bands do not alternate")
        lines = [x for x in range(lo + 1, hi) if band[x] not in BANDS and band[x][2] > band[x][0]
                 and band[x - 1] in BANDS]
        if len(lines) != 3:
            fail(f"{len(lines)} node boundary lines, want 3 (4 nodes)")
        # tick marks: black 1-px marks just under the bands
        bottom = band_y
        while bottom + 1 < height and rows[bottom + 1][lo] in BANDS:
            bottom += 1
        ticks = 0
        for y in range(bottom + 1, min(bottom + 6, height)):
            t = sum(1 for x in range(lo, hi) if rows[y][x] == (0, 0, 0)
                    and rows[y][x - 1] != (0, 0, 0) and rows[y][x + 1] != (0, 0, 0))
            ticks = max(ticks, t)
        if ticks < 3:
            fail(f"{ticks} CPU ticks")

    # The one-CPU mask: in a column (the legend's swatches are outside
    # them), 'one' after `bind one 1` is a pixel row with a single green
    # patch, narrower than a node; 'wide' has one wide patch. The
    # narrowest such patch must still be seen.
    segments, x = [], 0
    while x < width:  # each column's extent: its band, up to a white gap
        if band[x] in BANDS:
            s0 = x
            while x < width and band[x] != (255, 255, 255):
                x += 1
            segments.append((s0, x))
        x += 1
    singles = []
    for r in rows:
        for s0, e0 in segments:
            g = runs_of(r[s0:e0], GREEN)
            if len(g) == 1 and g[0][1] - g[0][0] < 40:
                singles.append(g[0])
    if not singles:
        fail("no one-CPU mask found (a single green patch)")
    else:
        w = min(e - s for s, e in singles)
        want = 8 if n <= 32 else 4 if n <= 128 else 3
        if w < want:
            fail(f"a one-CPU mask is {w} px wide, want at least {want}")

    # The legend: a 14 px swatch of each class colour at the left edge.
    for name, colour in (("green", GREEN), ("amber", AMBER), ("red", RED), ("pink", PINK),
                         ("grey", GREY), ("light", LIGHT)):
        if not any(r[11:23] == [colour] * 12 for r in rows):
            fail(f"no {name} swatch in the legend")
    print(f"ok {n} CPUs: {width}x{height} px, SVG {size} bytes")


def main():
    kaff = sys.argv[1]
    if not shutil.which("rsvg-convert"):
        print("render-raster.py: rsvg-convert not installed (Debian: librsvg2-bin): skipped")
        return 77
    keep = sys.argv[2] if len(sys.argv) > 2 else None
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        outdir = keep or tmp
        os.makedirs(outdir, exist_ok=True)
        for n in (16, 64, 256, 8192):
            check(kaff, n, outdir, failures)
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
