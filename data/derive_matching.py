#!/usr/bin/env python3
"""Derives the input-coefficient table the matching core ships from the BPS Jawa Timur 2015
input-output table.

Run from the repository root with the raw data folder as argument:
    python3 data/derive_matching.py ../shared/data
Only the standard library is used. The output is committed; nothing runs this at build time.

a[i][j] = Z[i][j] / X[j]: the share of sector j's total input (= total output) bought from
sector i, i.e. how much a buyer in sector j relies on suppliers in sector i. Entries below
0.0005 are dropped: they cannot move a sector score and would only bloat the file.
"""
import csv
import sys
from pathlib import Path

raw = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data") / "io-jatim-2015"
out = Path(__file__).resolve().parent
N = 110
THRESHOLD = 0.0005

with open(raw / "derived_io_jatim_2015_table.csv", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header = rows[0]
assert header[2:2 + N] == [str(j) for j in range(1, N + 1)], "unexpected column order"
z = {}
for r in rows[1:]:
    if r[0].isdigit():
        z[int(r[0])] = [float(v) for v in r[2:2 + N]]
assert len(z) == N
# Total input of column j: intermediate inputs plus primary inputs (imports, wages, ...), which
# equals total output; read it from the total_output column of row j.
total = {int(r[0]): float(r[-1]) for r in rows[1:] if r[0].isdigit()}

entries = []
for j in range(1, N + 1):
    xj = total[j]
    if xj <= 0:
        continue
    for i in range(1, N + 1):
        a = z[i][j - 1] / xj
        if a >= THRESHOLD:
            entries.append((i, j, f"{a:.4f}"))
with open(out / "io_jatim_2015_coefficients.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["supplier_sector", "buyer_sector", "coefficient"])
    w.writerows(entries)
print(f"io_jatim_2015_coefficients.csv: {len(entries)} rows")

with open(raw / "derived_sectors.csv", encoding="utf-8") as f:
    sectors = [(r["sector_id"], " ".join(r["sector_name_id"].split())) for r in csv.DictReader(f)]
with open(out / "io_sectors.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["sector_id", "name"])
    w.writerows(sectors)
print(f"io_sectors.csv: {len(sectors)} rows")
