#!/usr/bin/env python3
"""Derive data/regency_shapes.csv, the kab/kota outlines of the report's map, from the
laravel-nusa boundary polygons (../shared/data/wilayah-coords, MIT):

    python3 data/derive_map.py ../shared/data

Plate carrée projection of both provinces on one frame (1000 units wide), rings simplified
with Douglas-Peucker (tolerance 0.5 units, about 450 m), islets under 2 square units
dropped unless a regency has nothing larger, and every label placed once, here, so that no
two labels overlap: at the polygon's centroid when it is free, otherwise at the nearest
free spot around it, with a leader line. Standard library only.
"""
import csv
import json
import math
import sys
from pathlib import Path

LON0, LON1, LAT0, LAT1 = 110.85, 119.40, -5.00, -9.20  # west, east, north, south
WIDTH = 1000.0
SCALE = WIDTH / (LON1 - LON0)
HEIGHT = round((LAT0 - LAT1) * SCALE)
TOLERANCE = 0.5
MIN_AREA = 2.0
FONT = 9.0  # label size in map units; the Rust side draws with the same size
CHAR_W = 0.56 * FONT


def project(lat, lng):
    return ((lng - LON0) * SCALE, (LAT0 - lat) * SCALE)


def simplify(points, tol):
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, index = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            if norm < 1e-9:  # a closed ring: distance from its first point
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best:
                best, index = d, i
        if index is not None and best > tol:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep) if k]


def area_centroid(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    if abs(a) < 1e-9:
        xs, ys = zip(*ring)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(a), (cx / (6 * a), cy / (6 * a))


def inside(pt, ring):
    x, y = pt
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def short_name(name):
    # "Kab. Lombok Barat" → "Lombok Barat"; cities keep "Kota".
    return name[5:] if name.startswith("Kab. ") else name


def main(shared):
    csv.field_size_limit(1 << 30)
    regions = []
    for province, code in (("JATIM", "35"), ("NTB", "52")):
        path = Path(shared) / "wilayah-coords" / f"regencies_{code}.csv"
        for row in csv.DictReader(path.open(encoding="utf-8")):
            raw = json.loads(row["coordinates"])
            rings = raw if isinstance(raw[0][0], list) else [raw]
            projected = []
            for ring in rings:
                pts = [project(lat, lng) for lat, lng in ring]
                if pts[0] == pts[-1]:
                    pts = pts[:-1]
                projected.append(simplify(pts + [pts[0]], TOLERANCE)[:-1])
            measured = sorted(
                ((area_centroid(r), r) for r in projected if len(r) >= 3),
                key=lambda t: -t[0][0],
            )
            kept = [r for (a, _), r in measured if a >= MIN_AREA] or [measured[0][1]]
            (_, centroid), largest = measured[0]
            if not inside(centroid, largest):
                centroid = project(float(row["latitude"]), float(row["longitude"]))
            d = " ".join(
                "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in r) + " Z" for r in kept
            )
            regions.append({
                "code": f"{row['code'][:2]}.{row['code'][2:]}",
                "province": province,
                "name": row["name"],
                "label": short_name(row["name"]),
                "area": measured[0][0][0],
                "anchor": centroid,
                "d": d,
            })

    # Labels, largest regions first: the centre if free, else the nearest free spot on
    # rings around the anchor (a leader line then joins them).
    placed = []

    def box(x, y, text):
        w = len(text) * CHAR_W
        return (x - w / 2 - 1, y - FONT * 0.8, x + w / 2 + 1, y + FONT * 0.3)

    def free(b):
        if b[0] < 0 or b[2] > WIDTH or b[1] < 0 or b[3] > HEIGHT:
            return False
        return all(b[2] <= o[0] or b[0] >= o[2] or b[3] <= o[1] or b[1] >= o[3] for o in placed)

    for region in sorted(regions, key=lambda r: -r["area"]):
        ax, ay = region["anchor"]
        spot = None
        for radius in [0] + list(range(8, 120, 4)):
            steps = 1 if radius == 0 else 16
            for k in range(steps):
                angle = 2 * math.pi * k / steps
                x = ax + radius * math.cos(angle)
                y = ay + FONT * 0.3 + radius * math.sin(angle)
                b = box(x, y, region["label"])
                if free(b):
                    spot = (x, y, b)
                    break
            if spot:
                break
        if spot is None:
            sys.exit(f"no room for the label of {region['name']}")
        region["label_x"], region["label_y"] = spot[0], spot[1]
        placed.append(spot[2])

    out = Path(__file__).with_name("regency_shapes.csv")
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "province", "name", "label", "anchor_x", "anchor_y",
                    "label_x", "label_y", "path"])
        for r in sorted(regions, key=lambda r: r["code"]):
            w.writerow([r["code"], r["province"], r["name"], r["label"],
                        f"{r['anchor'][0]:.1f}", f"{r['anchor'][1]:.1f}",
                        f"{r['label_x']:.1f}", f"{r['label_y']:.1f}", r["d"]])
    print(f"{out}: {len(regions)} kab/kota, frame {WIDTH:.0f}x{HEIGHT}, "
          f"{out.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
