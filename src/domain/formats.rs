//! Codes and contacts as people type them: HS codes ("0901.21"), Indonesian phone numbers,
//! email addresses.

use super::reference::Reference;

/// Parses an HS code as typed ("0901.21", "090121") and checks it exists in HS 2022.
pub fn parse_hs_code(raw: &str, reference: &Reference) -> Result<String, String> {
    check_hs_code(raw, reference).map_err(|(_, message)| message)
}

/// [`parse_hs_code`] with the error's code: `not_hs_code` (not 2, 4 or 6 digits) or
/// `not_in_hs2022`.
pub(crate) fn check_hs_code(
    raw: &str,
    reference: &Reference,
) -> Result<String, (&'static str, String)> {
    let code: String = raw.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    if !code.chars().all(|c| c.is_ascii_digit()) || ![2, 4, 6].contains(&code.len()) {
        return Err((
            "not_hs_code",
            format!("'{raw}' is not an HS code: use 2, 4 or 6 digits"),
        ));
    }
    reference
        .hs(&code)
        .map(|e| e.code.clone())
        .ok_or_else(|| ("not_in_hs2022", format!("'{raw}' is not in HS 2022")))
}

/// Normalises an Indonesian phone number to +62… form.
pub fn parse_phone(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    if !trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
        || trimmed.chars().skip(1).any(|c| c == '+')
    {
        return Err(format!("'{trimmed}' is not a phone number"));
    }
    let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else if trimmed.starts_with('+') {
        return Err("only Indonesian numbers (+62) are accepted".into());
    } else {
        digits
    };
    if !(7..=13).contains(&national.len()) || national.starts_with('0') {
        return Err(format!(
            "'{trimmed}' is not an Indonesian phone number (e.g. 0812-3456-7890 or +62 370 123456)"
        ));
    }
    Ok(format!("+62{national}"))
}

/// A deliberately plain check: one '@', a non-empty local part, a dotted domain, no spaces.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let e = raw.trim();
    let valid = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|part| {
                    !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '-')
                })
        });
    if valid {
        Ok(e.to_lowercase())
    } else {
        Err(format!("'{e}' is not an email address"))
    }
}
