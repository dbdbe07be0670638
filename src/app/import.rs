//! Importing many firms at once, all or nothing: every row validated, ids unique within
//! the file (generated where a row has none), a token for each new firm, stored in one
//! transaction, then the matcher brought up to date.

use super::csv_format::CsvRow;
use super::firms::IssuedToken;
use super::tokens::{hash_token, new_firm_id, new_firm_token};
use super::{AppError, Mitra};
use crate::domain::{FieldError, Firm, FirmInput, Reference};
use crate::store::ImportMode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"total": 2, "created": 1, "updated": 1, "ids": ["kopi-sembalun", "01jd3x9k2m4q7rt8vw"],
    "tokens": [{"firm_id": "01jd3x9k2m4q7rt8vw", "token": "mitra_firm_3f9c…"}]}))]
pub struct ImportReport {
    pub total: usize,
    pub created: usize,
    pub updated: usize,
    /// The id of every row, in the order of the rows (generated where a row had none).
    pub ids: Vec<String>,
    /// The bearer token of each new firm, shown only this once (updated firms keep theirs).
    pub tokens: Vec<IssuedToken>,
}

/// One row of an import, with the line the user sees in their file (CSV line, or 1-based
/// position in a JSON array) and the errors found while reading its cells.
pub struct ImportRow {
    pub line: u64,
    pub input: FirmInput,
    pub errors: Vec<FieldError>,
}

impl From<CsvRow> for ImportRow {
    fn from(r: CsvRow) -> Self {
        ImportRow {
            line: r.line,
            input: r.input,
            errors: r.errors,
        }
    }
}

/// The rows of a JSON array of profiles.
pub fn json_rows(inputs: Vec<FirmInput>) -> Vec<ImportRow> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| ImportRow {
            line: i as u64 + 1,
            input,
            errors: Vec::new(),
        })
        .collect()
}

/// Imports `rows`: with [`ImportMode::CreateOnly`], existing ids refuse the whole import
/// ([`AppError::ImportConflicts`] with their lines); with `Upsert` they are replaced.
pub fn import(
    app: &Mitra,
    rows: Vec<ImportRow>,
    mode: ImportMode,
) -> Result<ImportReport, AppError> {
    let (firms, lines) = validate_rows(rows, app.reference)?;
    let ids: Vec<String> = firms.iter().map(|f| f.id.to_string()).collect();
    let tokens: Vec<String> = firms.iter().map(|_| new_firm_token()).collect();
    let firms = firms
        .into_iter()
        .zip(&tokens)
        .map(|(firm, token)| (firm, Some(hash_token(token))))
        .collect();
    let outcome = app
        .store
        .import_firms(firms, mode)
        .map_err(|e| match AppError::from(e) {
            // The store counts rows from 0 in the list it was given; the user counts lines.
            AppError::ImportConflicts(rows) => AppError::ImportConflicts(
                rows.into_iter()
                    .map(|(row, id)| (lines[row as usize - 1], id))
                    .collect(),
            ),
            other => other,
        })?;
    app.firms_changed(&outcome.stored);
    Ok(ImportReport {
        total: outcome.created + outcome.updated,
        created: outcome.created,
        updated: outcome.updated,
        tokens: outcome
            .created_rows
            .iter()
            .map(|&row| IssuedToken {
                firm_id: ids[row].clone(),
                token: tokens[row].clone(),
            })
            .collect(),
        ids,
    })
}

/// Parses every row and checks ids are unique within the file; returns the firms to store
/// and the line of each, or every problem found.
pub fn validate_rows(
    rows: Vec<ImportRow>,
    reference: &Reference,
) -> Result<(Vec<Firm>, Vec<u64>), AppError> {
    if rows.is_empty() {
        return Err(AppError::invalid(FieldError::too_few("", 1, "firm")));
    }
    let now = chrono::Utc::now();
    let mut problems = Vec::new();
    let mut firms = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let mut errors = row.errors;
        match row.input.parse(reference) {
            Ok((id, profile)) if errors.is_empty() => {
                let id = id.unwrap_or_else(|| new_firm_id(now));
                if let Some(first) = seen.insert(id.to_string(), row.line) {
                    errors.push(
                        FieldError::coded(
                            "id",
                            "duplicate",
                            format!("'{id}' appears twice in this import (first on line {first})"),
                        )
                        .with("value", &id)
                        .with("line", first),
                    );
                } else {
                    firms.push(Firm {
                        id,
                        profile,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    });
                    lines.push(row.line);
                }
            }
            Ok(_) => {}
            // A cell that could not be read already has its error; skip follow-ups on it.
            Err(parse_errors) => {
                let unreadable: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                errors.extend(
                    parse_errors
                        .into_iter()
                        .filter(|e| !under_any(&unreadable, &e.field)),
                );
            }
        }
        problems.extend(errors.into_iter().map(|e| (row.line, e)));
    }
    if problems.is_empty() {
        Ok((firms, lines))
    } else {
        Err(AppError::InvalidRows(problems))
    }
}

fn under_any(fields: &[String], field: &str) -> bool {
    fields
        .iter()
        .any(|f| field == f || field.starts_with(&format!("{f}.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn row(line: u64, value: serde_json::Value) -> ImportRow {
        ImportRow {
            line,
            input: serde_json::from_value(value).unwrap(),
            errors: Vec::new(),
        }
    }

    fn firm(id: &str) -> serde_json::Value {
        serde_json::json!({"id": id, "name": "CV Contoh", "province": "NTB", "regency": "Lombok Timur",
                           "kbli": ["10761"], "size": "small", "employees": 3})
    }

    #[test]
    fn imports_all_or_nothing_with_lines_ids_and_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let app = Mitra::open(Store::open(dir.path()).unwrap()).unwrap();
        let mut unnamed = firm("x");
        unnamed.as_object_mut().unwrap().remove("id");
        let report = import(
            &app,
            vec![row(2, firm("satu")), row(3, unnamed)],
            ImportMode::CreateOnly,
        )
        .unwrap();
        assert_eq!((report.total, report.created, report.updated), (2, 2, 0));
        assert_eq!(report.ids[0], "satu");
        assert_eq!(report.tokens.len(), 2);
        assert!(app
            .matcher()
            .get(&crate::domain::FirmId::parse("satu").unwrap())
            .is_some());

        // Duplicates within the file and bad rows: every problem with its line, nothing stored.
        let mut bad = firm("tiga");
        bad["regency"] = "Denpasar".into();
        let err = import(
            &app,
            vec![row(2, firm("dua")), row(5, firm("dua")), row(6, bad)],
            ImportMode::Upsert,
        )
        .unwrap_err();
        let AppError::InvalidRows(problems) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            problems
                .iter()
                .map(|(l, e)| (*l, e.field.as_str()))
                .collect::<Vec<_>>(),
            [(5, "id"), (6, "regency")]
        );
        assert!(problems[0].1.message.contains("first on line 2"));
        assert!(app.store.get_firm("dua").unwrap().is_none());

        // Existing ids refuse a create-only import, naming the lines; upsert replaces them.
        let err = import(
            &app,
            vec![row(2, firm("baru")), row(3, firm("satu"))],
            ImportMode::CreateOnly,
        )
        .unwrap_err();
        assert!(
            matches!(err, AppError::ImportConflicts(ref rows) if rows == &[(3, "satu".to_string())]),
            "{err:?}"
        );
        let report = import(
            &app,
            vec![row(2, firm("baru")), row(3, firm("satu"))],
            ImportMode::Upsert,
        )
        .unwrap();
        assert_eq!((report.created, report.updated), (1, 1));
        assert_eq!(
            report
                .tokens
                .iter()
                .map(|t| t.firm_id.as_str())
                .collect::<Vec<_>>(),
            ["baru"]
        );
        assert!(matches!(
            import(&app, vec![], ImportMode::Upsert),
            Err(AppError::Invalid(_))
        ));
    }
}
