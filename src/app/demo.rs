//! Demo data in the store: NTB and Jatim firms from the generator ([`crate::gen`]), each
//! with its own token, so one can sign in as any of them.

use super::tokens::{hash_token, new_firm_token, write_private};
use crate::domain::{Firm, FirmInput, Reference};
use crate::store::{ImportMode, Store};
use std::path::{Path, PathBuf};

/// Where the demo firms' tokens are written, in the data folder.
pub const DEMO_TOKENS_FILE: &str = "demo-firm-tokens.csv";
/// Firms per transaction when loading demo data.
const DEMO_CHUNK: usize = 5_000;

/// Profiles checked against the reference tables, as firms at version 1 (demo and benchmark
/// data, which always carry ids).
pub fn firms_of(
    inputs: Vec<FirmInput>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<Firm>> {
    let reference = Reference::shared();
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
            let (id, profile) = input.parse(reference).map_err(|errors| {
                let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!("firm [{i}] is invalid: {}", list.join("; "))
            })?;
            Ok(Firm {
                id: id.ok_or_else(|| anyhow::anyhow!("firm [{i}] has no id"))?,
                profile,
                version: 1,
                created_at: now,
                updated_at: now,
            })
        })
        .collect()
}

/// What [`load`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    /// The store already held firms: nothing was loaded.
    Skipped { firms: usize },
    /// `firms` demo firms stored; their tokens are in `tokens`.
    Loaded { firms: usize, tokens: PathBuf },
}

/// Loads `count` demo firms of `seed` (the `realistic` profile) into an empty store, each
/// with a token; the tokens go to `<data dir>/demo-firm-tokens.csv` (`firm_id,token`,
/// readable only by the owner).
pub fn load(store: &Store, data_dir: &Path, seed: u64, count: usize) -> anyhow::Result<Loaded> {
    load_inputs(store, data_dir, seed, || crate::gen::demo(seed, count))
}

/// [`load`] with the firms `inputs` renders (called only when the store is empty).
pub fn load_inputs(
    store: &Store,
    data_dir: &Path,
    seed: u64,
    inputs: impl FnOnce() -> Vec<FirmInput>,
) -> anyhow::Result<Loaded> {
    if store.count_firms() > 0 {
        tracing::info!(
            firms = store.count_firms(),
            "store already holds firms; demo data not loaded"
        );
        return Ok(Loaded::Skipped {
            firms: store.count_firms(),
        });
    }
    let started = std::time::Instant::now();
    let firms = firms_of(inputs(), chrono::Utc::now())?;
    let mut tokens = String::from("firm_id,token\n");
    let mut with_tokens: Vec<_> = firms
        .into_iter()
        .map(|firm| {
            let token = new_firm_token();
            tokens.push_str(&format!("{},{token}\n", firm.id));
            (firm, Some(hash_token(&token)))
        })
        .collect();
    // Transactions of a few thousand firms keep memory flat for large demo sets; the store
    // was empty, so a load cut short is seen at the next start and simply not repeated.
    let mut created = 0;
    while !with_tokens.is_empty() {
        let rest = with_tokens.split_off(with_tokens.len().min(DEMO_CHUNK));
        created += store
            .import_firms(
                std::mem::replace(&mut with_tokens, rest),
                ImportMode::CreateOnly,
            )?
            .created;
    }
    let path = data_dir.join(DEMO_TOKENS_FILE);
    let _ = std::fs::remove_file(&path);
    write_private(&path, tokens.trim_end())?;
    tracing::info!(
        firms = created,
        seed,
        took_ms = started.elapsed().as_millis() as u64,
        tokens = %path.display(),
        "demo data loaded"
    );
    Ok(Loaded::Loaded {
        firms: created,
        tokens: path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_firms_load_once_with_a_token_each() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let loaded = load(&store, dir.path(), 7, 40).unwrap();
        let Loaded::Loaded { firms: 40, tokens } = loaded else {
            panic!("{loaded:?}")
        };
        let text = std::fs::read_to_string(&tokens).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows[0], "firm_id,token");
        assert_eq!(rows.len(), 41);
        let (id, token) = rows[1].split_once(',').unwrap();
        let owner = store.firm_of_token(&hash_token(token)).unwrap().unwrap();
        assert_eq!(owner.as_str(), id);
        // The same seed gives the same firms.
        let again = firms_of(crate::gen::demo(7, 40), chrono::Utc::now()).unwrap();
        assert_eq!(again[0].id.as_str(), id);
        assert_eq!(
            load(&store, dir.path(), 7, 40).unwrap(),
            Loaded::Skipped { firms: 40 }
        );
        assert_eq!(
            std::fs::read_to_string(&tokens).unwrap(),
            text,
            "tokens kept"
        );
    }
}
