//! The firm registry: firms keyed by id, and one index tree per list filter (province,
//! kab/kota, KBLI subclass, certification) keyed `value\0id`. Every change to a firm and its
//! index entries happens in one sled transaction over all five trees.

use super::codec::{decode, encode, id_of_index_key, index_key, index_prefix};
use super::{Store, StoreError};
use crate::domain::{Certification, Firm, FirmId, FirmProfile, Province};
use chrono::{DateTime, Utc};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use sled::Transactional;
use std::ops::Bound;
use unicode_normalization::UnicodeNormalization;

/// Largest page a list request may ask for.
pub const MAX_PAGE_SIZE: usize = 500;

/// Filters of `GET /v1/firms`; all given filters must hold.
#[derive(Debug, Clone, Default)]
pub struct FirmFilter {
    pub province: Option<Province>,
    /// A KBLI code or prefix ("10", "107", "10761").
    pub kbli: Option<String>,
    /// Kemendagri code of a kab/kota ("52.03").
    pub regency: Option<String>,
    pub certification: Option<Certification>,
    /// Free text looked for in the firm's name and product names (case and accents ignored).
    pub q: Option<String>,
}

impl FirmFilter {
    fn matches(&self, firm: &Firm, folded_q: Option<&str>) -> bool {
        let p = &firm.profile;
        self.province.is_none_or(|v| p.province() == v)
            && self.regency.as_ref().is_none_or(|v| p.regency() == v)
            && self.certification.is_none_or(|c| p.has_certification(c))
            && self
                .kbli
                .as_ref()
                .is_none_or(|prefix| p.kbli().iter().any(|k| k.starts_with(prefix.as_str())))
            && folded_q.is_none_or(|q| {
                fold(p.name()).contains(q)
                    || p.products().iter().any(|x| fold(x.name()).contains(q))
            })
    }
}

/// Lower case with accents removed, for forgiving substring search.
fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One page of a list, in id order, and the cursor of the next page if there is one.
#[derive(Debug, Clone)]
pub struct FirmPage {
    pub firms: Vec<Firm>,
    pub next_cursor: Option<String>,
}

/// How an import treats ids that already exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Every id must be new; any existing one refuses the whole import.
    CreateOnly,
    /// Existing firms are replaced (version incremented, creation time kept).
    Upsert,
    /// Firms are written as given (version and timestamps included): restoring a backup.
    Restore,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
    /// Positions (in the imported list) of the firms that were new, and so got a token.
    pub created_rows: Vec<usize>,
    /// The firms as stored (updated ones with their new version), in import order.
    pub stored: Vec<Firm>,
}

/// sha256 of a firm's bearer token; the token itself is never stored.
pub type TokenHash = [u8; 32];

type Trees<'a> = (
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
);
type TxTrees = (
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
    TransactionalTree,
);
type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

/// The index entries of a firm, as (tree position in [`TxTrees`], key).
fn index_entries(firm: &Firm) -> Vec<(usize, Vec<u8>)> {
    let id = firm.id.as_str();
    let p = &firm.profile;
    let mut out = vec![
        (1, index_key(p.province().as_str(), id)),
        (2, index_key(p.regency(), id)),
    ];
    out.extend(p.kbli().iter().map(|k| (3, index_key(k, id))));
    out.extend(
        p.certifications()
            .iter()
            .map(|c| (4, index_key(c.as_str(), id))),
    );
    out
}

fn index_tree(tx: &TxTrees, position: usize) -> &TransactionalTree {
    match position {
        1 => &tx.1,
        2 => &tx.2,
        3 => &tx.3,
        _ => &tx.4,
    }
}

fn tx_put(tx: &TxTrees, firm: &Firm, encoded: &[u8]) -> TxResult<()> {
    tx.0.insert(firm.id.as_str().as_bytes(), encoded)?;
    for (tree, key) in index_entries(firm) {
        index_tree(tx, tree).insert(key, &[])?;
    }
    Ok(())
}

fn tx_drop_indexes(tx: &TxTrees, firm: &Firm) -> TxResult<()> {
    for (tree, key) in index_entries(firm) {
        index_tree(tx, tree).remove(key)?;
    }
    Ok(())
}

/// Makes `hash` the firm's only valid token.
fn tx_set_token(tx: &TxTrees, id: &str, hash: &TokenHash) -> TxResult<()> {
    tx_revoke_token(tx, id)?;
    tx.5.insert(&hash[..], id.as_bytes())?;
    tx.6.insert(id.as_bytes(), &hash[..])?;
    Ok(())
}

fn tx_revoke_token(tx: &TxTrees, id: &str) -> TxResult<()> {
    if let Some(old) = tx.6.remove(id.as_bytes())? {
        tx.5.remove(old)?;
    }
    Ok(())
}

fn tx_get(tx: &TxTrees, id: &str) -> TxResult<Option<Firm>> {
    match tx.0.get(id.as_bytes())? {
        Some(bytes) => decode(&bytes).map(Some).or_else(abort),
        None => Ok(None),
    }
}

fn check_version(id: &FirmId, expected: Option<u64>, current: u64) -> TxResult<()> {
    match expected {
        Some(expected) if expected != current => abort(StoreError::VersionMismatch {
            id: id.to_string(),
            expected,
            current,
        }),
        _ => Ok(()),
    }
}

impl Store {
    fn firm_trees(&self) -> Trees<'_> {
        (
            &self.firms,
            &self.firms_by_province,
            &self.firms_by_regency,
            &self.firms_by_kbli,
            &self.firms_by_certification,
            &self.firm_tokens,
            &self.token_of_firm,
        )
    }

    /// The firm a token belongs to, if any.
    pub fn firm_of_token(&self, hash: &TokenHash) -> Result<Option<FirmId>, StoreError> {
        match self.firm_tokens.get(&hash[..])? {
            Some(id) => {
                let id =
                    std::str::from_utf8(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                FirmId::parse(id).map(Some).map_err(StoreError::Corrupt)
            }
            None => Ok(None),
        }
    }

    /// Replaces a firm's token: the old one stops working at once.
    pub fn reissue_token(&self, id: &FirmId, hash: TokenHash) -> Result<(), StoreError> {
        let _gate = self.writing();
        self.firm_trees().transaction(|tx| {
            if tx.0.get(id.as_str().as_bytes())?.is_none() {
                return abort(StoreError::NotFound {
                    what: "firm",
                    id: id.to_string(),
                });
            }
            tx_set_token(tx, id.as_str(), &hash)
        })?;
        self.flush()
    }

    /// Every (firm id, token hash) pair, for backups.
    pub fn token_hashes(
        &self,
    ) -> impl Iterator<Item = Result<(String, TokenHash), StoreError>> + '_ {
        self.token_of_firm.iter().map(|entry| {
            let (id, hash) = entry?;
            let id =
                String::from_utf8(id.to_vec()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let hash: TokenHash = hash[..]
                .try_into()
                .map_err(|_| StoreError::Corrupt("token hash is not 32 bytes".into()))?;
            Ok((id, hash))
        })
    }

    pub fn get_firm(&self, id: &str) -> Result<Option<Firm>, StoreError> {
        self.firms
            .get(id.as_bytes())?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    pub fn count_firms(&self) -> usize {
        self.firms.len()
    }

    /// Stores a new firm at version 1 with its token. Fails if the id is taken.
    pub fn create_firm(
        &self,
        id: FirmId,
        profile: FirmProfile,
        token: TokenHash,
        now: DateTime<Utc>,
    ) -> Result<Firm, StoreError> {
        let _gate = self.writing();
        let firm = Firm {
            id,
            profile,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let encoded = encode(&firm);
        self.firm_trees().transaction(|tx| {
            if tx.0.get(firm.id.as_str().as_bytes())?.is_some() {
                return abort(StoreError::AlreadyExists {
                    what: "firm",
                    id: firm.id.to_string(),
                });
            }
            tx_put(tx, &firm, &encoded)?;
            tx_set_token(tx, firm.id.as_str(), &token)
        })?;
        self.flush()?;
        Ok(firm)
    }

    /// Replaces a firm's profile. With `expected_version`, refuses if the firm moved on.
    pub fn replace_firm(
        &self,
        id: &FirmId,
        profile: FirmProfile,
        expected_version: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<Firm, StoreError> {
        let _gate = self.writing();
        let firm = self.firm_trees().transaction(|tx| {
            let Some(old) = tx_get(tx, id.as_str())? else {
                return abort(StoreError::NotFound {
                    what: "firm",
                    id: id.to_string(),
                });
            };
            check_version(id, expected_version, old.version)?;
            let new = Firm {
                id: id.clone(),
                profile: profile.clone(),
                version: old.version + 1,
                created_at: old.created_at,
                updated_at: now,
            };
            tx_drop_indexes(tx, &old)?;
            tx_put(tx, &new, &encode(&new))?;
            Ok(new)
        })?;
        self.flush()?;
        Ok(firm)
    }

    /// Deletes a firm and its index entries; returns what was deleted.
    pub fn delete_firm(
        &self,
        id: &FirmId,
        expected_version: Option<u64>,
    ) -> Result<Firm, StoreError> {
        let _gate = self.writing();
        let firm = self.firm_trees().transaction(|tx| {
            let Some(old) = tx_get(tx, id.as_str())? else {
                return abort(StoreError::NotFound {
                    what: "firm",
                    id: id.to_string(),
                });
            };
            check_version(id, expected_version, old.version)?;
            tx_drop_indexes(tx, &old)?;
            tx_revoke_token(tx, id.as_str())?;
            tx.0.remove(id.as_str().as_bytes())?;
            Ok(old)
        })?;
        self.flush()?;
        Ok(firm)
    }

    /// Writes many firms in one transaction: either all are stored or none is. A new firm
    /// gets the token given with it; an updated one keeps its own.
    /// The caller guarantees ids are unique within `firms`.
    pub fn import_firms(
        &self,
        firms: Vec<(Firm, Option<TokenHash>)>,
        mode: ImportMode,
    ) -> Result<ImportOutcome, StoreError> {
        let _gate = self.writing();
        let outcome = self.firm_trees().transaction(|tx| {
            let mut outcome = ImportOutcome {
                stored: Vec::with_capacity(firms.len()),
                ..ImportOutcome::default()
            };
            let mut conflicts = Vec::new();
            for (row, (firm, token)) in firms.iter().enumerate() {
                let old = tx_get(tx, firm.id.as_str())?;
                let to_store = match (&old, mode) {
                    (Some(_), ImportMode::CreateOnly) => {
                        conflicts.push((row, firm.id.to_string()));
                        continue;
                    }
                    (Some(old), ImportMode::Upsert) => Firm {
                        version: old.version + 1,
                        created_at: old.created_at,
                        ..firm.clone()
                    },
                    _ => firm.clone(),
                };
                match &old {
                    Some(old) => {
                        tx_drop_indexes(tx, old)?;
                        outcome.updated += 1;
                    }
                    None => {
                        outcome.created += 1;
                        outcome.created_rows.push(row);
                        if let Some(token) = token {
                            tx_set_token(tx, firm.id.as_str(), token)?;
                        }
                    }
                }
                tx_put(tx, &to_store, &encode(&to_store))?;
                outcome.stored.push(to_store);
            }
            if !conflicts.is_empty() {
                return abort(StoreError::ImportConflicts(conflicts));
            }
            Ok(outcome)
        })?;
        self.flush()?;
        Ok(outcome)
    }

    /// Every firm, in id order.
    pub fn all_firms(&self) -> impl Iterator<Item = Result<Firm, StoreError>> + '_ {
        self.firms.iter().map(|entry| {
            let (_, bytes) = entry?;
            decode(&bytes)
        })
    }

    /// One page of firms matching `filter`, in id order, after `cursor` (the last id of the
    /// previous page). Stable under concurrent writes: a firm present for the whole walk
    /// is seen exactly once.
    pub fn list_firms(
        &self,
        filter: &FirmFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<FirmPage, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE);
        let folded_q = filter.q.as_deref().map(fold).filter(|q| !q.is_empty());
        let mut firms = Vec::with_capacity(limit + 1);

        // Drive the walk from the most selective index the filter allows.
        let driver: Option<(&sled::Tree, String)> = if let Some(r) = &filter.regency {
            Some((&self.firms_by_regency, r.clone()))
        } else if let Some(k) = filter.kbli.as_ref().filter(|k| k.len() == 5) {
            Some((&self.firms_by_kbli, k.clone()))
        } else if let Some(c) = filter.certification {
            Some((&self.firms_by_certification, c.as_str().to_string()))
        } else {
            filter
                .province
                .map(|p| (&self.firms_by_province, p.as_str().to_string()))
        };

        let mut push = |firm: Firm| -> bool {
            if filter.matches(&firm, folded_q.as_deref()) {
                firms.push(firm);
            }
            firms.len() > limit
        };
        match driver {
            Some((tree, value)) => {
                let prefix = index_prefix(&value);
                let start = match cursor {
                    Some(c) => Bound::Excluded(index_key(&value, c)),
                    None => Bound::Included(prefix.clone()),
                };
                for entry in tree.range((start, Bound::Unbounded)) {
                    let (key, _) = entry?;
                    if !key.starts_with(&prefix) {
                        break;
                    }
                    let Some(id) = id_of_index_key(&key) else {
                        continue;
                    };
                    // A firm deleted since the index was read is simply skipped.
                    if let Some(firm) = self.get_firm(id)? {
                        if push(firm) {
                            break;
                        }
                    }
                }
            }
            None => {
                let start = match cursor {
                    Some(c) => Bound::Excluded(c.as_bytes().to_vec()),
                    None => Bound::Unbounded,
                };
                for entry in self.firms.range((start, Bound::Unbounded)) {
                    let (_, bytes) = entry?;
                    if push(decode(&bytes)?) {
                        break;
                    }
                }
            }
        }

        let next_cursor = if firms.len() > limit {
            firms.truncate(limit);
            firms.last().map(|f| f.id.to_string())
        } else {
            None
        };
        Ok(FirmPage { firms, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FirmInput, Reference};

    fn profile(
        name: &str,
        province: &str,
        regency: &str,
        kbli: &str,
        certs: &[&str],
    ) -> FirmProfile {
        let input: FirmInput = serde_json::from_value(serde_json::json!({
            "name": name, "province": province, "regency": regency, "kbli": [kbli],
            "size": "small", "employees": 10,
            "certifications": certs,
            "products": [{"name": format!("{name} product"), "capacity": {"amount": 1, "unit": "kg", "per": "day"}}]
        }))
        .unwrap();
        input.parse(Reference::shared()).unwrap().1
    }

    fn id(s: &str) -> FirmId {
        FirmId::parse(s).unwrap()
    }

    #[test]
    fn indexes_and_tokens_follow_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        let coffee = profile("Kopi A", "NTB", "52.03", "10761", &["halal"]);
        let packaging = profile("Kemasan B", "JATIM", "35.15", "17021", &[]);
        store.create_firm(id("a"), coffee, [1; 32], now).unwrap();
        store.create_firm(id("b"), packaging, [2; 32], now).unwrap();
        let by = |f: FirmFilter| -> Vec<String> {
            let page = store.list_firms(&f, None, 10).unwrap();
            page.firms.into_iter().map(|f| f.id.to_string()).collect()
        };
        let halal = FirmFilter {
            certification: Some(Certification::Halal),
            ..Default::default()
        };
        assert_eq!(by(halal.clone()), ["a"]);
        // Replacing the profile moves the firm between index entries.
        let moved = profile("Kopi A", "NTB", "52.01", "10761", &[]);
        store.replace_firm(&id("a"), moved, Some(1), now).unwrap();
        assert!(by(halal).is_empty());
        let regency = FirmFilter {
            regency: Some("52.01".into()),
            ..Default::default()
        };
        assert_eq!(by(regency.clone()), ["a"]);
        assert_eq!(store.firm_of_token(&[1; 32]).unwrap(), Some(id("a")));
        store.delete_firm(&id("a"), None).unwrap();
        assert!(by(regency).is_empty());
        assert_eq!(store.firms_by_kbli.len(), 1);
        assert_eq!(store.firms_by_province.len(), 1);
        // Deleting a firm revokes its token.
        assert_eq!(store.firm_of_token(&[1; 32]).unwrap(), None);
        assert_eq!(store.firm_tokens.len(), 1);
    }

    #[test]
    fn stale_version_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        let p = profile("Kopi A", "NTB", "52.03", "10761", &[]);
        store.create_firm(id("a"), p.clone(), [1; 32], now).unwrap();
        store
            .replace_firm(&id("a"), p.clone(), Some(1), now)
            .unwrap();
        let err = store.replace_firm(&id("a"), p, Some(1), now).unwrap_err();
        assert!(matches!(
            err,
            StoreError::VersionMismatch { current: 2, .. }
        ));
        assert_eq!(store.get_firm("a").unwrap().unwrap().version, 2);
    }

    #[test]
    fn a_reissued_token_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let p = profile("Kopi A", "NTB", "52.03", "10761", &[]);
        store.create_firm(id("a"), p, [1; 32], Utc::now()).unwrap();
        store.reissue_token(&id("a"), [9; 32]).unwrap();
        assert_eq!(store.firm_of_token(&[1; 32]).unwrap(), None);
        assert_eq!(store.firm_of_token(&[9; 32]).unwrap(), Some(id("a")));
        assert!(matches!(
            store.reissue_token(&id("nobody"), [3; 32]),
            Err(StoreError::NotFound { .. })
        ));
    }

    #[test]
    fn import_with_one_conflict_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        let p = profile("Kopi A", "NTB", "52.03", "10761", &[]);
        store.create_firm(id("b"), p.clone(), [2; 32], now).unwrap();
        let firm = |s: &str| {
            let firm = Firm {
                id: id(s),
                profile: p.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            (firm, Some([s.as_bytes()[0]; 32]))
        };
        let err = store
            .import_firms(
                vec![firm("a"), firm("b"), firm("c")],
                ImportMode::CreateOnly,
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::ImportConflicts(ref c) if c == &[(1, "b".to_string())]));
        assert_eq!(store.count_firms(), 1);
        assert_eq!(store.firms_by_province.len(), 1);
        assert_eq!(store.firm_tokens.len(), 1);

        let outcome = store
            .import_firms(vec![firm("a"), firm("b")], ImportMode::Upsert)
            .unwrap();
        assert_eq!((outcome.created, outcome.updated), (1, 1));
        assert_eq!(outcome.created_rows, vec![0]);
        assert_eq!(outcome.stored[1].version, 2);
        assert_eq!(store.get_firm("b").unwrap().unwrap().version, 2);
        // The updated firm keeps its token; the new one has the imported one.
        assert_eq!(store.firm_of_token(&[2; 32]).unwrap(), Some(id("b")));
        assert_eq!(store.firm_of_token(&[b'a'; 32]).unwrap(), Some(id("a")));
    }
}
