//! Bearer tokens: firm tokens (issued at registration, stored only as sha256 hashes), the
//! organizer tokens in force (flag, file, or one generated into the data folder), and
//! private files to keep them in.

use crate::domain::FirmId;
use crate::store::TokenHash;
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Prefix of firm tokens, so a leaked one is recognisable (e.g. by secret scanners).
pub const FIRM_TOKEN_PREFIX: &str = "mitra_firm_";
/// Prefix of a generated organizer token.
const ORGANIZER_TOKEN_PREFIX: &str = "mitra_org_";
/// The data folder's own organizer token, generated on first start when none is configured.
pub const ORGANIZER_TOKEN_FILE: &str = "organizer-token";

pub fn hash_token(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A new firm token: 32 random bytes, hex, with a recognisable prefix.
pub fn new_firm_token() -> String {
    format!("{FIRM_TOKEN_PREFIX}{}", random_hex(32))
}

/// A time-ordered id for a firm registered without a slug.
pub fn new_firm_id(now: chrono::DateTime<chrono::Utc>) -> FirmId {
    FirmId::generate(now.timestamp_millis().max(0) as u64, rand::random())
}

/// The organizer tokens from the flag/env, the tokens file (one per line, `#` starts a
/// comment), or else the data folder's own generated token: read if kept there, created
/// on first start (readable only by its owner).
pub fn organizer_tokens(
    given: Vec<String>,
    file: Option<&Path>,
    data_dir: &Path,
) -> anyhow::Result<Vec<String>> {
    let mut tokens: Vec<String> = given
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading organizer tokens from {}", path.display()))?;
        tokens.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    if !tokens.is_empty() {
        return Ok(tokens);
    }
    let path = data_dir.join(ORGANIZER_TOKEN_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let token = existing.trim().to_string();
        if !token.is_empty() {
            tracing::info!(file = %path.display(), "using the organizer token kept in the data folder");
            return Ok(vec![token]);
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let token = format!("{ORGANIZER_TOKEN_PREFIX}{}", random_hex(24));
    // An empty file left by a crash is replaced.
    let _ = std::fs::remove_file(&path);
    write_private(&path, &token)?;
    tracing::warn!(
        file = %path.display(),
        "no organizer token configured: generated one; set MITRA_ORGANIZER_TOKENS in production"
    );
    Ok(vec![token])
}

/// Shortest organizer token accepted: an organizer token opens everything, so it must not
/// be guessable (a generated one has 58 characters).
pub const MIN_ORGANIZER_TOKEN_LEN: usize = 32;

/// Refuses (at start-up) organizer tokens shorter than [`MIN_ORGANIZER_TOKEN_LEN`],
/// naming their position in the list, never the token.
pub fn check_organizer_tokens(tokens: &[String]) -> anyhow::Result<()> {
    let short: Vec<String> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.chars().count() < MIN_ORGANIZER_TOKEN_LEN)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !short.is_empty() {
        anyhow::bail!(
            "organizer token(s) number {} are too short: each must have at least \
             {MIN_ORGANIZER_TOKEN_LEN} characters (e.g. `openssl rand -hex 24`)",
            short.join(", ")
        );
    }
    Ok(())
}

/// Writes a new file readable only by its owner (a file already there is an error).
pub fn write_private(path: &Path, content: &str) -> anyhow::Result<PathBuf> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(content.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    Ok(path.to_path_buf())
}

/// The rows of a token sheet (firm id, name, token) for tokens handed back by a client: each
/// must be the firm's current token, so a sheet never hands out a wrong one. Every bad
/// entry is named (`[3].token`).
pub fn token_rows(
    store: &crate::store::Store,
    tokens: &[super::firms::IssuedToken],
) -> Result<Vec<(String, String, String)>, super::AppError> {
    use crate::domain::FieldError;
    let mut rows = Vec::with_capacity(tokens.len());
    let mut errors = Vec::new();
    for (i, issued) in tokens.iter().enumerate() {
        let Some(firm) = store.get_firm(&issued.firm_id)? else {
            errors.push(
                FieldError::coded(
                    format!("[{i}].firm_id"),
                    "not_found",
                    format!("firm '{}' does not exist", issued.firm_id),
                )
                .with("value", issued.firm_id.clone()),
            );
            continue;
        };
        if store.firm_of_token(&hash_token(&issued.token))?.as_ref() != Some(&firm.id) {
            errors.push(FieldError::coded(
                format!("[{i}].token"),
                "not_this_firms_token",
                format!("this is not the current token of firm '{}'", firm.id),
            ));
            continue;
        }
        rows.push((
            firm.id.to_string(),
            firm.profile.name().to_string(),
            issued.token.clone(),
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(super::AppError::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_organizer_tokens_are_refused_without_being_shown() {
        let long = "x".repeat(MIN_ORGANIZER_TOKEN_LEN);
        assert!(check_organizer_tokens(std::slice::from_ref(&long)).is_ok());
        let err = check_organizer_tokens(&[long, "secret-but-short".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("number 2"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        let generated =
            organizer_tokens(vec![], None, tempfile::tempdir().unwrap().path()).unwrap();
        assert!(check_organizer_tokens(&generated).is_ok());
    }

    #[test]
    fn firm_tokens_are_random_prefixed_and_hashed() {
        let (a, b) = (new_firm_token(), new_firm_token());
        assert_ne!(a, b);
        assert!(a.starts_with("mitra_firm_") && a.len() == 11 + 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn given_tokens_and_the_tokens_file_come_first() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens");
        std::fs::write(&file, "# rotation\nnew-token  # since May\n\nold-token\n").unwrap();
        let tokens =
            organizer_tokens(vec![" given ".into(), "".into()], Some(&file), dir.path()).unwrap();
        assert_eq!(tokens, ["given", "new-token", "old-token"]);
        assert!(!dir.path().join(ORGANIZER_TOKEN_FILE).exists());
        let missing = organizer_tokens(vec![], Some(&dir.path().join("nope")), dir.path());
        assert!(missing.unwrap_err().to_string().contains("nope"));
    }

    #[test]
    fn without_tokens_one_is_generated_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = organizer_tokens(vec![], None, &data).unwrap();
        assert_eq!(first.len(), 1);
        assert!(first[0].starts_with("mitra_org_") && first[0].len() == 10 + 48);
        let kept = data.join(ORGANIZER_TOKEN_FILE);
        assert_eq!(std::fs::read_to_string(&kept).unwrap().trim(), first[0]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(organizer_tokens(vec![], None, &data).unwrap(), first);
        // An empty kept file (a crash while writing it) gives a new token.
        std::fs::write(&kept, "").unwrap();
        let again = organizer_tokens(vec![], None, &data).unwrap();
        assert_ne!(again, first);
        assert!(write_private(&kept, "x").is_err(), "never overwrites");
    }
}
