//! Participant sheets as Excel workbooks (.xlsx, as Excel or LibreOffice save them): one
//! sheet (the first, or a named one) is read with calamine and goes through the same
//! column reading as a CSV sheet, so both give the same firms; problems then name the
//! sheet, the row and the column letter as the spreadsheet shows them. The firm export
//! writes the same columns with rust_xlsxwriter; every cell but a number is written as a
//! string cell, so a name that looks like a formula (`=HYPERLINK(…)`) stays text.

use super::csv_format::{self, CsvRow};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use std::collections::HashMap;
use std::io::Cursor;

/// The media type of an .xlsx file.
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx file is a zip archive: it starts with a local file header.
pub fn looks_like_xlsx(body: &[u8]) -> bool {
    body.starts_with(b"PK\x03\x04")
}

/// The rows of one sheet, `line` being the sheet's row number (1-based, as shown).
pub struct SheetRows {
    pub sheet: String,
    pub rows: Vec<CsvRow>,
    /// Import column (`name`, `regency`, `contact_phone`…) → the sheet's column letter.
    pub columns: HashMap<&'static str, String>,
}

impl SheetRows {
    /// The column letter of an input field path (`regency`, `products[0].capacity`,
    /// `contact.phone`), when the sheet has that column.
    pub fn column_of_field(&self, field: &str) -> Option<&str> {
        let column = match field.strip_prefix("contact.") {
            Some(rest) => format!("contact_{}", rest.split(['.', '[']).next().unwrap_or(rest)),
            None => field.split(['.', '[']).next().unwrap_or(field).to_string(),
        };
        self.columns.get(column.as_str()).map(String::as_str)
    }
}

/// "A", "B", … "Z", "AA", … for a 0-based column.
pub fn column_letter(index: u32) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// A cell as the text a CSV sheet would hold. `column` is the import column under which the
/// cell stands: a number typed into a cell loses what a code needs (a spreadsheet that
/// opens a CSV reads `03217` as 3217 and `35.10` as 35.1), so a KBLI code gets its
/// leading zeros back, a kab/kota code its two decimals and a phone number its leading 0.
fn cell_text(cell: &Data, column: Option<&str>) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => number_text(*f, column),
        Data::Int(i) => number_text(*i as f64, column),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("{e:?}")),
    })
}

fn number_text(f: f64, column: Option<&str>) -> String {
    let whole = f.fract() == 0.0 && f.abs() < 1e15;
    match column {
        Some("kbli") if whole && (0.0..100_000.0).contains(&f) => format!("{:05}", f as i64),
        Some("regency") if !whole && (10.0..100.0).contains(&f) => format!("{f:.2}"),
        Some("contact_phone") if whole && f > 0.0 => {
            let digits = format!("{}", f as i64);
            if digits.starts_with("62") {
                digits
            } else {
                format!("0{digits}")
            }
        }
        // Numbers typed into cells (employees, phone numbers) come as floats.
        _ if whole => format!("{}", f as i64),
        _ => f.to_string(),
    }
}

/// One sheet as CSV text, for a column reader that takes CSV: each CSV line that starts a
/// record maps back to the sheet's row, and each known column to its letter.
pub struct SheetText {
    pub sheet: String,
    pub csv: Vec<u8>,
    /// CSV line (1-based, the header being line 1) → the sheet's row number.
    pub row_of_line: HashMap<u64, u32>,
    /// Import column → the sheet's column letter.
    pub columns: HashMap<&'static str, String>,
}

/// Reads `sheet` (the first sheet when `None`) as CSV text; `column_of` names the columns
/// of the header row (the first non-empty row). A file-level problem (not a workbook, no
/// such sheet, no header, an error value in a cell) is an `Err` in words.
pub fn read_sheet(
    body: &[u8],
    sheet: Option<&str>,
    column_of: fn(&str) -> Option<&'static str>,
) -> Result<SheetText, String> {
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(body)).map_err(|e: calamine::XlsxError| e.to_string())?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the workbook has no sheet '{wanted}'; its sheets: {}",
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheet".to_string())?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("sheet '{name}': {e}"))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));

    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut row_of_line: HashMap<u64, u32> = HashMap::new();
    let mut columns = HashMap::new();
    // The import column of each sheet column, once the header is read.
    let mut header: Option<Vec<Option<&'static str>>> = None;
    let mut lines = 1u64;
    for (i, row) in range.rows().enumerate() {
        let sheet_row = first_row + i as u32 + 1;
        let mut cells = Vec::with_capacity(row.len());
        for (j, cell) in row.iter().enumerate() {
            let column = header.as_ref().and_then(|h| h.get(j).copied().flatten());
            let text = cell_text(cell, column).map_err(|e| {
                format!(
                    "sheet '{name}', cell {}{sheet_row}: the cell holds the error {e}",
                    column_letter(first_col + j as u32)
                )
            })?;
            cells.push(text);
        }
        if header.is_none() {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let named: Vec<Option<&'static str>> = cells.iter().map(|c| column_of(c)).collect();
            for (j, column) in named.iter().enumerate() {
                if let Some(column) = column {
                    columns.insert(*column, column_letter(first_col + j as u32));
                }
            }
            header = Some(named);
        } else {
            row_of_line.insert(lines, sheet_row);
        }
        writer
            .write_record(&cells)
            .map_err(|e| format!("sheet '{name}', row {sheet_row}: {e}"))?;
        writer.flush().map_err(|e| format!("sheet '{name}': {e}"))?;
        lines = 1 + writer.get_ref().iter().filter(|b| **b == b'\n').count() as u64;
    }
    if header.is_none() {
        return Err(format!("sheet '{name}' is empty"));
    }
    let csv = writer
        .into_inner()
        .map_err(|e| format!("sheet '{name}': {e}"))?;
    Ok(SheetText {
        sheet: name,
        csv,
        row_of_line,
        columns,
    })
}

/// Reads the firms of `sheet` (the first sheet when `None`) with the CSV import's columns.
pub fn read_rows(body: &[u8], sheet: Option<&str>) -> Result<SheetRows, String> {
    let text = read_sheet(body, sheet, csv_format::column_of)?;
    let name = text.sheet;
    let mut rows = csv_format::read_rows(&text.csv).map_err(|e| format!("sheet '{name}': {e}"))?;
    for row in &mut rows {
        row.line = text.row_of_line.get(&row.line).copied().unwrap_or(0) as u64;
    }
    Ok(SheetRows {
        sheet: name,
        rows,
        columns: text.columns,
    })
}

/// The sheet name of the firm export.
pub const FIRMS_SHEET: &str = "Peserta";

/// Firms in the import's columns as a workbook (one sheet, header row frozen): an export
/// that imports back unchanged.
pub fn write_firms<'a>(
    firms: impl IntoIterator<Item = &'a crate::domain::Firm>,
) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    // The cells are the CSV export's, read back, so both exports say the same; a workbook
    // cell written as a string is never a formula, so the CSV's leading `'` comes off.
    let csv = csv_format::write_firms(firms)?;
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let headers: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(FIRMS_SHEET)?;
    let bold = Format::new().set_bold();
    for (j, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, header, &bold)?;
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (i, record) in reader.records().enumerate() {
        let row = i as u32 + 1;
        for (j, cell) in record?.iter().enumerate() {
            let cell = crate::csv_out::restore(cell);
            let column = j as u16;
            match (headers.get(j).map(String::as_str), cell.parse::<u32>()) {
                (Some("employees"), Ok(n)) => {
                    sheet.write_number(row, column, n)?;
                }
                _ => {
                    sheet.write_string(row, column, cell)?;
                }
            }
            if let Some(w) = widths.get_mut(j) {
                *w = (*w).max(cell.chars().count().min(60));
            }
        }
    }
    for (j, w) in widths.iter().enumerate() {
        sheet.set_column_width(j as u16, (*w + 2) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

/// A forum's timetable grid as a workbook: one sheet per day (named by its date), a row
/// per slot with its session and local times, a column per table, "A × B" in each cell.
pub fn write_grid(
    event: &crate::domain::event::Event,
    schedule: &crate::schedule::forum::ForumSchedule,
    card: &dyn Fn(&str) -> crate::schedule::forum::FirmCard,
) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let zone = crate::schedule::message::zone_name(&event.time_zone);
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let mut day = None;
    let mut row = 0u32;
    let tables = event.tables as u16;
    for (slot, cells) in crate::schedule::forum::grid_rows(event, schedule, card) {
        if day != Some(slot.date) {
            day = Some(slot.date);
            row = 0;
            let sheet = book.add_worksheet();
            sheet.set_name(slot.date.format("%Y-%m-%d").to_string())?;
            let start = format!("Mulai ({zone})");
            let end = format!("Selesai ({zone})");
            for (j, title) in ["Slot", "Sesi", start.as_str(), end.as_str()]
                .into_iter()
                .enumerate()
            {
                sheet.write_string_with_format(0, j as u16, title, &bold)?;
            }
            for t in 0..tables {
                sheet.write_string_with_format(0, 4 + t, event.table_name(t.into()), &bold)?;
                sheet.set_column_width(4 + t, 36)?;
            }
            sheet.set_column_width(2, 12)?;
            sheet.set_column_width(3, 12)?;
            sheet.set_freeze_panes(1, 4)?;
        }
        row += 1;
        let sheet = book
            .worksheets_mut()
            .last_mut()
            .expect("a sheet for the day");
        sheet.write_number(row, 0, slot.index + 1)?;
        sheet.write_string(row, 1, &slot.session)?;
        sheet.write_string(row, 2, slot.start.format("%H:%M").to_string())?;
        sheet.write_string(row, 3, slot.end.format("%H:%M").to_string())?;
        for (t, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(row, 4 + t as u16, cell)?;
            }
        }
    }
    if day.is_none() {
        book.add_worksheet().set_name("Jadwal")?;
    }
    Ok(book.save_to_buffer()?)
}

/// The forum's trade report as a workbook: the key numbers, then a sheet per breakdown
/// (direction, sector, kab/kota of the supplier, firms per kab/kota, score bands); amounts
/// are numbers shown as rupiah ("Rp 36.000.000"), so they still add up in Excel.
pub fn write_report(
    report: &crate::report::ForumReport,
    event_name: &str,
) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let rupiah = Format::new().set_num_format("\"Rp\" #,##0");
    let percent = Format::new().set_num_format("0.0%");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Ringkasan")?;
    sheet.write_string_with_format(0, 0, "Laporan hasil temu bisnis", &bold)?;
    sheet.write_string(0, 1, event_name)?;
    let counts: [(&str, usize); 9] = [
        ("Pertemuan dijadwalkan", report.meetings_planned),
        ("Pertemuan terlaksana", report.meetings_held),
        ("Tidak hadir", report.meetings_no_show),
        ("Dibatalkan", report.meetings_cancelled),
        ("Belum dicatat", report.meetings_unrecorded),
        ("Transaksi", report.deals),
        ("Surat minat (LoI)", report.letters_of_intent),
        ("IKM dalam pertemuan", report.firms_in_meetings),
        ("IKM dengan transaksi", report.firms_with_deal),
    ];
    let mut row = 2u32;
    for (label, n) in counts {
        sheet.write_string(row, 0, label)?;
        sheet.write_number(row, 1, n as f64)?;
        row += 1;
    }
    sheet.write_string(row, 0, "Nilai transaksi")?;
    sheet.write_number_with_format(row, 1, report.trade_value_idr as f64, &rupiah)?;
    sheet.write_string(row + 1, 0, "Tingkat tidak hadir")?;
    sheet.write_number_with_format(row + 1, 1, report.no_show_rate, &percent)?;
    sheet.write_string(row + 2, 0, "Bagian IKM dengan transaksi")?;
    sheet.write_number_with_format(row + 2, 1, report.share_of_firms_with_deal, &percent)?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 22)?;

    for (name, list) in [
        ("Arah", &report.by_direction),
        ("Sektor", &report.by_sector),
        ("Kabupaten-kota", &report.by_regency),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        for (j, title) in ["Kode", "Nama", "Transaksi", "LoI", "Nilai"]
            .iter()
            .enumerate()
        {
            sheet.write_string_with_format(0, j as u16, *title, &bold)?;
        }
        for (i, t) in list.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &t.key)?;
            sheet.write_string(r, 1, &t.label)?;
            sheet.write_number(r, 2, t.deals as f64)?;
            sheet.write_number(r, 3, t.letters_of_intent as f64)?;
            sheet.write_number_with_format(r, 4, t.value_idr as f64, &rupiah)?;
        }
        sheet.set_column_width(1, 40)?;
        sheet.set_column_width(4, 20)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("IKM per kabupaten-kota")?;
    for (j, title) in ["Kode", "Nama", "IKM", "Dengan transaksi"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(0, j as u16, *title, &bold)?;
    }
    for (i, r) in report.firms_by_regency.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &r.key)?;
        sheet.write_string(row, 1, &r.label)?;
        sheet.write_number(row, 2, r.firms as f64)?;
        sheet.write_number(row, 3, r.firms_with_deal as f64)?;
    }
    sheet.set_column_width(1, 40)?;
    let sheet = book.add_worksheet();
    sheet.set_name("Skor kecocokan")?;
    for (j, title) in [
        "Kelompok skor",
        "Berlangsung",
        "Dengan transaksi",
        "Tingkat",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, j as u16, *title, &bold)?;
    }
    for (i, b) in report.by_score_band.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &b.band)?;
        sheet.write_number(row, 1, b.meetings_held as f64)?;
        sheet.write_number(row, 2, b.meetings_with_deal as f64)?;
        sheet.write_number_with_format(row, 3, b.deal_rate, &percent)?;
    }
    Ok(book.save_to_buffer()?)
}

/// Excel's rules for a sheet name: at most 31 characters, none of `[ ] : * ? / \`, no `'`
/// at either end, not "History", unique without regard to case. `wanted` (a firm's name)
/// is made to follow them; `used` holds the names taken so far, lower-cased.
pub fn sheet_name(
    wanted: &str,
    fallback: &str,
    used: &mut std::collections::HashSet<String>,
) -> String {
    const MAX: usize = 31;
    let clean = |text: &str| -> String {
        let replaced: String = text
            .chars()
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => ' ',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        replaced
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches('\'')
            .trim()
            .to_string()
    };
    let mut base = clean(wanted);
    if base.is_empty() {
        base = clean(fallback);
    }
    if base.is_empty() {
        base = "Sheet".into();
    }
    let cut = |text: &str, room: usize| -> String {
        text.chars()
            .take(room)
            .collect::<String>()
            .trim_end_matches('\'')
            .trim_end()
            .to_string()
    };
    let mut name = cut(&base, MAX);
    let mut n = 2;
    while used.contains(&name.to_lowercase()) || name.eq_ignore_ascii_case("history") {
        let suffix = format!(" ({n})");
        name = format!("{}{suffix}", cut(&base, MAX - suffix.chars().count()));
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

/// Every agenda of a forum as one workbook, a sheet per firm (named after the firm, see
/// [`sheet_name`]): the firm and the forum on top, then a row per meeting with its day,
/// local times, session, table, partner and reasons. Every text is a string cell, so a
/// name that looks like a formula stays text.
pub fn write_agendas(
    event: &crate::domain::event::Event,
    agendas: &[(crate::domain::Firm, crate::schedule::forum::Agenda)],
) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let zone = crate::schedule::message::zone_name(&event.time_zone);
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let mut used = std::collections::HashSet::new();
    let start = format!("Mulai ({zone})");
    let end = format!("Selesai ({zone})");
    let titles = [
        "Tanggal",
        start.as_str(),
        end.as_str(),
        "Sesi",
        "Meja",
        "Mitra",
        "Provinsi",
        "Kabupaten/kota",
        "Jenis",
        "Alasan",
    ];
    for (firm, agenda) in agendas {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(firm.profile.name(), firm.id.as_str(), &mut used))?;
        sheet.write_string_with_format(0, 0, &agenda.firm.name, &bold)?;
        sheet.write_string(0, 1, &agenda.firm.id)?;
        sheet.write_string(1, 0, &event.name)?;
        if let Some(venue) = &event.venue {
            sheet.write_string(1, 1, venue)?;
        }
        for (j, title) in titles.iter().enumerate() {
            sheet.write_string_with_format(3, j as u16, *title, &bold)?;
        }
        if agenda.meetings.is_empty() {
            sheet.write_string(4, 0, "Belum ada pertemuan")?;
        }
        for (i, e) in agenda.meetings.iter().enumerate() {
            let row = 4 + i as u32;
            let cells = [
                e.start.format("%Y-%m-%d").to_string(),
                e.start.format("%H:%M").to_string(),
                e.end.format("%H:%M").to_string(),
                e.session.clone(),
                e.table_name.clone(),
                e.partner.name.clone(),
                e.partner.province.clone(),
                e.partner.regency.clone(),
                crate::schedule::forum::kind_name(e.kind).to_string(),
                e.reasons.join(" | "),
            ];
            for (j, cell) in cells.iter().enumerate() {
                sheet.write_string(row, j as u16, cell)?;
            }
        }
        for (j, width) in [11, 12, 12, 10, 10, 36, 9, 22, 12, 80].iter().enumerate() {
            sheet.set_column_width(j as u16, *width)?;
        }
        sheet.set_freeze_panes(4, 0)?;
    }
    if agendas.is_empty() {
        book.add_worksheet().set_name("Agenda")?;
    }
    Ok(book.save_to_buffer()?)
}

/// The sheet of new firms' tokens.
pub const TOKENS_SHEET: &str = "Token";

/// New firms' tokens as a workbook to hand out: firm id, name, token, each a string cell.
pub fn write_tokens(rows: &[(String, String, String)]) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(TOKENS_SHEET)?;
    for (j, title) in ["firm_id", "nama", "token"].iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *title, &bold)?;
    }
    for (i, (id, name, token)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, id)?;
        sheet.write_string(row, 1, name)?;
        sheet.write_string(row, 2, token)?;
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(2, 60)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_run_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn numbers_typed_into_code_cells_read_as_the_codes() {
        assert_eq!(number_text(3217.0, Some("kbli")), "03217");
        assert_eq!(number_text(10761.0, Some("kbli")), "10761");
        assert_eq!(number_text(35.1, Some("regency")), "35.10");
        assert_eq!(number_text(52.02, Some("regency")), "52.02");
        assert_eq!(number_text(5203.0, Some("regency")), "5203");
        assert_eq!(
            number_text(81234567890.0, Some("contact_phone")),
            "081234567890"
        );
        assert_eq!(
            number_text(6281234567890.0, Some("contact_phone")),
            "6281234567890"
        );
        assert_eq!(number_text(14.0, Some("employees")), "14");
        assert_eq!(number_text(14.0, None), "14");
        assert_eq!(number_text(1.5, None), "1.5");
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        let mut used = std::collections::HashSet::new();
        let mut name = |wanted: &str| sheet_name(wanted, "firm-id", &mut used);
        assert_eq!(name("CV Kopi Sembalun"), "CV Kopi Sembalun");
        // Case-insensitive duplicates are numbered.
        assert_eq!(name("cv kopi sembalun"), "cv kopi sembalun (2)");
        assert_eq!(name("CV KOPI SEMBALUN"), "CV KOPI SEMBALUN (3)");
        // Forbidden characters go, quotes at the ends go, 31 characters at most.
        assert_eq!(name("PT [Maju]: Jaya*?/\\"), "PT Maju Jaya");
        assert_eq!(name("'Kutip'"), "Kutip");
        let long = name("Koperasi Produsen Tenun Ikat Sukarara Lombok Tengah");
        assert_eq!(long, "Koperasi Produsen Tenun Ikat Su");
        let again = name("Koperasi Produsen Tenun Ikat Sukarara Lombok Tengah");
        assert_eq!(again, "Koperasi Produsen Tenun Ika (2)");
        assert_eq!(again.chars().count(), 31);
        assert_eq!(name("History"), "History (2)");
        assert_eq!(name("[]:*"), "firm-id");
        // rust_xlsxwriter accepts them all.
        let mut book = rust_xlsxwriter::Workbook::new();
        for n in used.clone() {
            book.add_worksheet().set_name(n).unwrap();
        }
    }

    #[test]
    fn a_file_that_is_no_workbook_is_refused_in_words() {
        assert!(!looks_like_xlsx(b"name,province\n"));
        assert!(read_rows(b"PK\x03\x04 not really", None).is_err());
    }
}
