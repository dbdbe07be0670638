//! Invalid input, field by field: each [`FieldError`] names its field, a stable code with
//! parameters, and the reason in words.

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
    /// wording changes. `invalid` when nothing more precise applies.
    #[serde(default = "invalid_code")]
    pub code: String,
    /// The values the message speaks of, by name, as text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

fn invalid_code() -> String {
    "invalid".into()
}

impl FieldError {
    /// A problem with no more precise code than `invalid`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
            code: invalid_code(),
            params: BTreeMap::new(),
        }
    }

    /// A problem with its stable code.
    pub fn coded(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            code: code.into(),
            ..FieldError::new(field, message)
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
