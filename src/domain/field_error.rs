//! Invalid input, field by field: each [`FieldError`] names its field, a stable code with
//! parameters, and the reason in words.
//!
//! Every code is in [`CODES`]; the README's section on errors says what each means and which
//! params it carries, and the console words each one in Indonesian and English (a test
//! checks both).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

use super::firm::MAX_NAME_CHARS;

/// One invalid field of a request: a path such as `products[2].capacity.unit`, a stable
/// `code` saying what is wrong (`required`, `unknown_regency`, `not_in_hs2022`, …) with its
/// `params` (the value, the allowed range, …), and the reason in English words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"field": "products[0].capacity.unit", "code": "unknown_unit", "params": {"value": "bushel", "allowed": "gram, kg, kuintal, ton, ml, liter, pcs, lusin, kodi, meter, m2"}, "message": "unknown unit 'bushel'; use one of: gram, kg, kuintal, ton, ml, liter, pcs, lusin, kodi, meter, m2"}))]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// What is wrong, for programs (and the console's translations): stable across
    /// wording changes. The README lists the codes and their params.
    #[serde(default = "invalid_code")]
    pub code: String,
    /// The values the message speaks of, by name, as text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

/// Every code a [`FieldError`] may carry. A code keeps its meaning once published; a new
/// one goes here, in the README's list and in the console's words.
pub const CODES: &[&str] = &[
    "all_zero",
    "config_refused",
    "control_characters",
    "duplicate",
    "empty",
    "host_only",
    "id_mismatch",
    "id_taken",
    "incomplete",
    "invalid_id",
    "no_slots",
    "not_after",
    "not_cursor",
    "not_date",
    "not_date_time",
    "not_descending",
    "not_email",
    "not_etag",
    "not_finite",
    "not_found",
    "not_hs_code",
    "not_in_hs2022",
    "not_in_order",
    "not_integer",
    "not_kbli_prefix",
    "not_kbli_subclass",
    "not_one_of",
    "not_phone",
    "not_positive",
    "not_quantity",
    "not_scoring_config",
    "not_this_firms_token",
    "not_time",
    "not_whole_number",
    "only_with_status",
    "organizers_only",
    "other_side",
    "out_of_range",
    "overlapping_sessions",
    "required",
    "self_meeting",
    "too_few",
    "too_large",
    "too_long",
    "too_many",
    "too_many_hosts",
    "too_many_meetings",
    "too_many_slots",
    "too_small",
    "unknown_certification",
    "unknown_field",
    "unknown_kbli",
    "unknown_participant",
    "unknown_period",
    "unknown_province",
    "unknown_regency",
    "unknown_session",
    "unknown_size",
    "unknown_time_zone",
    "unknown_unit",
    "wrong_count",
    "wrong_type",
];

/// The code of a problem read back without one (written before problems had codes).
fn invalid_code() -> String {
    "invalid".into()
}

impl FieldError {
    /// A problem with its stable code (see the module's list).
    pub fn coded(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        debug_assert!(
            CODES.contains(&code),
            "'{code}' is not in FieldError's CODES"
        );
        FieldError {
            field: field.into(),
            message: message.into(),
            code: code.into(),
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter the message speaks of.
    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.params.insert(name.into(), value.to_string());
        self
    }

    pub fn required(field: impl Into<String>) -> Self {
        FieldError::coded(field, "required", "is required")
    }

    pub fn empty(field: impl Into<String>) -> Self {
        FieldError::coded(field, "empty", "must not be empty")
    }

    /// Text with a control character (CR, LF, tab, NUL…): refused everywhere, since such a
    /// text would add lines to an agenda's `.ics` or cells to a CSV.
    pub fn control_characters(field: impl Into<String>) -> Self {
        FieldError::coded(
            field,
            "control_characters",
            "must not contain control characters",
        )
    }

    pub fn too_long(field: impl Into<String>, max_chars: usize) -> Self {
        FieldError::coded(
            field,
            "too_long",
            format!("must be at most {max_chars} characters"),
        )
        .with("max", max_chars)
    }

    pub fn out_of_range(
        field: impl Into<String>,
        min: impl fmt::Display,
        max: impl fmt::Display,
    ) -> Self {
        FieldError::coded(
            field,
            "out_of_range",
            format!("must be between {min} and {max}"),
        )
        .with("min", min)
        .with("max", max)
    }

    /// A value that is not one of the `allowed` ones.
    pub fn not_one_of(field: impl Into<String>, value: &str, allowed: &str) -> Self {
        FieldError::coded(
            field,
            "not_one_of",
            format!("'{value}' is not one of {allowed}"),
        )
        .with("value", value)
        .with("allowed", allowed)
    }

    /// A list with more than `max` items.
    pub fn too_many(field: impl Into<String>, max: usize, what: &str) -> Self {
        FieldError::coded(field, "too_many", format!("must list at most {max} {what}"))
            .with("max", max)
    }

    /// A list with fewer than `min` items.
    pub fn too_few(field: impl Into<String>, min: usize, what: &str) -> Self {
        FieldError::coded(field, "too_few", format!("must list at least {min} {what}"))
            .with("min", min)
    }

    /// A number below `min` (with no upper bound worth naming).
    pub fn too_small(field: impl Into<String>, min: impl fmt::Display) -> Self {
        FieldError::coded(field, "too_small", format!("must be at least {min}")).with("min", min)
    }

    /// A number above `max` (with no lower bound worth naming).
    pub fn too_large(field: impl Into<String>, max: impl fmt::Display) -> Self {
        FieldError::coded(field, "too_large", format!("must be at most {max}")).with("max", max)
    }

    /// NaN or an infinity where a number is expected.
    pub fn not_finite(field: impl Into<String>) -> Self {
        FieldError::coded(field, "not_finite", "must be a finite number")
    }

    /// Zero or less where only more than zero makes sense.
    pub fn not_positive(field: impl Into<String>) -> Self {
        FieldError::coded(field, "not_positive", "must be greater than 0")
    }

    /// A `value` that a list holds twice; the caller adds where it came first (`line`,
    /// `other`) when it knows.
    pub fn duplicate(field: impl Into<String>, value: impl fmt::Display) -> Self {
        let value = value.to_string();
        FieldError::coded(field, "duplicate", format!("'{value}' is listed twice"))
            .with("value", value)
    }

    /// A field that may be given only when `status` is the one named.
    pub fn only_with_status(field: impl Into<String>, status: &str) -> Self {
        FieldError::coded(
            field,
            "only_with_status",
            format!("only goes with status {status}"),
        )
        .with("status", status)
    }

    /// A value of the wrong JSON type or shape, in the words of the parser. A missing field
    /// ("missing field `name`") is `required` on that field, like a null one.
    pub fn unreadable(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name.to_string());
        match missing {
            Some(name) if field.is_empty() => FieldError::required(name),
            Some(name) => FieldError::required(format!("{field}.{name}")),
            None => {
                let expected = message
                    .rsplit_once(", expected ")
                    .map(|(_, e)| e.trim_end_matches('.').to_string());
                let error = FieldError::coded(field, "wrong_type", message);
                match expected {
                    Some(e) => error.with("expected", e),
                    None => error,
                }
            }
        }
    }

    /// The same problem one level down: `prefix.field` (or `prefix` for a whole-body
    /// problem), code and parameters kept.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Collects field errors while a parse goes on, so a client sees all of them at once.
pub(crate) struct FieldErrors(pub(crate) Vec<FieldError>);

impl FieldErrors {
    pub(crate) fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub(crate) fn required<'a, T>(&mut self, field: &str, value: &'a Option<T>) -> Option<&'a T> {
        if value.is_none() {
            self.push(FieldError::required(field));
        }
        value.as_ref()
    }

    pub(crate) fn text(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        let v = self.required(field, value)?;
        self.check_text(field, v)
    }

    pub(crate) fn check_text(&mut self, field: &str, value: &str) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            self.push(FieldError::empty(field));
            None
        } else if v.chars().count() > MAX_NAME_CHARS {
            self.push(FieldError::too_long(field, MAX_NAME_CHARS));
            None
        } else if v.chars().any(|c| c.is_control()) {
            self.push(FieldError::control_characters(field));
            None
        } else {
            Some(v.to_string())
        }
    }

    /// `value` read as a `T`; when it is not one, the error `code` with the value.
    pub(crate) fn parsed<T: FromStr<Err = String>>(
        &mut self,
        field: &str,
        value: &str,
        code: &str,
    ) -> Option<T> {
        value
            .parse()
            .map_err(|e: String| {
                self.push(FieldError::coded(field, code, e).with("value", value.trim()))
            })
            .ok()
    }
}

#[cfg(test)]
mod tests;
