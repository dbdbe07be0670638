//! The scoring config in force: stored with a version, read at start-up, replaced with an
//! optional expected version, applied to the matcher at once.

use super::{AppError, Mitra};
use crate::domain::FieldError;
use crate::matching::{Matcher, ScoringConfig};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The scoring config in force, with its version.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VersionedConfig {
    /// 0 for the built-in defaults; each accepted change adds 1.
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub config: ScoringConfig,
}

/// The store setting that holds the [`VersionedConfig`].
pub const SCORING_SETTING: &str = "scoring_config";

/// The stored config, or the defaults at version 0.
pub fn current(store: &Store) -> Result<VersionedConfig, AppError> {
    Ok(store
        .setting::<VersionedConfig>(SCORING_SETTING)?
        .unwrap_or_else(|| VersionedConfig {
            version: 0,
            updated_at: None,
            config: ScoringConfig::default(),
        }))
}

/// Validates and stores `config` as the next version (only over version `expected`, when
/// given: else [`AppError::VersionMismatch`]) and applies it to the matcher.
pub fn replace(
    app: &Mitra,
    config: ScoringConfig,
    expected: Option<u64>,
) -> Result<VersionedConfig, AppError> {
    config.validate()?;
    let next = config.clone();
    let stored = app
        .store
        .update_setting::<VersionedConfig, _>(SCORING_SETTING, |current| {
            let version = current.map_or(0, |c| c.version);
            if let Some(expected) = expected.filter(|&e| e != version) {
                return Err(StoreError::VersionMismatch {
                    id: SCORING_SETTING.into(),
                    expected,
                    current: version,
                });
            }
            Ok(VersionedConfig {
                version: version + 1,
                updated_at: Some(chrono::Utc::now()),
                config: next.clone(),
            })
        })?;
    app.set_scoring_config(config)?;
    Ok(stored)
}

/// A scoring config from a file (the body of `PUT /v1/scoring/config`), validated; the
/// default when no file is given.
pub fn read_config(path: Option<&std::path::Path>) -> Result<ScoringConfig, AppError> {
    let Some(path) = path else {
        return Ok(ScoringConfig::default());
    };
    let text = std::fs::read(path)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading {}: {e}", path.display())))?;
    let config: ScoringConfig = serde_json::from_slice(&text).map_err(|e| {
        AppError::invalid(FieldError::coded(
            path.display().to_string(),
            "not_scoring_config",
            format!("not a scoring config: {e}"),
        ))
    })?;
    config.validate()?;
    Ok(config)
}

/// The matcher over every stored firm, with the stored scoring config (or the defaults).
pub fn build_matcher(store: &Store) -> anyhow::Result<Matcher> {
    let started = std::time::Instant::now();
    let config = store
        .setting::<VersionedConfig>(SCORING_SETTING)?
        .map(|c| c.config)
        .unwrap_or_default();
    let firms = store
        .all_firms()
        .map(|f| f.map(std::sync::Arc::new))
        .collect::<Result<Vec<_>, _>>()?;
    let matcher = Matcher::build(config, firms);
    tracing::info!(
        firms = matcher.len(),
        took_ms = started.elapsed().as_millis() as u64,
        "matching index built"
    );
    Ok(matcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_config_is_versioned_stored_and_applied() {
        let dir = tempfile::tempdir().unwrap();
        let app = Mitra::open(Store::open(dir.path()).unwrap()).unwrap();
        assert_eq!(current(&app.store).unwrap().version, 0);
        let mut config = ScoringConfig::default();
        config.two_way_bonus /= 2.0;
        let stored = replace(&app, config.clone(), None).unwrap();
        assert_eq!(stored.version, 1);
        assert_eq!(app.matcher().config(), &config);
        let stale = replace(&app, config.clone(), Some(0)).unwrap_err();
        assert!(matches!(
            stale,
            AppError::VersionMismatch {
                expected: 0,
                current: 1,
                ..
            }
        ));
        assert_eq!(replace(&app, config.clone(), Some(1)).unwrap().version, 2);
        // Read again at the next start.
        drop(app);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(build_matcher(&store).unwrap().config(), &config);
        let mut bad = config;
        bad.two_way_bonus = 7.0;
        let app = Mitra::open(store).unwrap();
        assert!(matches!(
            replace(&app, bad, None),
            Err(AppError::Invalid(_))
        ));
        assert_eq!(current(&app.store).unwrap().version, 2);
    }
}
