//! A forum's trade result: meetings planned and held, no-shows, deals and their value by
//! direction, sector and kabupaten/kota, the share of firms with a deal, and whether higher
//! match scores really led to more deals. Pure: computed from the stored timetable, the
//! recorded outcomes and the firms' facts.

use crate::domain::outcome::{DealKind, MeetingStatus, Outcome, TradeDirection};
use crate::domain::{Province, Reference};
use crate::schedule::forum::ForumSchedule;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;

/// What the report needs to know about a firm.
#[derive(Debug, Clone)]
pub struct FirmFacts {
    pub name: String,
    pub province: Province,
    pub regency: String,
    pub regency_name: String,
    /// Main KBLI 2020 subclass.
    pub kbli: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tally {
    pub key: String,
    pub label: String,
    pub deals: usize,
    pub letters_of_intent: usize,
    pub value_idr: u64,
}

/// Firms of one kabupaten/kota that had meetings in the timetable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegencyFirms {
    /// Kemendagri code ("52.04").
    pub key: String,
    pub label: String,
    pub firms: usize,
    /// Of those, firms in a held meeting that ended with a deal or letter of intent.
    pub firms_with_deal: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScoreBand {
    /// "0.0–0.2" …, or "requested" for meetings the firms asked for without a score.
    pub band: String,
    pub meetings_held: usize,
    /// Held meetings that ended with at least one deal or letter of intent.
    pub meetings_with_deal: usize,
    pub deal_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ForumReport {
    pub event_id: String,
    pub meetings_planned: usize,
    pub meetings_held: usize,
    pub meetings_no_show: usize,
    pub meetings_cancelled: usize,
    /// Meetings whose outcome nobody recorded yet.
    pub meetings_unrecorded: usize,
    /// No-shows over meetings that were due (held + no-show).
    pub no_show_rate: f64,
    pub deals: usize,
    pub letters_of_intent: usize,
    /// Value of deals and letters of intent, in rupiah.
    pub trade_value_idr: u64,
    pub by_direction: Vec<Tally>,
    /// By the KBLI division of the supplying firm.
    pub by_sector: Vec<Tally>,
    /// By the kabupaten/kota of the supplying firm.
    pub by_regency: Vec<Tally>,
    pub firms_in_meetings: usize,
    pub firms_with_deal: usize,
    pub share_of_firms_with_deal: f64,
    pub by_score_band: Vec<ScoreBand>,
    /// Firms in meetings by their kabupaten/kota (the report map's circles), most first.
    pub firms_by_regency: Vec<RegencyFirms>,
}

fn add(tally: &mut Tally, kind: DealKind, value: u64) {
    match kind {
        DealKind::Deal => tally.deals += 1,
        DealKind::LetterOfIntent => tally.letters_of_intent += 1,
    }
    tally.value_idr += value;
}

fn direction_label(d: TradeDirection) -> (&'static str, &'static str) {
    match d {
        TradeDirection::NtbToJatim => ("ntb_to_jatim", "NTB → Jatim"),
        TradeDirection::JatimToNtb => ("jatim_to_ntb", "Jatim → NTB"),
    }
}

fn band_of(score: Option<f64>) -> String {
    match score {
        None => "requested".to_string(),
        Some(s) => {
            let i = ((s.clamp(0.0, 1.0) * 5.0).floor() as usize).min(4);
            format!("{:.1}–{:.1}", i as f64 / 5.0, (i + 1) as f64 / 5.0)
        }
    }
}

fn sorted(map: BTreeMap<String, Tally>) -> Vec<Tally> {
    let mut list: Vec<Tally> = map.into_values().collect();
    list.sort_by(|a, b| b.value_idr.cmp(&a.value_idr).then(a.key.cmp(&b.key)));
    list
}

pub fn forum_report(
    schedule: &ForumSchedule,
    outcomes: &[Outcome],
    firms: &HashMap<String, FirmFacts>,
    reference: &Reference,
) -> ForumReport {
    let by_meeting: HashMap<&str, &Outcome> = outcomes
        .iter()
        .map(|o| (o.meeting_id.as_str(), o))
        .collect();
    let (mut held, mut no_show, mut cancelled, mut unrecorded) = (0, 0, 0, 0);
    let (mut deals, mut lois, mut value) = (0, 0, 0u64);
    let mut by_direction: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_sector: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_regency: BTreeMap<String, Tally> = BTreeMap::new();
    let mut in_meetings: HashSet<&str> = HashSet::new();
    let mut with_deal: HashSet<&str> = HashSet::new();
    let mut bands: BTreeMap<String, ScoreBand> = BTreeMap::new();

    for meeting in &schedule.meetings {
        in_meetings.insert(&meeting.a);
        in_meetings.insert(&meeting.b);
        let Some(outcome) = by_meeting.get(meeting.id.as_str()) else {
            unrecorded += 1;
            continue;
        };
        match outcome.status {
            MeetingStatus::NoShow => no_show += 1,
            MeetingStatus::Cancelled => cancelled += 1,
            MeetingStatus::Held => {
                held += 1;
                let band = bands
                    .entry(band_of(meeting.score))
                    .or_insert_with(|| ScoreBand {
                        band: band_of(meeting.score),
                        ..ScoreBand::default()
                    });
                band.meetings_held += 1;
                if !outcome.deals.is_empty() {
                    band.meetings_with_deal += 1;
                    with_deal.insert(&meeting.a);
                    with_deal.insert(&meeting.b);
                }
            }
        }
        for deal in &outcome.deals {
            match deal.kind {
                DealKind::Deal => deals += 1,
                DealKind::LetterOfIntent => lois += 1,
            }
            value += deal.value_idr;
            let (key, label) = direction_label(deal.direction);
            let tally = by_direction.entry(key.into()).or_insert_with(|| Tally {
                key: key.into(),
                label: label.into(),
                ..Tally::default()
            });
            add(tally, deal.kind, deal.value_idr);
            // The supplier is the firm on the selling side of the direction.
            let selling = match deal.direction {
                TradeDirection::NtbToJatim => Province::Ntb,
                TradeDirection::JatimToNtb => Province::Jatim,
            };
            let supplier = [&meeting.a, &meeting.b]
                .into_iter()
                .filter_map(|id| firms.get(id.as_str()))
                .find(|f| f.province == selling)
                .or_else(|| firms.get(meeting.a.as_str()));
            if let Some(s) = supplier {
                let division = s.kbli.get(..2).unwrap_or("").to_string();
                let title = reference
                    .kbli(&division)
                    .map(|e| e.title.clone())
                    .unwrap_or_default();
                add(
                    by_sector.entry(division.clone()).or_insert_with(|| Tally {
                        key: division.clone(),
                        label: title,
                        ..Tally::default()
                    }),
                    deal.kind,
                    deal.value_idr,
                );
                add(
                    by_regency
                        .entry(s.regency.clone())
                        .or_insert_with(|| Tally {
                            key: s.regency.clone(),
                            label: s.regency_name.clone(),
                            ..Tally::default()
                        }),
                    deal.kind,
                    deal.value_idr,
                );
            }
        }
    }
    let mut by_score_band: Vec<ScoreBand> = bands.into_values().collect();
    for band in &mut by_score_band {
        band.deal_rate = band.meetings_with_deal as f64 / band.meetings_held.max(1) as f64;
    }
    let mut regencies: BTreeMap<&str, RegencyFirms> = BTreeMap::new();
    for id in &in_meetings {
        if let Some(f) = firms.get(*id) {
            let entry = regencies
                .entry(f.regency.as_str())
                .or_insert_with(|| RegencyFirms {
                    key: f.regency.clone(),
                    label: f.regency_name.clone(),
                    ..RegencyFirms::default()
                });
            entry.firms += 1;
            if with_deal.contains(id) {
                entry.firms_with_deal += 1;
            }
        }
    }
    let mut firms_by_regency: Vec<RegencyFirms> = regencies.into_values().collect();
    firms_by_regency.sort_by(|a, b| b.firms.cmp(&a.firms).then(a.key.cmp(&b.key)));
    ForumReport {
        event_id: schedule.event_id.clone(),
        meetings_planned: schedule.meetings.len(),
        meetings_held: held,
        meetings_no_show: no_show,
        meetings_cancelled: cancelled,
        meetings_unrecorded: unrecorded,
        no_show_rate: no_show as f64 / (held + no_show).max(1) as f64,
        deals,
        letters_of_intent: lois,
        trade_value_idr: value,
        by_direction: sorted(by_direction),
        by_sector: sorted(by_sector),
        by_regency: sorted(by_regency),
        firms_in_meetings: in_meetings.len(),
        firms_with_deal: with_deal.len(),
        share_of_firms_with_deal: with_deal.len() as f64 / in_meetings.len().max(1) as f64,
        by_score_band,
        firms_by_regency,
    }
}

/// Rupiah the Indonesian way: "Rp 36.000.000".
pub fn rupiah(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("Rp {out}")
}

pub fn report_csv(report: &ForumReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::csv_out::CsvOut::new();
    w.row([
        "section",
        "key",
        "label",
        "count",
        "deals",
        "letters_of_intent",
        "value_idr",
        "rate",
    ])?;
    let summary = [
        ("meetings_planned", report.meetings_planned),
        ("meetings_held", report.meetings_held),
        ("meetings_no_show", report.meetings_no_show),
        ("meetings_cancelled", report.meetings_cancelled),
        ("meetings_unrecorded", report.meetings_unrecorded),
        ("firms_in_meetings", report.firms_in_meetings),
        ("firms_with_deal", report.firms_with_deal),
    ];
    for (key, count) in summary {
        w.row(["summary", key, "", &count.to_string(), "", "", "", ""])?;
    }
    w.row([
        "summary",
        "no_show_rate",
        "",
        "",
        "",
        "",
        "",
        &format!("{:.4}", report.no_show_rate),
    ])?;
    w.row([
        "summary",
        "trade",
        "",
        "",
        &report.deals.to_string(),
        &report.letters_of_intent.to_string(),
        &report.trade_value_idr.to_string(),
        &format!("{:.4}", report.share_of_firms_with_deal),
    ])?;
    for (section, list) in [
        ("direction", &report.by_direction),
        ("sector", &report.by_sector),
        ("regency", &report.by_regency),
    ] {
        for t in list {
            w.row([
                section,
                &t.key,
                &t.label,
                "",
                &t.deals.to_string(),
                &t.letters_of_intent.to_string(),
                &t.value_idr.to_string(),
                "",
            ])?;
        }
    }
    for b in &report.by_score_band {
        w.row([
            "score_band",
            &b.band,
            "",
            &b.meetings_held.to_string(),
            &b.meetings_with_deal.to_string(),
            "",
            "",
            &format!("{:.4}", b.deal_rate),
        ])?;
    }
    w.finish()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart as inline SVG (no script, prints as it shows).
fn bars(title: &str, rows: &[(String, f64, String)]) -> String {
    let max = rows
        .iter()
        .map(|r| r.1)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let height = 28 * rows.len() + 10;
    let mut svg = format!("<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\">", escape(title), escape(title));
    for (i, (label, value, text)) in rows.iter().enumerate() {
        let y = 5 + 28 * i;
        let w = (380.0 * value / max).round();
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"170\" y=\"{y}\" width=\"{w}\" height=\"20\" fill=\"#1f6f8b\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 15,
            escape(label),
            175.0 + w,
            y + 15,
            escape(text)
        ));
    }
    svg.push_str("</svg></figure>\n");
    svg
}

pub fn report_html(report: &ForumReport, event_name: &str) -> String {
    let mut html = format!(
        "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>Laporan — {name}</title>\n\
         <style>body{{font-family:sans-serif;max-width:60rem;margin:1rem auto;color:#111}}table{{border-collapse:collapse;margin:.5rem 0}}\
         th,td{{border:1px solid #999;padding:3px 8px;text-align:left}}td.n{{text-align:right}}figure{{margin:1rem 0}}figure.map svg{{width:100%;height:auto}}@media print{{figure.map{{break-inside:avoid}}}}figcaption{{font-weight:bold}}</style>\n\
         </head><body>\n<h1>Laporan hasil temu bisnis: {name}</h1>\n",
        name = escape(event_name)
    );
    html.push_str(&format!(
        "<table><tbody><tr><th>Pertemuan dijadwalkan</th><td class=\"n\">{}</td></tr><tr><th>Pertemuan terlaksana</th><td class=\"n\">{}</td></tr>\
         <tr><th>Tidak hadir</th><td class=\"n\">{} ({:.1}%)</td></tr><tr><th>Dibatalkan</th><td class=\"n\">{}</td></tr><tr><th>Belum dicatat</th><td class=\"n\">{}</td></tr>\
         <tr><th>Transaksi / LoI</th><td class=\"n\">{} / {}</td></tr><tr><th>Nilai transaksi</th><td class=\"n\">{}</td></tr>\
         <tr><th>IKM dengan transaksi</th><td class=\"n\">{} dari {} ({:.1}%)</td></tr></tbody></table>\n",
        report.meetings_planned,
        report.meetings_held,
        report.meetings_no_show,
        100.0 * report.no_show_rate,
        report.meetings_cancelled,
        report.meetings_unrecorded,
        report.deals,
        report.letters_of_intent,
        rupiah(report.trade_value_idr),
        report.firms_with_deal,
        report.firms_in_meetings,
        100.0 * report.share_of_firms_with_deal
    ));
    let direction: Vec<(String, f64, String)> = report
        .by_direction
        .iter()
        .map(|t| (t.label.clone(), t.value_idr as f64, rupiah(t.value_idr)))
        .collect();
    html.push_str(&bars(
        "Nilai transaksi menurut arah perdagangan",
        &direction,
    ));
    let bands: Vec<(String, f64, String)> = report
        .by_score_band
        .iter()
        .map(|b| {
            (
                format!("skor {}", b.band),
                b.deal_rate,
                format!(
                    "{:.0}% ({} dari {})",
                    100.0 * b.deal_rate,
                    b.meetings_with_deal,
                    b.meetings_held
                ),
            )
        })
        .collect();
    html.push_str(&bars("Tingkat transaksi menurut skor kecocokan", &bands));
    html.push_str(&format!(
        "<h2>Peta</h2><figure class=\"map\">{}</figure>\n",
        crate::report_map::map_svg(report)
    ));
    html.push_str("<h2>IKM dalam pertemuan menurut kabupaten/kota</h2><table><thead><tr><th scope=\"col\">Kode</th><th scope=\"col\">Nama</th><th scope=\"col\">IKM</th><th scope=\"col\">Dengan transaksi</th></tr></thead><tbody>");
    for r in &report.firms_by_regency {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&r.key),
            escape(&r.label),
            r.firms,
            r.firms_with_deal
        ));
    }
    html.push_str("</tbody></table>\n");
    for (title, list) in [
        ("Menurut sektor (KBLI pemasok)", &report.by_sector),
        ("Menurut kabupaten/kota pemasok", &report.by_regency),
    ] {
        html.push_str(&format!("<h2>{title}</h2><table><thead><tr><th scope=\"col\">Kode</th><th scope=\"col\">Nama</th><th scope=\"col\">Transaksi</th><th scope=\"col\">LoI</th><th scope=\"col\">Nilai</th></tr></thead><tbody>"));
        for t in list {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&t.key),
                escape(&t.label),
                t.deals,
                t.letters_of_intent,
                rupiah(t.value_idr)
            ));
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_uses_dots_between_thousands() {
        assert_eq!(rupiah(36_000_000), "Rp 36.000.000");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(rupiah(1_000), "Rp 1.000");
    }

    #[test]
    fn score_bands_cover_zero_to_one() {
        assert_eq!(band_of(Some(0.0)), "0.0–0.2");
        assert_eq!(band_of(Some(0.99)), "0.8–1.0");
        assert_eq!(band_of(Some(1.0)), "0.8–1.0");
        assert_eq!(band_of(None), "requested");
    }
}
