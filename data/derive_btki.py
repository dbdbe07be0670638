#!/usr/bin/env python3
"""Derives the Indonesian wording of each HS-6 subheading from BTKI 2022.

Run from the repository root with the raw data folder as argument:
    python3 data/derive_btki.py ../shared/data
Only the standard library is used. The output is committed; nothing runs this at build time.

btki2022.csv has one row per HS-6 subheading of hs2022.csv:
    hs6            six digits, no dots
    heading_id     the heading's (4-digit) text, trailing '.' removed
    subheading_id  the dashed path from the heading down to the 6-digit level, " / "-joined,
                   dashes and trailing ':' removed ("Kopi digongseng / Tidak dihilangkan
                   kafeinnya")
    lines_id       the distinct texts of the 8-digit national tariff lines under it, " | "-joined,
                   a bare "Lain-lain" left out; may be empty

BTKI prints the one-dash groups of two-dash subheadings ("- Kopi, tidak digongseng :" above
0901.11 and 0901.12) as rows without a code; the upstream extraction kept only coded rows, so
these captions are missing from the source file. GROUPS below supplies them for chapters 01-24
and for the other headings data/product_hs.csv uses, written for mitra after the HS 2022
subheading texts in BTKI's wording; elsewhere the path starts at the two-dash level.
Intermediate codeless levels between the 6- and 8-digit lines are likewise absent, so a line
such as 0901.21.11 "Arabica" appears without its "Tidak ditumbuk" parent.
"""
import csv
import re
import sys
from pathlib import Path

raw = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
out = Path(__file__).resolve().parent

# One-dash group captions (5-digit, codeless in the source), keyed "HHHH.S".
GROUPS = {
    # Chapters 01-24
    "0101.2": "Kuda",
    "0102.2": "Sapi",
    "0102.3": "Kerbau",
    "0103.9": "Lain-lain",
    "0105.1": "Dengan berat tidak melebihi 185 g",
    "0105.9": "Lain-lain",
    "0106.1": "Binatang menyusui",
    "0106.3": "Burung",
    "0106.4": "Serangga",
    "0203.1": "Segar atau dingin",
    "0203.2": "Beku",
    "0204.2": "Daging biri-biri lainnya, segar atau dingin",
    "0204.4": "Daging biri-biri lainnya, beku",
    "0206.2": "Dari binatang jenis lembu, beku",
    "0206.4": "Dari babi, beku",
    "0207.1": "Dari ayam dari spesies Gallus domesticus",
    "0207.2": "Dari kalkun",
    "0207.4": "Dari bebek",
    "0207.5": "Dari angsa",
    "0210.1": "Daging babi",
    "0210.9": "Lain-lain, termasuk tepung dan tepung kasar dari daging atau sisa daging yang dapat dimakan",
    "0301.1": "Ikan hias",
    "0301.9": "Ikan hidup lainnya",
    "0302.1": "Salmonidae, tidak termasuk sisa ikan yang dapat dimakan",
    "0302.2": "Ikan pipih (Pleuronectidae, Bothidae, Cynoglossidae, Soleidae, Scophthalmidae dan Citharidae), tidak termasuk sisa ikan yang dapat dimakan",
    "0302.3": "Tuna (dari genus Thunnus), cakalang atau bonito perut bergaris (Katsuwonus pelamis), tidak termasuk sisa ikan yang dapat dimakan",
    "0302.4": "Herring, teri, sarden, sardinella, brisling atau sprat, makarel, makarel India, tenggiri, makarel jack dan makarel kuda, kuwe, cobia, bawal perak, saury Pasifik, layang, capelin, todak, tongkol, bonito, marlin, ikan layaran dan spearfish, tidak termasuk sisa ikan yang dapat dimakan",
    "0302.5": "Ikan dari famili Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae dan Muraenolepididae, tidak termasuk sisa ikan yang dapat dimakan",
    "0302.7": "Tilapia, catfish, ikan mas, sidat, Nile perch dan ikan gabus, tidak termasuk sisa ikan yang dapat dimakan",
    "0302.8": "Ikan lainnya, tidak termasuk sisa ikan yang dapat dimakan",
    "0302.9": "Hati, telur dan sperma, sirip ikan, kepala, ekor, gelembung renang dan sisa ikan lainnya yang dapat dimakan",
    "0303.1": "Salmonidae, tidak termasuk sisa ikan yang dapat dimakan",
    "0303.2": "Tilapia, catfish, ikan mas, sidat, Nile perch dan ikan gabus, tidak termasuk sisa ikan yang dapat dimakan",
    "0303.3": "Ikan pipih (Pleuronectidae, Bothidae, Cynoglossidae, Soleidae, Scophthalmidae dan Citharidae), tidak termasuk sisa ikan yang dapat dimakan",
    "0303.4": "Tuna (dari genus Thunnus), cakalang atau bonito perut bergaris (Katsuwonus pelamis), tidak termasuk sisa ikan yang dapat dimakan",
    "0303.5": "Herring, sarden, sardinella, brisling atau sprat, makarel, makarel India, tenggiri, makarel jack dan makarel kuda, kuwe, cobia, bawal perak, saury Pasifik, layang, capelin, todak, tongkol, bonito, marlin, ikan layaran dan spearfish, tidak termasuk sisa ikan yang dapat dimakan",
    "0303.6": "Ikan dari famili Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae dan Muraenolepididae, tidak termasuk sisa ikan yang dapat dimakan",
    "0303.8": "Ikan lainnya, tidak termasuk sisa ikan yang dapat dimakan",
    "0303.9": "Hati, telur dan sperma, sirip ikan, kepala, ekor, gelembung renang dan sisa ikan lainnya yang dapat dimakan",
    "0304.3": "Fillet segar atau dingin dari tilapia, catfish, ikan mas, sidat, Nile perch dan ikan gabus",
    "0304.4": "Fillet segar atau dingin dari ikan lainnya",
    "0304.5": "Lain-lain, segar atau dingin",
    "0304.6": "Fillet beku dari tilapia, catfish, ikan mas, sidat, Nile perch dan ikan gabus",
    "0304.7": "Fillet beku dari ikan famili Bregmacerotidae, Euclichthyidae, Gadidae, Macrouridae, Melanonidae, Merlucciidae, Moridae dan Muraenolepididae",
    "0304.8": "Fillet beku dari ikan lainnya",
    "0304.9": "Lain-lain, beku",
    "0305.3": "Fillet ikan, dikeringkan, diasinkan atau dalam air garam, tetapi tidak diasapi",
    "0305.4": "Ikan asap, termasuk fillet, selain sisa ikan yang dapat dimakan",
    "0305.5": "Ikan kering, selain sisa ikan yang dapat dimakan, diasinkan maupun tidak tetapi tidak diasapi",
    "0305.6": "Ikan, diasinkan tetapi tidak dikeringkan atau tidak diasapi dan ikan dalam air garam, selain sisa ikan yang dapat dimakan",
    "0305.7": "Sirip ikan, kepala, ekor, gelembung renang dan sisa ikan lainnya yang dapat dimakan",
    "0306.1": "Beku",
    "0306.3": "Hidup, segar atau dingin",
    "0306.9": "Lain-lain",
    "0307.1": "Tiram",
    "0307.2": "Kerang kipas dan moluska lainnya dari famili Pectinidae",
    "0307.3": "Remis (Mytilus spp., Perna spp.)",
    "0307.4": "Sotong dan cumi-cumi",
    "0307.5": "Gurita (Octopus spp.)",
    "0307.7": "Kerang, tiram dan arkshells",
    "0307.8": "Abalon (Haliotis spp.) dan stromboid conch (Strombus spp.)",
    "0307.9": "Lain-lain",
    "0308.1": "Teripang (Stichopus japonicus, Holothuroidea)",
    "0308.2": "Bulu babi (Strongylocentrotus spp., Paracentrotus lividus, Loxechinus albus, Echinus esculentus)",
    "0402.2": "Dalam bentuk bubuk, butiran atau bentuk padat lainnya, dengan kadar lemak melebihi 1,5 % menurut beratnya",
    "0402.9": "Lain-lain",
    "0407.1": "Telur yang dibuahi untuk ditetaskan",
    "0407.2": "Telur segar lainnya",
    "0408.1": "Kuning telur",
    "0408.9": "Lain-lain",
    "0511.9": "Lain-lain",
    "0603.1": "Segar",
    "0705.1": "Selada",
    "0705.2": "Chicory",
    "0709.5": "Jamur dan cendawan tanah",
    "0709.9": "Lain-lain",
    "0710.2": "Sayuran polong, dikupas atau tidak dikupas",
    "0711.5": "Jamur dan cendawan tanah",
    "0712.3": "Jamur, jamur kuping (Auricularia spp.), jamur jeli (Tremella spp.) dan cendawan tanah",
    "0713.3": "Kacang (Vigna spp., Phaseolus spp.)",
    "0801.1": "Kelapa",
    "0801.2": "Kacang Brazil",
    "0801.3": "Kacang mede",
    "0802.1": "Almond",
    "0802.2": "Hazelnut atau filbert (Corylus spp.)",
    "0802.3": "Walnut",
    "0802.4": "Kacang berangan (Castanea spp.)",
    "0802.5": "Pistachio",
    "0802.6": "Kacang makadamia",
    "0802.9": "Lain-lain",
    "0805.2": "Mandarin (termasuk tangerin dan satsuma); clementine, wilking dan jeruk hibrida semacam itu",
    "0807.1": "Melon (termasuk semangka)",
    "0809.2": "Ceri",
    "0901.1": "Kopi, tidak digongseng",
    "0901.2": "Kopi digongseng",
    "0904.1": "Lada",
    "0904.2": "Buah dari genus Capsicum atau genus Pimenta",
    "0906.1": "Tidak dihancurkan atau tidak ditumbuk",
    "0908.1": "Pala",
    "0908.2": "Bunga pala",
    "0908.3": "Kapulaga",
    "0909.2": "Biji ketumbar",
    "0909.3": "Biji jintan",
    "0909.6": "Biji adas manis, adas bintang, jintan atau adas; buah juniper",
    "0910.1": "Jahe",
    "0910.9": "Rempah-rempah lainnya",
    "1001.1": "Gandum durum",
    "1001.9": "Lain-lain",
    "1008.2": "Millet",
    "1103.1": "Menir dan tepung kasar",
    "1104.1": "Butiran digiling gepeng atau dibuat serpih",
    "1104.2": "Butiran dikerjakan dengan cara lain (misalnya, dikupas, disosoh, diiris atau dipecah)",
    "1108.1": "Pati",
    "1202.4": "Lain-lain",
    "1207.2": "Biji kapas",
    "1207.9": "Lain-lain",
    "1209.2": "Biji dari tanaman hijauan makanan ternak",
    "1209.9": "Lain-lain",
    "1212.2": "Rumput laut dan ganggang lainnya",
    "1212.9": "Lain-lain",
    "1302.1": "Sap dan ekstrak nabati",
    "1302.3": "Lendir dan pengental, dimodifikasi maupun tidak, berasal dari produk nabati",
    "1512.1": "Minyak biji bunga matahari atau minyak safflower dan fraksinya",
    "1512.2": "Minyak biji kapas dan fraksinya",
    "1513.1": "Minyak kelapa (kopra) dan fraksinya",
    "1513.2": "Minyak kernel kelapa sawit atau minyak babassu dan fraksinya",
    "1514.1": "Minyak lobak atau minyak colza rendah asam erusat dan fraksinya",
    "1514.9": "Lain-lain",
    "1515.1": "Minyak biji rami dan fraksinya",
    "1515.2": "Minyak jagung dan fraksinya",
    "1602.3": "Dari unggas dari pos 01.05",
    "1602.4": "Dari babi",
    "1604.1": "Ikan, utuh atau dalam potongan, tetapi tidak dicincang",
    "1604.3": "Kaviar dan pengganti kaviar",
    "1605.2": "Udang dan udang besar",
    "1605.5": "Moluska",
    "1605.6": "Invertebrata air lainnya",
    "1701.1": "Gula kasar tidak mengandung tambahan bahan perasa atau pewarna",
    "1701.9": "Lain-lain",
    "1702.1": "Laktosa dan sirop laktosa",
    "1806.3": "Lain-lain, dalam bentuk blok, lempengan atau batangan",
    "1902.1": "Pasta tidak dimasak, tidak diisi atau tidak diolah dengan cara lain",
    "1905.3": "Biskuit manis; wafel dan wafer",
    "2005.5": "Kacang (Vigna spp., Phaseolus spp.)",
    "2005.9": "Sayuran lainnya dan campuran sayuran",
    "2007.9": "Lain-lain",
    "2008.1": "Kacang, kacang tanah dan biji lainnya, dicampur bersama maupun tidak",
    "2008.9": "Lain-lain, termasuk campuran selain yang dimaksud dalam subpos 2008.19",
    "2009.1": "Jus jeruk",
    "2009.2": "Jus grapefruit; jus pomelo",
    "2009.3": "Jus dari buah jeruk tunggal lainnya",
    "2009.4": "Jus nanas",
    "2009.6": "Jus anggur (termasuk must anggur)",
    "2009.7": "Jus apel",
    "2009.8": "Jus dari buah, kacang atau sayuran tunggal lainnya",
    "2101.1": "Ekstrak, esens dan konsentrat, dari kopi, dan olahan dengan bahan dasar ekstrak, esens atau konsentrat ini atau dengan bahan dasar kopi",
    "2202.9": "Lain-lain",
    "2204.2": "Anggur lainnya; must anggur yang fermentasinya dicegah atau dihentikan dengan penambahan alkohol",
    "2306.4": "Dari biji lobak atau biji colza",
    "2403.1": "Tembakau untuk dihisap, mengandung pengganti tembakau dengan perbandingan berapapun maupun tidak",
    "2403.9": "Lain-lain",
    "2404.1": "Produk yang dimaksudkan untuk dihirup tanpa pembakaran",
    "2404.9": "Lain-lain",
    # Other headings that data/product_hs.csv uses
    "2523.2": "Semen portland",
    "2710.1": "Minyak petroleum dan minyak dari mineral mengandung bitumen (selain minyak mentah) dan olahannya, tidak mengandung biodiesel, selain minyak bekas",
    "2711.1": "Dicairkan",
    "3204.1": "Bahan pewarna organik sintetik dan olahan yang dibuat dari padanya",
    "3301.2": "Minyak atsiri selain dari buah jeruk",
    "3304.9": "Lain-lain",
    "3401.1": "Sabun dan produk serta olahan organik aktif permukaan, dalam bentuk batangan, potongan, dicetak atau bentuk lainnya",
    "3808.9": "Lain-lain",
    "3824.9": "Lain-lain",
    "3923.2": "Karung dan tas (termasuk kerucut)",
    "4001.2": "Karet alam dalam bentuk lainnya",
    "4016.9": "Lain-lain",
    "4107.1": "Kulit utuh",
    "4107.9": "Lain-lain, termasuk belahan sisi",
    "4202.1": "Koper, tas pakaian, tas kosmetik, tas eksekutif, tas kantor, tas sekolah dan wadah semacam itu",
    "4202.2": "Tas tangan, dengan tali bahu maupun tidak, termasuk yang tanpa pegangan",
    "4202.3": "Barang dari jenis yang biasa dibawa dalam saku atau dalam tas tangan",
    "4202.9": "Lain-lain",
    "4401.4": "Serbuk gergaji dan sisa serta skrap kayu, tidak diaglomerasi",
    "4403.4": "Lain-lain, dari kayu tropis",
    "4407.2": "Dari kayu tropis",
    "4420.1": "Patung dan ornamen lainnya",
    "4601.2": "Tikar, anyaman tikar dan penyekat dari bahan nabati",
    "4602.1": "Dari bahan nabati",
    "4802.5": "Kertas dan kertas karton lainnya, tidak mengandung serat yang diperoleh melalui proses mekanis atau kimia-mekanis atau kandungan serat tersebut tidak melebihi 10 % menurut beratnya dari keseluruhan kandungan serat",
    "5205.1": "Benang tunggal, dari serat yang tidak disisir",
    "5208.1": "Belum dikelantang",
    "5208.2": "Dikelantang",
    "5208.3": "Dicelup",
    "5208.4": "Dari benang dengan warna berbeda",
    "5208.5": "Dicetak",
    "5607.4": "Dari polietilena atau polipropilena",
    "5608.1": "Dari bahan tekstil buatan",
    "5810.9": "Bordir lainnya",
    "6211.3": "Pakaian lainnya, untuk pria atau anak laki-laki",
    "6211.4": "Pakaian lainnya, untuk wanita atau anak perempuan",
    "6305.3": "Dari bahan tekstil buatan",
    "6403.9": "Alas kaki lainnya",
    "6802.9": "Lain-lain",
    "7005.2": "Kaca lainnya, tidak berkawat",
    "7101.2": "Mutiara budidaya",
    "7113.1": "Dari logam mulia, disepuh atau dipalut dengan logam mulia maupun tidak",
    "7204.4": "Sisa dan skrap lainnya dari besi atau baja",
    "7616.9": "Lain-lain",
    "8306.2": "Patung dan ornamen lainnya",
    "8419.3": "Pengering",
    "8419.8": "Mesin, pabrik dan peralatan lainnya",
    "8479.8": "Mesin dan peralatan mekanis lainnya",
    "8708.9": "Bagian dan aksesori lainnya",
    "9401.5": "Tempat duduk dari rotan, osier, bambu atau bahan semacam itu",
    "9401.6": "Tempat duduk lainnya, dengan rangka kayu",
    "9403.8": "Furnitur dari bahan lainnya, termasuk rotan, osier, bambu atau bahan semacam itu",
}

DASHES = re.compile(r"^((?:-\s*)+)")


def parse(text):
    """(depth, text): the leading dashes counted and removed, spaces squeezed, a trailing ':'
    removed."""
    m = DASHES.match(text.strip())
    depth = m.group(1).count("-") if m else 0
    text = " ".join(text.strip()[m.end() if m else 0:].split())
    return depth, text.rstrip(":").rstrip()


with open(raw / "btki-2022/btki_2022_data.csv", encoding="utf-8") as f:
    btki = list(csv.DictReader(f))
headings, six, lines = {}, {}, {}
for r in btki:
    code = r["hs_code"].replace(".", "")
    depth, text = parse(r["description_id"])
    if r["hs_level"] == "4":
        headings[code] = text.rstrip(".").rstrip()
    elif r["hs_level"] == "6":
        six[code] = (depth, text)
    elif code.endswith("00"):
        # An 8-digit line ending in 00 is the 6-digit subheading itself (or, at xxxx.00.00,
        # the undivided heading).
        if code[4:6] == "00" and depth == 0:
            headings.setdefault(code[:4], text.rstrip(".").rstrip())
        else:
            six.setdefault(code[:6], (depth, text))
    else:
        lines.setdefault(code[:6], []).append(text)

with open(out / "hs2022.csv", encoding="utf-8") as f:
    hs6 = [r["code"] for r in csv.DictReader(f) if len(r["code"]) == 6 and r["code"] != "999999"]

rows, unworded, ungrouped = [], [], 0
for code in hs6:
    heading = headings.get(code[:4], "")
    path = []
    depth, text = six.get(code, (None, ""))
    if depth is None:
        # No 6-digit row: a two-dash code still sits under its one-dash group.
        depth = 2 if code[5] != "0" else (0 if code[4:] == "00" else 1)
    if depth >= 2:
        if f"{code[:4]}.{code[4]}" in GROUPS:
            path.append(GROUPS[f"{code[:4]}.{code[4]}"])
        else:
            ungrouped += 1
    if text and depth > 0:
        path.append(text)
    own = {t.lower() for t in path} | {heading.lower()}
    seen, kept = set(), []
    for t in lines.get(code, []):
        key = t.lower().rstrip(".")
        if key in ("lain-lain", "lainnya") or key in own or key in seen:
            continue
        seen.add(key)
        kept.append(t)
    if not heading and not path and not kept:
        unworded.append(code)
    rows.append((code, heading, " / ".join(path), " | ".join(kept)))

with open(out / "btki2022.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["hs6", "heading_id", "subheading_id", "lines_id"])
    w.writerows(rows)
print(f"btki2022.csv: {len(rows)} rows")
print(f"HS-6 codes of hs2022.csv with no BTKI wording: {len(unworded)}", *unworded)
print(f"two-dash subheadings without their one-dash group caption: {ungrouped}")
unused = sorted(k for k in GROUPS if not any(c.startswith(k.replace(".", "")) for c in hs6))
assert not unused, f"group captions for no HS-6 code: {unused}"
