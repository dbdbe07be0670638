//! The report's map: NTB and Jawa Timur by kabupaten/kota, shaded by the deal value their
//! supplying firms made, a circle per kab/kota sized by its firms in meetings, and the two
//! trade flows (NTB → Jatim, Jatim → NTB) as arrows whose width follows their value.
//!
//! The outlines and the label positions come from `data/regency_shapes.csv`, derived once by
//! `data/derive_map.py` from the laravel-nusa boundaries (MIT; see data/README.md): every
//! kab/kota of both provinces is labelled, and no two labels overlap. The drawing reads in
//! greyscale (one-hue shades whose lightness falls with value, black outlines and text with
//! a white halo) and prints as it shows. Pure: the same report gives the same SVG.

use crate::report::{rupiah, ForumReport};
use std::collections::HashMap;
use std::sync::OnceLock;

const SHAPES_CSV: &str = include_str!("../data/regency_shapes.csv");

/// Width and height of the map's frame, in SVG units (`data/derive_map.py`).
pub const WIDTH: f64 = 1000.0;
pub const HEIGHT: f64 = 491.0;
/// Size of the kab/kota labels, as the derivation assumed when it placed them.
pub const LABEL_FONT: f64 = 9.0;

/// One kabupaten/kota's outline and label.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RegencyShape {
    /// Kemendagri code with a dot, as firms store it ("35.78").
    pub code: String,
    /// `NTB` or `JATIM`.
    pub province: String,
    /// "Kab. Lombok Barat", "Kota Surabaya".
    pub name: String,
    /// What the map writes: "Lombok Barat", "Kota Surabaya".
    pub label: String,
    pub anchor_x: f64,
    pub anchor_y: f64,
    pub label_x: f64,
    pub label_y: f64,
    /// SVG path data in the map's frame.
    pub path: String,
}

impl RegencyShape {
    /// The label's box as the derivation reserved it: (left, top, right, bottom).
    pub fn label_box(&self) -> (f64, f64, f64, f64) {
        let w = self.label.chars().count() as f64 * 0.56 * LABEL_FONT;
        (
            self.label_x - w / 2.0 - 1.0,
            self.label_y - LABEL_FONT * 0.8,
            self.label_x + w / 2.0 + 1.0,
            self.label_y + LABEL_FONT * 0.3,
        )
    }
}

/// Every kab/kota of NTB and Jawa Timur, by code.
pub fn shapes() -> &'static [RegencyShape] {
    static SHAPES: OnceLock<Vec<RegencyShape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        csv::Reader::from_reader(SHAPES_CSV.as_bytes())
            .deserialize()
            .collect::<Result<Vec<RegencyShape>, _>>()
            .expect("data/regency_shapes.csv is well formed")
    })
}

/// Shades of the value classes, light to dark (ColorBrewer "Blues"): their lightness falls
/// monotonically, so the order survives greyscale printing.
const SHADES: [&str; 5] = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

/// The class (0 = no deal value) of `value` among four equal steps up to `max`.
fn class_of(value: u64, max: u64) -> usize {
    if value == 0 || max == 0 {
        0
    } else {
        (1 + ((value as f64 / max as f64) * 4.0).ceil() as usize - 1).clamp(1, 4)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn circle_radius(firms: usize) -> f64 {
    (4.0 + 3.0 * (firms as f64).sqrt()).min(24.0)
}

/// The map of `report` as a standalone SVG element (Indonesian text, like the printed report).
pub fn map_svg(report: &ForumReport) -> String {
    let value: HashMap<&str, u64> = report
        .by_regency
        .iter()
        .map(|t| (t.key.as_str(), t.value_idr))
        .collect();
    let firms: HashMap<&str, usize> = report
        .firms_by_regency
        .iter()
        .map(|r| (r.key.as_str(), r.firms))
        .collect();
    let max = value.values().copied().max().unwrap_or(0);
    let title = "Peta peserta dan nilai transaksi per kabupaten/kota, NTB dan Jawa Timur";
    let mut desc = format!(
        "Warna kabupaten/kota menurut nilai transaksi pemasoknya; lingkaran menurut jumlah IKM dalam pertemuan; panah menurut nilai perdagangan antarprovinsi. Total {}.",
        rupiah(report.trade_value_idr)
    );
    for t in &report.by_direction {
        desc.push_str(&format!(" {}: {}.", t.label, rupiah(t.value_idr)));
    }
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"regency-map\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-labelledby=\"map-title map-desc\" font-family=\"sans-serif\">\
         <title id=\"map-title\">{}</title><desc id=\"map-desc\">{}</desc>\
         <defs><marker id=\"map-arrow\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"4\" markerHeight=\"4\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 Z\" fill=\"#000\"/></marker></defs>\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fff\"/>",
        escape(title),
        escape(&desc)
    );
    svg.push_str(
        "<g stroke=\"#222\" stroke-width=\"0.5\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">",
    );
    for shape in shapes() {
        let v = value.get(shape.code.as_str()).copied().unwrap_or(0);
        let n = firms.get(shape.code.as_str()).copied().unwrap_or(0);
        svg.push_str(&format!(
            "<path d=\"{}\" fill=\"{}\" data-code=\"{}\"><title>{}: {} IKM, {}</title></path>",
            shape.path,
            SHADES[class_of(v, max)],
            escape(&shape.code),
            escape(&shape.name),
            n,
            rupiah(v)
        ));
    }
    svg.push_str("</g>");

    svg.push_str(&flows(report));

    // Labels last, with a white halo; a leader line where the label had to move off its region.
    svg.push_str("<g stroke=\"#000\" stroke-width=\"0.5\">");
    for shape in shapes() {
        if (shape.anchor_x, shape.anchor_y) != (shape.label_x, shape.label_y - LABEL_FONT * 0.3)
            && ((shape.label_x - shape.anchor_x).powi(2)
                + (shape.label_y - LABEL_FONT * 0.3 - shape.anchor_y).powi(2))
                > 64.0
        {
            svg.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
                shape.anchor_x,
                shape.anchor_y,
                shape.label_x,
                shape.label_y - LABEL_FONT * 0.3
            ));
        }
    }
    svg.push_str("</g>");
    svg.push_str(&format!(
        "<g font-size=\"{LABEL_FONT}\" text-anchor=\"middle\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"2.2\" stroke-linejoin=\"round\" paint-order=\"stroke\">"
    ));
    for shape in shapes() {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" data-code=\"{}\">{}</text>",
            shape.label_x,
            shape.label_y,
            escape(&shape.code),
            escape(&shape.label)
        ));
    }
    svg.push_str("</g>");
    // Firms in meetings: a ring per kab/kota around its anchor, over the labels so that it
    // stays visible on any shade.
    svg.push_str("<g fill=\"none\" stroke=\"#000\" stroke-width=\"1.6\">");
    for shape in shapes() {
        let n = firms.get(shape.code.as_str()).copied().unwrap_or(0);
        if n > 0 {
            svg.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\" data-code=\"{}\" data-firms=\"{n}\"/>",
                shape.anchor_x,
                shape.anchor_y,
                circle_radius(n),
                escape(&shape.code)
            ));
        }
    }
    svg.push_str("</g>");

    svg.push_str(&legend(report, max));
    svg.push_str("</svg>");
    svg
}

/// The two inter-provincial flows as arrows across the Bali strait: NTB → Jatim above,
/// Jatim → NTB below, each as wide as its share of the larger one and labelled with its
/// value and count.
fn flows(report: &ForumReport) -> String {
    let of = |key: &str| {
        report
            .by_direction
            .iter()
            .find(|t| t.key == key)
            .map(|t| (t.value_idr, t.deals + t.letters_of_intent))
            .unwrap_or((0, 0))
    };
    let (to_jatim, to_ntb) = (of("ntb_to_jatim"), of("jatim_to_ntb"));
    let max = to_jatim.0.max(to_ntb.0).max(1);
    let width = |v: u64| 1.5 + 9.0 * v as f64 / max as f64;
    let mut out = String::from("<g fill=\"none\" stroke=\"#000\" stroke-linecap=\"butt\">");
    for (value, count, d, label, x, y) in [
        (
            to_jatim.0,
            to_jatim.1,
            "M600,372 Q515,285 432,318",
            "NTB → Jatim",
            515.0,
            282.0,
        ),
        (
            to_ntb.0,
            to_ntb.1,
            "M432,418 Q515,470 600,440",
            "Jatim → NTB",
            515.0,
            478.0,
        ),
    ] {
        let dash = if value == 0 {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<path d=\"{d}\" stroke-width=\"{:.1}\" marker-end=\"url(#map-arrow)\"{dash} data-flow=\"{}\"/>",
            width(value),
            escape(label)
        ));
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}: {} ({} transaksi/LoI)</text>",
            escape(label),
            rupiah(value),
            count
        ));
    }
    out.push_str("</g>");
    out
}

/// Value classes, circle sizes and the source line, in the empty sea north of the islands.
fn legend(report: &ForumReport, max: u64) -> String {
    let (x, mut y) = (480.0_f64, 24.0_f64);
    let mut out = format!(
        "<g font-size=\"10\" fill=\"#000\"><text x=\"{x}\" y=\"{y}\" font-size=\"12\" font-weight=\"bold\">Nilai transaksi pemasok per kabupaten/kota</text>"
    );
    y += 8.0;
    let step = max as f64 / 4.0;
    for (class, shade) in SHADES.iter().enumerate() {
        let text = if class == 0 || max == 0 {
            "tanpa transaksi".to_string()
        } else {
            let low = (step * (class - 1) as f64).floor() as u64;
            let high = (step * class as f64).ceil() as u64;
            if class == 1 {
                format!("sampai {}", rupiah(high.min(max)))
            } else {
                format!("{} – {}", rupiah(low + 1), rupiah(high.min(max)))
            }
        };
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"18\" height=\"12\" fill=\"{shade}\" stroke=\"#222\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\">{}</text>",
            x + 24.0,
            y + 10.0,
            escape(&text)
        ));
        y += 16.0;
        if max == 0 {
            break;
        }
    }
    let most = report
        .firms_by_regency
        .iter()
        .map(|r| r.firms)
        .max()
        .unwrap_or(0);
    let cx = 770.0;
    let mut cy = 32.0;
    out.push_str(&format!(
        "<text x=\"{cx}\" y=\"24\" font-size=\"12\" font-weight=\"bold\">IKM dalam pertemuan</text>"
    ));
    let mut sizes = vec![1usize];
    if most > 1 {
        sizes.push(most);
    }
    for n in sizes {
        let r = circle_radius(n);
        cy += r;
        out.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{cy:.1}\" r=\"{r:.1}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.6\"/><text x=\"{}\" y=\"{:.1}\">{n} IKM</text>",
            cx + 16.0,
            cx + 22.0 + r,
            cy + 4.0
        ));
        cy += r + 6.0;
    }
    out.push_str(&format!(
        "<text x=\"{x}\" y=\"{:.0}\" font-size=\"8\" fill=\"#333\">Batas wilayah: laravel-nusa / cahyadsn-wilayah (MIT), disederhanakan. Panah: arah perdagangan antarprovinsi.</text></g>",
        y.max(cy) + 10.0
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Province, Reference};
    use crate::report::{RegencyFirms, Tally};

    fn report() -> ForumReport {
        ForumReport {
            event_id: "f".into(),
            meetings_planned: 3,
            meetings_held: 3,
            meetings_no_show: 0,
            meetings_cancelled: 0,
            meetings_unrecorded: 0,
            no_show_rate: 0.0,
            deals: 2,
            letters_of_intent: 0,
            trade_value_idr: 50_000_000,
            by_direction: vec![Tally {
                key: "ntb_to_jatim".into(),
                label: "NTB → Jatim".into(),
                deals: 2,
                letters_of_intent: 0,
                value_idr: 50_000_000,
            }],
            by_sector: vec![],
            by_regency: vec![
                Tally {
                    key: "52.04".into(),
                    label: "Kabupaten Sumbawa".into(),
                    deals: 1,
                    letters_of_intent: 0,
                    value_idr: 40_000_000,
                },
                Tally {
                    key: "52.71".into(),
                    label: "Kota Mataram".into(),
                    deals: 1,
                    letters_of_intent: 0,
                    value_idr: 10_000_000,
                },
            ],
            firms_in_meetings: 4,
            firms_with_deal: 3,
            share_of_firms_with_deal: 0.75,
            by_score_band: vec![],
            firms_by_regency: vec![
                RegencyFirms {
                    key: "52.04".into(),
                    label: "Kabupaten Sumbawa".into(),
                    firms: 3,
                    firms_with_deal: 2,
                },
                RegencyFirms {
                    key: "35.78".into(),
                    label: "Kota Surabaya".into(),
                    firms: 1,
                    firms_with_deal: 1,
                },
            ],
        }
    }

    #[test]
    fn every_kab_kota_of_both_provinces_has_an_outline_and_a_label() {
        let reference = Reference::shared();
        let svg = map_svg(&report());
        let mut count = 0;
        for province in [Province::Ntb, Province::Jatim] {
            for regency in reference.regencies_of(province) {
                count += 1;
                let shape = shapes()
                    .iter()
                    .find(|s| s.code == regency.code)
                    .unwrap_or_else(|| panic!("no outline for {}", regency.code));
                assert!(shape.path.starts_with('M') && shape.path.ends_with('Z'));
                assert!(
                    svg.contains(&format!("<path d=\"{}\"", shape.path)),
                    "{} not drawn",
                    shape.name
                );
                assert!(
                    svg.contains(&format!(
                        "data-code=\"{}\">{}</text>",
                        regency.code, shape.label
                    )),
                    "{} not labelled",
                    shape.name
                );
                // The label names the same place as the reference table.
                let bare = shape.label.trim_start_matches("Kota ");
                assert!(
                    regency.name.ends_with(bare),
                    "{} vs {}",
                    regency.name,
                    shape.label
                );
                let (l, t, r, b) = shape.label_box();
                assert!(
                    l >= 0.0 && t >= 0.0 && r <= WIDTH && b <= HEIGHT,
                    "{}",
                    shape.name
                );
            }
        }
        assert_eq!(count, 48);
        assert_eq!(shapes().len(), 48);
    }

    #[test]
    fn no_two_labels_overlap() {
        let all = shapes();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                let (al, at, ar, ab) = a.label_box();
                let (bl, bt, br, bb) = b.label_box();
                let apart =
                    ar <= bl + 0.01 || br <= al + 0.01 || ab <= bt + 0.01 || bb <= at + 0.01;
                assert!(apart, "{} overlaps {}", a.label, b.label);
            }
        }
    }

    #[test]
    fn shades_follow_value_and_circles_follow_firms() {
        let svg = map_svg(&report());
        let fill_of = |code: &str| {
            let shape = shapes().iter().find(|s| s.code == code).unwrap();
            let at = svg.find(&format!("<path d=\"{}\"", shape.path)).unwrap();
            let rest = &svg[at..];
            let fill = rest.find("fill=\"").unwrap() + 6;
            rest[fill..fill + 7].to_string()
        };
        assert_eq!(fill_of("52.04"), SHADES[4], "the largest value is darkest");
        assert_eq!(fill_of("52.71"), SHADES[1]);
        assert_eq!(fill_of("35.01"), SHADES[0], "no deal: the lightest shade");
        assert!(svg.contains("data-code=\"52.04\" data-firms=\"3\""));
        assert!(svg.contains("data-code=\"35.78\" data-firms=\"1\""));
        assert!(!svg.contains("data-code=\"35.01\" data-firms"));
        // Both flows are drawn, the empty one dashed; their values are written out.
        assert!(svg.contains("NTB → Jatim: Rp 50.000.000 (2 transaksi/LoI)"));
        assert!(svg.contains("Jatim → NTB: Rp 0 (0 transaksi/LoI)"));
        assert!(svg.contains("stroke-dasharray"));
    }

    #[test]
    fn value_classes_split_the_range_in_four() {
        assert_eq!(class_of(0, 100), 0);
        assert_eq!(class_of(1, 100), 1);
        assert_eq!(class_of(25, 100), 1);
        assert_eq!(class_of(26, 100), 2);
        assert_eq!(class_of(100, 100), 4);
        assert_eq!(class_of(5, 0), 0);
    }

    #[test]
    fn a_report_without_outcomes_draws_a_plain_map() {
        let mut empty = report();
        empty.by_direction.clear();
        empty.by_regency.clear();
        empty.firms_by_regency.clear();
        empty.trade_value_idr = 0;
        let svg = map_svg(&empty);
        assert!(!svg.contains("<circle cx=\"") || svg.matches("<circle").count() == 1);
        assert!(svg.contains("tanpa transaksi"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
