//! Labelled pairs: which firm pairs turned out to matter, and how much.
//!
//! A label says how good a meeting between two firms is (or would be), on a 0–3 scale:
//!
//! | grade | meaning                                   |
//! |-------|-------------------------------------------|
//! | 3     | deal (a contract or a first order)        |
//! | 2     | high interest (follow-up agreed)          |
//! | 1     | low interest                              |
//! | 0     | no interest, or the pair is irrelevant    |
//!
//! A pair is undirected: `a,b` and `b,a` are the same pair. When a file names a pair twice,
//! the higher grade wins (a deal outranks an earlier "low interest" note).
//!
//! Two file formats are read:
//!
//! - CSV with a header row `firm_a,firm_b,grade` (columns in that order, extra columns after
//!   them are ignored):
//!
//!   ```text
//!   firm_a,firm_b,grade
//!   ntb-kopi-sembalun-0042,jatim-kopi-malang-0107,3
//!   ntb-kopi-sembalun-0042,jatim-plastik-sidoarjo-0311,0
//!   ```
//!
//! - JSON, an array of objects: `[{"a": "ntb-kopi-sembalun-0042", "b": "jatim-kopi-malang-0107", "grade": 3}]`.
//!
//! Ids are firm ids (slugs). Errors name the CSV line (the header is line 1) or the JSON
//! array index. Pure: readers take text, not paths.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use utoipa::ToSchema;

/// The highest grade: a deal.
pub const MAX_GRADE: u8 = 3;

/// One labelled pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"a": "ntb-kopi-sembalun-0042", "b": "jatim-kopi-malang-0107", "grade": 3}))]
pub struct Label {
    pub a: String,
    pub b: String,
    /// 0 (no interest) to 3 (deal).
    #[schema(minimum = 0, maximum = 3)]
    #[serde(deserialize_with = "crate::domain::whole::required")]
    pub grade: u8,
}

/// Why a labels file could not be read; `line` is 1-based (CSV) or the array index (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LabelError {}

fn check(a: &str, b: &str, grade: i64, line: usize) -> Result<Label, LabelError> {
    let err = |message: String| LabelError { line, message };
    let (a, b) = (a.trim(), b.trim());
    for id in [a, b] {
        crate::domain::FirmId::parse(id).map_err(|e| err(format!("firm id '{id}': {e}")))?;
    }
    if a == b {
        return Err(err(format!("a firm cannot be paired with itself ('{a}')")));
    }
    if !(0..=MAX_GRADE as i64).contains(&grade) {
        return Err(err(format!(
            "grade {grade} is not between 0 and {MAX_GRADE}"
        )));
    }
    Ok(Label {
        a: a.to_string(),
        b: b.to_string(),
        grade: grade as u8,
    })
}

/// Reads the CSV format (header `firm_a,firm_b,grade` required).
pub fn read_csv(text: &str) -> Result<Vec<Label>, LabelError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut records = reader.records();
    match records.next() {
        Some(Ok(h)) => {
            let names: Vec<String> = h.iter().take(3).map(|s| s.trim().to_lowercase()).collect();
            if names != ["firm_a", "firm_b", "grade"] {
                return Err(LabelError {
                    line: 1,
                    message: "the header must be 'firm_a,firm_b,grade'".into(),
                });
            }
        }
        Some(Err(e)) => {
            return Err(LabelError {
                line: 1,
                message: e.to_string(),
            })
        }
        None => {
            return Err(LabelError {
                line: 1,
                message: "empty file: the header 'firm_a,firm_b,grade' is required".into(),
            })
        }
    }
    for record in records {
        let line_of = |e: &csv::Error| e.position().map_or(0, |p| p.line() as usize);
        let r = record.map_err(|e| LabelError {
            line: line_of(&e),
            message: e.to_string(),
        })?;
        let line = r.position().map_or(0, |p| p.line() as usize);
        if r.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if r.len() < 3 {
            return Err(LabelError {
                line,
                message: format!("expected 3 fields (firm_a,firm_b,grade), found {}", r.len()),
            });
        }
        let grade: i64 = r[2].trim().parse().map_err(|_| LabelError {
            line,
            message: format!("grade '{}' is not a whole number 0–3", r[2].trim()),
        })?;
        out.push(check(&r[0], &r[1], grade, line)?);
    }
    Ok(out)
}

/// Reads the JSON format; errors carry the array index as `line`.
pub fn read_json(text: &str) -> Result<Vec<Label>, LabelError> {
    #[derive(Deserialize)]
    struct Raw {
        a: String,
        b: String,
        grade: i64,
    }
    let raw: Vec<Raw> = serde_json::from_str(text).map_err(|e| LabelError {
        line: e.line(),
        message: format!("not a JSON array of {{a, b, grade}}: {e}"),
    })?;
    raw.iter()
        .enumerate()
        .map(|(i, r)| check(&r.a, &r.b, r.grade, i))
        .collect()
}

/// Reads either format: JSON when the text starts with `[`, CSV otherwise.
pub fn read_any(text: &str) -> Result<Vec<Label>, LabelError> {
    if text.trim_start().starts_with('[') {
        read_json(text)
    } else {
        read_csv(text)
    }
}

/// Writes the CSV format, header included.
pub fn write_csv(labels: &[Label]) -> String {
    let mut out = String::from("firm_a,firm_b,grade\n");
    for l in labels {
        out.push_str(&format!("{},{},{}\n", l.a, l.b, l.grade));
    }
    out
}

/// Labels indexed by query firm: for each firm, its labelled partners and their grades.
/// Each undirected pair appears under both firms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSet {
    by_firm: BTreeMap<String, HashMap<String, u8>>,
}

impl LabelSet {
    pub fn new(labels: &[Label]) -> LabelSet {
        let mut by_firm: BTreeMap<String, HashMap<String, u8>> = BTreeMap::new();
        for l in labels {
            for (q, p) in [(&l.a, &l.b), (&l.b, &l.a)] {
                let g = by_firm
                    .entry(q.clone())
                    .or_default()
                    .entry(p.clone())
                    .or_insert(l.grade);
                *g = (*g).max(l.grade);
            }
        }
        LabelSet { by_firm }
    }

    /// Firms with at least one label, in id order.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.by_firm.keys().map(String::as_str)
    }

    /// The grade of a pair, `None` when unlabelled.
    pub fn grade(&self, a: &str, b: &str) -> Option<u8> {
        self.by_firm.get(a)?.get(b).copied()
    }

    /// The labelled partners of a firm.
    pub fn partners(&self, firm: &str) -> Option<&HashMap<String, u8>> {
        self.by_firm.get(firm)
    }

    /// Distinct labelled pairs.
    pub fn pairs(&self) -> usize {
        self.by_firm.values().map(HashMap::len).sum::<usize>() / 2
    }

    /// Keeps only pairs whose both firms satisfy `keep` (e.g. firms present in the store).
    pub fn retain_firms(&mut self, keep: impl Fn(&str) -> bool) {
        self.by_firm.retain(|q, _| keep(q));
        for partners in self.by_firm.values_mut() {
            partners.retain(|p, _| keep(p));
        }
        self.by_firm.retain(|_, p| !p.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_and_pairs_are_undirected() {
        let text =
            "firm_a,firm_b,grade\nkopi-a,roaster-b,3\n\nroaster-b,kopi-a,1\nkopi-a,pouch-c,0\n";
        let labels = read_csv(text).unwrap();
        assert_eq!(labels.len(), 3);
        let set = LabelSet::new(&labels);
        // The higher grade of a pair named twice wins, in both directions.
        assert_eq!(set.grade("kopi-a", "roaster-b"), Some(3));
        assert_eq!(set.grade("roaster-b", "kopi-a"), Some(3));
        assert_eq!(set.grade("pouch-c", "kopi-a"), Some(0));
        assert_eq!(set.grade("pouch-c", "roaster-b"), None);
        assert_eq!(set.pairs(), 2);
        assert_eq!(
            set.queries().collect::<Vec<_>>(),
            ["kopi-a", "pouch-c", "roaster-b"]
        );
        assert_eq!(read_csv(&write_csv(&labels)).unwrap(), labels);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = read_csv("a,b,c\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = read_csv("firm_a,firm_b,grade\nx-1,x-2,2\nx-1,x-3,7\n").unwrap_err();
        assert_eq!((e.line, e.message.contains("grade 7")), (3, true));
        let e = read_csv("firm_a,firm_b,grade\nx-1,x-2,2\nx-1,x-3,high\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = read_csv("firm_a,firm_b,grade\nx-1,x-1,2\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = read_csv("firm_a,firm_b,grade\nX 1,x-2,2\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = read_csv("firm_a,firm_b,grade\nx-1,x-2\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(read_csv("").unwrap_err().line, 1);
    }

    #[test]
    fn json_reads_and_errors_name_the_index() {
        let labels = read_any(r#"[{"a":"x-1","b":"x-2","grade":2}]"#).unwrap();
        assert_eq!(labels[0].grade, 2);
        let e = read_json(r#"[{"a":"x-1","b":"x-2","grade":2},{"a":"x-1","b":"x-3","grade":-1}]"#)
            .unwrap_err();
        assert_eq!(e.line, 1);
        assert!(read_json("{}").is_err());
    }
}
