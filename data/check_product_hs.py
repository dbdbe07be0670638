#!/usr/bin/env python3
"""Checks data/product_hs.csv against data/glossary.csv and data/hs2022.csv.

Run from the repository root:
    python3 data/check_product_hs.py
Only the standard library is used. Exits non-zero on an error; prints warnings for glossary
phrases listed under two concepts (the first keeps the phrase).

`when` lists glossary attributes, or other glossary products named beside the head
("furniture,rattan": rattan furniture), that must all be in the name.
Rows of a concept run from the least to the most processed stage: when a name matches two rows
with as many attributes each ("udang beku olahan": frozen, processed), the later one applies.
"""
import csv
import re
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
# Glossary products that are services or shops, not goods: no HS-6 subheading.
SERVICES = {"cafe", "catering", "hotel", "printing", "restaurant", "retail", "souvenir_shop", "transport"}

errors, warnings = [], []
with open(here / "glossary.csv", encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    if header != ["concept", "kind", "parent", "lang", "term"]:
        errors.append(f"glossary.csv: unexpected header {header}")
    glossary = list(reader)
kinds, phrases = {}, {}
for i, row in enumerate(glossary, start=2):
    if len(row) != 5:
        errors.append(f"glossary.csv line {i}: {len(row)} fields")
        continue
    concept, kind, parent, lang, term = row
    if kind not in ("product", "attribute") or lang not in ("id", "en") or not term.strip():
        errors.append(f"glossary.csv line {i}: bad row {row}")
    if kinds.setdefault(concept, kind) != kind:
        errors.append(f"glossary.csv line {i}: {concept} is both {kinds[concept]} and {kind}")
    phrase = " ".join(re.split(r"[^0-9a-z]+", term.lower())).strip()
    first = phrases.setdefault(phrase, (concept, i))
    if first[0] != concept:
        warnings.append(f"glossary.csv line {i}: '{term}' ({concept}) already reads as {first[0]} (line {first[1]})")
for concept, kind, parent, lang, term in (r for r in glossary if len(r) == 5):
    if parent and parent not in kinds:
        errors.append(f"glossary.csv: parent {parent} of {concept} is no concept")

with open(here / "hs2022.csv", encoding="utf-8") as f:
    hs6 = {r["code"] for r in csv.DictReader(f) if len(r["code"]) == 6}

with open(here / "product_hs.csv", encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    if header != ["concept", "when", "hs6"]:
        errors.append(f"product_hs.csv: unexpected header {header}")
    rows = list(reader)
by_concept, seen = {}, set()
for i, row in enumerate(rows, start=2):
    if len(row) != 3:
        errors.append(f"product_hs.csv line {i}: {len(row)} fields")
        continue
    concept, when, code = row
    attrs = frozenset(a for a in when.split("+") if a)
    if kinds.get(concept) != "product":
        errors.append(f"product_hs.csv line {i}: {concept} is no glossary product")
    # The reader qualifies the head by the name's attributes and by the other products named
    # beside it ("keranjang rotan" is a basket of rattan): both may choose a row.
    for a in attrs:
        if kinds.get(a) not in ("attribute", "product"):
            errors.append(f"product_hs.csv line {i}: {a} is no glossary attribute or product")
        if a == concept:
            errors.append(f"product_hs.csv line {i}: {concept} qualifies itself")
    if code not in hs6:
        errors.append(f"product_hs.csv line {i}: {code} is no HS 2022 6-digit code")
    if (concept, attrs) in seen:
        errors.append(f"product_hs.csv line {i}: {concept} when {when or '(default)'} listed twice")
    seen.add((concept, attrs))
    by_concept.setdefault(concept, []).append((attrs, code))
for concept, kind in kinds.items():
    if kind == "product" and concept not in SERVICES and concept not in by_concept:
        errors.append(f"product_hs.csv: glossary product {concept} has no row")
    if concept in by_concept and not any(not a for a, _ in by_concept[concept]):
        warnings.append(f"product_hs.csv: {concept} has no default row")

for w in warnings:
    print("warning:", w)
for e in errors:
    print("error:", e)
print(f"product_hs.csv: {len(rows)} rows, {len(by_concept)} concepts; "
      f"glossary.csv: {len(glossary)} rows; {len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)
