//! What a query asks and what it answers: the direction of trade, the provinces in scope,
//! the query itself, and each ranked match with its partner, scores and reasons.

use crate::domain::{FirmId, Province};
use crate::matching::score::DirectedScore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which trade a query looks for, seen from the querying firm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Partners that can supply my needs.
    Supplies,
    /// Partners that buy what I make.
    Buys,
    /// Either, two-way trade counting extra.
    #[default]
    Both,
}

/// Where partners may come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The other province of the partnership (NTB ↔ Jatim): the forums' purpose.
    #[default]
    Other,
    Same,
    Both,
}

/// A top-k query.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({"k": 10, "direction": "both", "scope": "other", "min_score": 0.1}))]
pub struct MatchQuery {
    pub k: usize,
    pub direction: Direction,
    pub scope: Scope,
    /// Partners scoring below this are left out (a partner without product evidence
    /// scores 0 and is always left out).
    pub min_score: f64,
}

impl Default for MatchQuery {
    fn default() -> Self {
        MatchQuery {
            k: 10,
            direction: Direction::Both,
            scope: Scope::Other,
            min_score: 0.1,
        }
    }
}

/// Who a match is with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "kafe-nusantara", "name": "Kafe Nusantara", "province": "JATIM", "regency": "35.78"}))]
pub struct Partner {
    pub id: FirmId,
    pub name: String,
    pub province: Province,
    /// Kemendagri code of the kabupaten/kota.
    pub regency: String,
}

/// One recommended partner with its score, both directed fits and the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "partner": {"id": "kafe-nusantara", "name": "Kafe Nusantara", "province": "JATIM", "regency": "35.78"},
    "score": 0.87,
    "supplies": {"score": 0.12, "components": {"supply": 0.0, "capacity": 0.5, "certification": 1.0, "sector": 0.6}},
    "buys": {"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}},
    "reasons": ["CV Kopi Sembalun makes 'Kopi arabika sangrai' 300 kg/month; Kafe Nusantara needs 'roasted arabica coffee' 200 kg/month"]
}))]
pub struct Match {
    pub partner: Partner,
    /// The ranking score for the query's direction, in [0, 1], to four decimals. Partners
    /// with equal scores rank by id.
    pub score: f64,
    /// How well the partner supplies the querying firm.
    pub supplies: DirectedScore,
    /// How well the partner buys from (is supplied by) the querying firm.
    pub buys: DirectedScore,
    pub reasons: Vec<String>,
}
