//! Registering a forum's participants from a sheet (CSV, or an .xlsx workbook read through
//! [`super::xlsx::read_sheet`]): one firm per row, all or nothing, every bad row named by
//! its line (the sheet's row number) and field.
//!
//! Columns (header names are case-insensitive; Indonesian names accepted; other columns,
//! such as the firm's name for the reader, are ignored):
//! `firm_id` (id, id_firma), `max_meetings` (maks_pertemuan, batas_pertemuan),
//! `host` (tuan_rumah: ya/tidak, yes/no, true/false, 1/0), `unavailable_times`
//! (tidak_tersedia: local `YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM` ranges, `;`-separated).

use super::{AppError, Mitra};
use crate::domain::event::{Participant, ParticipantInput, TimeRangeInput};
use crate::domain::{EventId, FieldError};

/// The columns a participant sheet may have, by their English names.
pub const COLUMNS: [&str; 4] = ["firm_id", "max_meetings", "host", "unavailable_times"];

/// Maps a header cell to its column, accepting the Indonesian names.
pub fn column_of(header: &str) -> Option<&'static str> {
    let key: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    Some(match key.trim_matches('_') {
        "firm_id" | "id" | "id_firma" | "slug" => "firm_id",
        "max_meetings" | "maks_pertemuan" | "batas_pertemuan" | "maksimal_pertemuan" => {
            "max_meetings"
        }
        "host" | "tuan_rumah" => "host",
        "unavailable_times" | "tidak_tersedia" | "waktu_tidak_tersedia" => "unavailable_times",
        _ => return None,
    })
}

/// One row: its line, what it asks, and problems found in its cells.
pub struct SheetRow {
    pub line: u64,
    pub input: ParticipantInput,
    pub errors: Vec<FieldError>,
}

/// Reads a CSV participant sheet (`,` or, as Indonesian-locale spreadsheets write, `;`).
pub fn read_csv(body: &[u8]) -> Result<Vec<SheetRow>, String> {
    super::csv_format::read_sheet(body, column_of, ("firm_id", &COLUMNS), |line, cell| {
        row(line, cell)
    })
}

fn row(line: u64, cell: impl Fn(&str) -> Option<String>) -> SheetRow {
    let mut errors = Vec::new();
    let max_meetings = cell("max_meetings").and_then(|raw| match raw.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(
                FieldError::coded(
                    "max_meetings",
                    "not_integer",
                    format!("'{raw}' is not a whole number"),
                )
                .with("value", &raw),
            );
            None
        }
    });
    let host = cell("host").and_then(|raw| match raw.to_lowercase().as_str() {
        "ya" | "yes" | "true" | "1" | "y" => Some(true),
        "tidak" | "no" | "false" | "0" | "t" | "n" => Some(false),
        _ => {
            errors.push(
                FieldError::coded(
                    "host",
                    "not_one_of",
                    format!("'{raw}' is not ya/tidak (yes/no)"),
                )
                .with("value", &raw),
            );
            None
        }
    });
    let unavailable_times = cell("unavailable_times").map(|raw| {
        raw.split([';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|range| {
                let (from, to) = range.split_once('/').unwrap_or((range, ""));
                TimeRangeInput {
                    from: Some(from.trim().to_string()),
                    to: Some(to.trim().to_string()),
                }
            })
            .collect()
    });
    SheetRow {
        line,
        input: ParticipantInput {
            firm_id: cell("firm_id"),
            unavailable_slots: None,
            unavailable_times,
            max_meetings,
            host,
        },
        errors,
    }
}

/// Registers every row for the forum, all or nothing: each row checked against the forum
/// and the store (the firm must exist), every problem named with its line, then stored in
/// one transaction. A firm listed twice is refused on its second line.
pub fn register(
    app: &Mitra,
    event_id: &EventId,
    rows: Vec<SheetRow>,
) -> Result<Vec<Participant>, AppError> {
    let event = super::schedule::event(&app.store, event_id)?;
    let now = chrono::Utc::now();
    let mut problems: Vec<(u64, FieldError)> = Vec::new();
    let mut participants = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashMap::new();
    for row in rows {
        problems.extend(row.errors.into_iter().map(|e| (row.line, e)));
        match row.input.parse(&event, now) {
            Ok(p) => {
                if app.store.get_firm(p.firm_id.as_str())?.is_none() {
                    problems.push((
                        row.line,
                        FieldError::coded(
                            "firm_id",
                            "not_found",
                            format!("firm '{}' does not exist", p.firm_id),
                        )
                        .with("value", &p.firm_id),
                    ));
                } else if let Some(first) = seen.insert(p.firm_id.clone(), row.line) {
                    problems.push((
                        row.line,
                        FieldError::coded(
                            "firm_id",
                            "duplicate",
                            format!("firm '{}' is already on line {first}", p.firm_id),
                        )
                        .with("value", &p.firm_id)
                        .with("line", first),
                    ));
                } else {
                    participants.push(p);
                }
            }
            Err(errors) => problems.extend(errors.into_iter().map(|e| (row.line, e))),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::InvalidRows(problems));
    }
    Ok(app.store.put_participants(event_id, participants)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_indonesian_headers_and_semicolons() {
        let rows = read_csv(
            "No;Nama;ID Firma;Maks pertemuan;Tuan rumah;Tidak tersedia\n\
             1;CV Kopi;kopi-sembalun;8;tidak;2026-12-10T13:30/2026-12-10T14:30\n\
             2;UD Garam;garam-bima;dua;mungkin;\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].input.firm_id.as_deref(), Some("kopi-sembalun"));
        assert_eq!(rows[0].input.max_meetings, Some(8));
        assert_eq!(rows[0].input.host, Some(false));
        let times = rows[0].input.unavailable_times.as_ref().unwrap();
        assert_eq!(times[0].from.as_deref(), Some("2026-12-10T13:30"));
        assert_eq!(times[0].to.as_deref(), Some("2026-12-10T14:30"));
        assert!(rows[0].errors.is_empty());
        let fields: Vec<&str> = rows[1].errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["max_meetings", "host"]);
        assert!(read_csv(b"nama,kabupaten\nx,y\n").is_err());
    }
}
