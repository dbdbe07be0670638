#!/usr/bin/env python3
"""Derives the compact reference tables mitra ships from the raw third-party files.

Run from the repository root with the raw data folder as argument:
    python3 data/derive.py ../shared/data
Only the standard library is used. The outputs are committed; nothing runs this at build time.
"""
import csv
import sys
from pathlib import Path

raw = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
out = Path(__file__).resolve().parent


def write(name, header, rows):
    with open(out / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{name}: {len(rows)} rows")


# KBLI 2020: every level (2..5 digits) with its parent and Indonesian title.
with open(raw / "kbli2020/kbli2020_codes.csv", encoding="utf-8") as f:
    kbli = [(r["code"], r["section"], r["parent"], r["title"].strip()) for r in csv.DictReader(f)]
write("kbli2020.csv", ["code", "section", "parent", "title"], kbli)

# HS 2022: 2/4/6-digit codes with English descriptions (parent and level follow from the code).
with open(raw / "harmonized-system/harmonized-system.csv", encoding="utf-8") as f:
    hs = [(r["hscode"], r["description"].strip()) for r in csv.DictReader(f) if len(r["hscode"]) in (2, 4, 6)]
write("hs2022.csv", ["code", "description"], hs)

# Kabupaten/kota of NTB (52) and Jawa Timur (35): Kemendagri code and name, with the centroid.
centroids = {}
for prov in ("35", "52"):
    with open(raw / f"wilayah-coords/regencies_{prov}.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            centroids[r["code"]] = (round(float(r["latitude"]), 5), round(float(r["longitude"]), 5))
regencies = []
with open(raw / "wilayah-idn/regencies.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if r["province_code"] in ("35", "52"):
            lat, lon = centroids[r["code"].replace(".", "")]
            regencies.append((r["code"], r["province_code"], r["name"], lat, lon))
write("regencies.csv", ["code", "province_code", "name", "latitude", "longitude"], regencies)
