//! Every weight and threshold of the scoring model, in one serialisable value.

use crate::domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Relative weights of the components of a directed fit. Only their ratios matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({"supply": 0.0, "capacity": 1.0, "certification": 0.51, "sector": 0.02}))]
pub struct Weights {
    /// What the supplier makes against what the buyer needs (HS codes or names).
    #[schema(minimum = 0)]
    pub supply: f64,
    /// Supplier capacity against buyer volume.
    #[schema(minimum = 0)]
    pub capacity: f64,
    /// Certifications the buyer requires that the supplier holds.
    #[schema(minimum = 0)]
    pub certification: f64,
    /// How much the buyer's IO sector buys from the supplier's.
    #[schema(minimum = 0)]
    pub sector: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            supply: 0.0,
            capacity: 1.0,
            certification: 0.51,
            sector: 0.02,
        }
    }
}

/// Similarity of two items' concepts by the longest shared level of their subheadings. A
/// processing stage is another subheading of the same heading (green and roasted coffee,
/// cashews in shell and shelled): by default not supply of each other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HsLevels {
    #[schema(minimum = 0, maximum = 1)]
    pub subheading6: f64,
    #[schema(minimum = 0, maximum = 1)]
    pub heading4: f64,
    #[schema(minimum = 0, maximum = 1)]
    pub chapter2: f64,
}

impl Default for HsLevels {
    fn default() -> Self {
        HsLevels {
            subheading6: 1.0,
            heading4: 0.0,
            chapter2: 0.0,
        }
    }
}

/// The scoring model's parameters. `Default` is the config `mitra tune` found on the `hard`
/// benchmark's tuning seed (2 000 firms, seed 1; evaluated on other seeds), rounded; the
/// sector weight is kept as a small tie-break.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({
    "weights": {"supply": 0.0, "capacity": 1.0, "certification": 0.51, "sector": 0.02},
    "hs": {"subheading6": 1.0, "heading4": 0.0, "chapter2": 0.0},
    "hs_description_factor": 1.0, "name_when_hs_differs": 0.65, "text_only_factor": 0.97,
    "name_weight": 0.31, "min_item_similarity": 0.25, "capacity_neutral": 0.33,
    "capacity_zero_decades": 3.0, "capacity_shortfall": 0.4, "best_need_share": 1.0,
    "sector_saturation": 0.16, "two_way_bonus": 0.23
}))]
pub struct ScoringConfig {
    /// Relative weights of a directed fit's components; each absent weight keeps its default.
    // The defaults are published per field in `Weights` (the same values as
    // `Weights::default()`), not as an object on this property: generated clients
    // (openapi-python-client) drop a schema whose referenced property has an object default,
    // and with it every operation that reads or writes the config.
    #[schema(default)]
    pub weights: Weights,
    /// Scores of the HS levels; each absent level keeps its default.
    // As for `weights`: the defaults are `HsLevels`' own, field by field.
    #[schema(default)]
    pub hs: HsLevels,
    /// Trust in a concept read from the HS/BTKI wording alone (the glossary or a given code
    /// count in full).
    #[schema(minimum = 0, maximum = 1)]
    pub hs_description_factor: f64,
    /// When an item's HS code says something other than its name, the name's own reading
    /// still counts, scaled by this.
    #[schema(minimum = 0, maximum = 1)]
    pub name_when_hs_differs: f64,
    /// Two items that read as no HS concept match by their names' trigrams, scaled by this.
    #[schema(minimum = 0, maximum = 1)]
    pub text_only_factor: f64,
    /// Within one concept, the share of the item similarity that comes from how alike the two
    /// names are (trigram cosine); the rest from the concept alone.
    #[schema(minimum = 0, maximum = 1)]
    pub name_weight: f64,
    /// Below this similarity a product does not answer a need at all.
    #[schema(minimum = 0, maximum = 1)]
    pub min_item_similarity: f64,
    /// Capacity fit when capacity and volume cannot be compared (pcs against kg).
    #[schema(minimum = 0, maximum = 1)]
    pub capacity_neutral: f64,
    /// Capacity fit falls from 1 (capacity ≥ volume) to 0 when capacity is this many orders
    /// of magnitude below the volume (2: 1 % of the volume scores 0).
    #[schema(exclusive_minimum = 0)]
    pub capacity_zero_decades: f64,
    /// A capacity short of the volume loses this share of the capacity fit at once: the
    /// buyer needs a second supplier, however small the gap.
    #[schema(minimum = 0, maximum = 1)]
    pub capacity_shortfall: f64,
    /// Supply fit over several needs = this share × the best need + the rest × the mean.
    #[schema(minimum = 0, maximum = 1)]
    pub best_need_share: f64,
    /// Input coefficient at which the sector fit reaches 1 (it grows as a square root).
    #[schema(exclusive_minimum = 0)]
    pub sector_saturation: f64,
    /// Pair score = max(fits) + this × min(fits) × (1 − max(fits)): two-way trade counts.
    #[schema(minimum = 0, maximum = 1)]
    pub two_way_bonus: f64,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            weights: Weights::default(),
            hs: HsLevels::default(),
            hs_description_factor: 1.0,
            name_when_hs_differs: 0.65,
            text_only_factor: 0.97,
            name_weight: 0.31,
            min_item_similarity: 0.25,
            capacity_neutral: 0.33,
            capacity_zero_decades: 3.0,
            capacity_shortfall: 0.4,
            best_need_share: 1.0,
            sector_saturation: 0.16,
            two_way_bonus: 0.23,
        }
    }
}

impl ScoringConfig {
    /// Every invalid field, named by its path ("weights.supply").
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let w = &self.weights;
        let weights = [
            ("weights.supply", w.supply),
            ("weights.capacity", w.capacity),
            ("weights.certification", w.certification),
            ("weights.sector", w.sector),
        ];
        for (field, v) in weights {
            if !v.is_finite() {
                errs.push(FieldError::not_finite(field));
            } else if v < 0.0 {
                errs.push(FieldError::too_small(field, 0));
            }
        }
        let sum: f64 = weights.iter().map(|(_, v)| v).sum();
        if errs.is_empty() && sum <= 0.0 {
            errs.push(FieldError::coded(
                "weights",
                "all_zero",
                "at least one weight must be > 0",
            ));
        }
        let unit = [
            ("hs.subheading6", self.hs.subheading6),
            ("hs.heading4", self.hs.heading4),
            ("hs.chapter2", self.hs.chapter2),
            ("hs_description_factor", self.hs_description_factor),
            ("name_when_hs_differs", self.name_when_hs_differs),
            ("text_only_factor", self.text_only_factor),
            ("name_weight", self.name_weight),
            ("min_item_similarity", self.min_item_similarity),
            ("capacity_neutral", self.capacity_neutral),
            ("capacity_shortfall", self.capacity_shortfall),
            ("best_need_share", self.best_need_share),
            ("two_way_bonus", self.two_way_bonus),
        ];
        for (field, v) in unit {
            if !(0.0..=1.0).contains(&v) {
                errs.push(FieldError::out_of_range(field, 0, 1));
            }
        }
        for (field, v) in [
            ("capacity_zero_decades", self.capacity_zero_decades),
            ("sector_saturation", self.sector_saturation),
        ] {
            if !v.is_finite() {
                errs.push(FieldError::not_finite(field));
            } else if v <= 0.0 {
                errs.push(FieldError::not_positive(field));
            }
        }
        if self.hs.heading4 > self.hs.subheading6 || self.hs.chapter2 > self.hs.heading4 {
            errs.push(
                FieldError::coded(
                    "hs",
                    "not_descending",
                    "a closer HS match must not score less: subheading6 ≥ heading4 ≥ chapter2",
                )
                .with("order", "subheading6 ≥ heading4 ≥ chapter2"),
            );
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips() {
        let c = ScoringConfig::default();
        assert_eq!(c.validate(), Ok(()));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<ScoringConfig>(&json).unwrap(), c);
        // Missing fields take their defaults.
        let partial: ScoringConfig =
            serde_json::from_str(r#"{"weights": {"sector": 0.5}}"#).unwrap();
        assert_eq!(partial.weights.sector, 0.5);
        assert_eq!(partial.weights.capacity, Weights::default().capacity);
    }

    #[test]
    fn invalid_fields_are_named() {
        let mut c = ScoringConfig::default();
        c.weights.supply = -1.0;
        c.weights.sector = f64::NAN;
        c.capacity_neutral = 1.5;
        c.sector_saturation = 0.0;
        c.hs.heading4 = 1.0;
        c.hs.subheading6 = 0.9;
        let errors = c.validate().unwrap_err();
        let named: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("weights.supply", "too_small"),
                ("weights.sector", "not_finite"),
                ("capacity_neutral", "out_of_range"),
                ("sector_saturation", "not_positive"),
                ("hs", "not_descending")
            ]
        );
        assert_eq!(errors[0].params["min"], "0");
        assert_eq!(
            (&errors[2].params["min"], &errors[2].params["max"]),
            (&"0".to_string(), &"1".to_string())
        );
        let zero = ScoringConfig {
            weights: Weights {
                supply: 0.0,
                capacity: 0.0,
                certification: 0.0,
                sector: 0.0,
            },
            ..ScoringConfig::default()
        };
        let errors = zero.validate().unwrap_err();
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("weights", "all_zero")
        );
    }
}
