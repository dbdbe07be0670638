//! Quantities as firms state them in the field ("300 kg per month", "2 ton per week"),
//! with conversion within a physical dimension so capacities and needs can be compared.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// What a unit measures. Two quantities can only be compared within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    Mass,
    Volume,
    Count,
    Length,
    Area,
}

/// Units seen on IKM order sheets. Each converts to its dimension's base unit
/// (kg, liter, pcs, meter, m²).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Gram,
    Kg,
    /// 100 kg, the usual unit for rice, coffee and seaweed traders.
    Kuintal,
    Ton,
    Ml,
    Liter,
    Pcs,
    /// A dozen.
    Lusin,
    /// A score (20 pieces), common for cloth and sarongs.
    Kodi,
    Meter,
    M2,
}

impl Unit {
    pub const ALL: [Unit; 11] = [
        Unit::Gram,
        Unit::Kg,
        Unit::Kuintal,
        Unit::Ton,
        Unit::Ml,
        Unit::Liter,
        Unit::Pcs,
        Unit::Lusin,
        Unit::Kodi,
        Unit::Meter,
        Unit::M2,
    ];

    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Gram | Unit::Kg | Unit::Kuintal | Unit::Ton => Dimension::Mass,
            Unit::Ml | Unit::Liter => Dimension::Volume,
            Unit::Pcs | Unit::Lusin | Unit::Kodi => Dimension::Count,
            Unit::Meter => Dimension::Length,
            Unit::M2 => Dimension::Area,
        }
    }

    /// How many base units (kg, liter, pcs, meter, m²) one of this unit is.
    pub fn to_base(self) -> f64 {
        match self {
            Unit::Gram => 0.001,
            Unit::Kg => 1.0,
            Unit::Kuintal => 100.0,
            Unit::Ton => 1000.0,
            Unit::Ml => 0.001,
            Unit::Liter => 1.0,
            Unit::Pcs => 1.0,
            Unit::Lusin => 12.0,
            Unit::Kodi => 20.0,
            Unit::Meter => 1.0,
            Unit::M2 => 1.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Gram => "gram",
            Unit::Kg => "kg",
            Unit::Kuintal => "kuintal",
            Unit::Ton => "ton",
            Unit::Ml => "ml",
            Unit::Liter => "liter",
            Unit::Pcs => "pcs",
            Unit::Lusin => "lusin",
            Unit::Kodi => "kodi",
            Unit::Meter => "meter",
            Unit::M2 => "m2",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = String;

    /// Accepts the canonical names and the spellings organizers type
    /// ("Kg", "kilogram", "gr", "kwintal", "lt", "buah", "m²" …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unit = match s.trim().to_lowercase().as_str() {
            "g" | "gr" | "gram" => Unit::Gram,
            "kg" | "kilo" | "kilogram" => Unit::Kg,
            "kuintal" | "kwintal" | "ku" | "quintal" => Unit::Kuintal,
            "ton" | "t" | "tonne" => Unit::Ton,
            "ml" | "mililiter" | "milliliter" => Unit::Ml,
            "l" | "lt" | "liter" | "litre" => Unit::Liter,
            "pcs" | "pc" | "buah" | "unit" | "biji" | "piece" | "pieces" => Unit::Pcs,
            "lusin" | "dozen" => Unit::Lusin,
            "kodi" => Unit::Kodi,
            "m" | "meter" | "metre" => Unit::Meter,
            "m2" | "m²" | "meter persegi" => Unit::M2,
            other => {
                return Err(format!(
                    "unknown unit '{other}'; use one of: {}",
                    Unit::ALL.map(Unit::as_str).join(", ")
                ))
            }
        };
        Ok(unit)
    }
}

/// The time a rate refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::Year];

    /// How many of this period fit in an average month (365.25 / 12 days).
    pub fn per_month(self) -> f64 {
        match self {
            Period::Day => 365.25 / 12.0,
            Period::Week => 365.25 / 12.0 / 7.0,
            Period::Month => 1.0,
            Period::Year => 1.0 / 12.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let period = match s.trim().to_lowercase().as_str() {
            "day" | "hari" | "daily" | "d" => Period::Day,
            "week" | "minggu" | "pekan" | "weekly" | "w" => Period::Week,
            "month" | "bulan" | "monthly" | "m" => Period::Month,
            "year" | "tahun" | "yearly" | "annual" | "y" => Period::Year,
            other => {
                return Err(format!(
                    "unknown period '{other}'; use one of: day, week, month, year"
                ))
            }
        };
        Ok(period)
    }
}

/// Largest amount accepted: far above any IKM's output, low enough that
/// conversions (ton per day → kg per month) stay finite and exact enough.
pub const MAX_AMOUNT: f64 = 1e12;

/// A rate such as "300 kg per month". The amount is always finite and positive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "RawRate")]
#[schema(example = json!({"amount": 300.0, "unit": "kg", "per": "month"}))]
pub struct Rate {
    amount: f64,
    unit: Unit,
    per: Period,
}

impl Rate {
    pub fn new(amount: f64, unit: Unit, per: Period) -> Result<Self, String> {
        if !amount.is_finite() {
            return Err("must be a finite number".into());
        }
        if amount <= 0.0 {
            return Err("must be greater than 0".into());
        }
        if amount > MAX_AMOUNT {
            return Err(format!("must be at most {MAX_AMOUNT:e}"));
        }
        Ok(Rate { amount, unit, per })
    }

    pub fn amount(&self) -> f64 {
        self.amount
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }

    pub fn per(&self) -> Period {
        self.per
    }

    pub fn dimension(&self) -> Dimension {
        self.unit.dimension()
    }

    /// The rate in its dimension's base unit per average month.
    pub fn base_per_month(&self) -> f64 {
        self.amount * self.unit.to_base() * self.per.per_month()
    }

    /// `self / other` after conversion, or `None` when the dimensions differ
    /// (e.g. pcs against kg): such rates cannot be compared.
    pub fn ratio_to(&self, other: &Rate) -> Option<f64> {
        (self.dimension() == other.dimension())
            .then(|| self.base_per_month() / other.base_per_month())
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}/{}", Amount(self.amount), self.unit, self.per)
    }
}

/// The wire form of a rate before validation; deserialising a [`Rate`] goes through it,
/// so no stored or received rate can hold a zero, negative or non-finite amount.
#[derive(Deserialize)]
struct RawRate {
    amount: f64,
    unit: Unit,
    per: Period,
}

impl TryFrom<RawRate> for Rate {
    type Error = String;

    fn try_from(raw: RawRate) -> Result<Self, Self::Error> {
        Rate::new(raw.amount, raw.unit, raw.per).map_err(|e| format!("amount {e}"))
    }
}

/// Formats an amount without a trailing ".0" for whole numbers.
pub fn format_amount(amount: f64) -> String {
    Amount(amount).to_string()
}

/// An amount as [`format_amount`] writes it, formatted in place.
#[derive(Debug, Clone, Copy)]
pub struct Amount(pub f64);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unit() -> impl Strategy<Value = Unit> {
        proptest::sample::select(Unit::ALL.to_vec())
    }

    fn period() -> impl Strategy<Value = Period> {
        proptest::sample::select(Period::ALL.to_vec())
    }

    #[test]
    fn ton_per_month_is_a_thousand_kg_per_month() {
        let ton = Rate::new(2.0, Unit::Ton, Period::Month).unwrap();
        let kg = Rate::new(50.0, Unit::Kg, Period::Month).unwrap();
        assert_eq!(ton.ratio_to(&kg), Some(40.0));
    }

    #[test]
    fn weekly_converts_to_monthly() {
        let weekly = Rate::new(7.0, Unit::Kg, Period::Week).unwrap();
        let daily = Rate::new(1.0, Unit::Kg, Period::Day).unwrap();
        assert!((weekly.base_per_month() - daily.base_per_month()).abs() < 1e-9);
    }

    #[test]
    fn different_dimensions_do_not_compare() {
        let pcs = Rate::new(10.0, Unit::Pcs, Period::Day).unwrap();
        let kg = Rate::new(10.0, Unit::Kg, Period::Day).unwrap();
        assert_eq!(pcs.ratio_to(&kg), None);
    }

    #[test]
    fn rejects_non_positive_and_non_finite_amounts() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e13] {
            assert!(Rate::new(bad, Unit::Kg, Period::Day).is_err(), "{bad}");
        }
    }

    #[test]
    fn field_spellings_parse() {
        assert_eq!("Kwintal".parse::<Unit>(), Ok(Unit::Kuintal));
        assert_eq!("m²".parse::<Unit>(), Ok(Unit::M2));
        assert_eq!("bulan".parse::<Period>(), Ok(Period::Month));
        assert!("bushel".parse::<Unit>().unwrap_err().contains("kuintal"));
    }

    proptest! {
        #[test]
        fn conversion_is_linear_and_round_trips(
            amount in 0.001f64..1e9, a in unit(), b in unit(), pa in period(), pb in period()
        ) {
            let x = Rate::new(amount, a, pa).unwrap();
            // The same physical rate expressed in unit b, period pb.
            let in_b = x.base_per_month() / (b.to_base() * pb.per_month());
            match Rate::new(in_b, b, pb) {
                Ok(y) if a.dimension() == b.dimension() => {
                    let r = x.ratio_to(&y).unwrap();
                    prop_assert!((r - 1.0).abs() < 1e-9, "ratio {r}");
                    let back = y.ratio_to(&x).unwrap();
                    prop_assert!((r * back - 1.0).abs() < 1e-9);
                }
                Ok(y) => prop_assert_eq!(x.ratio_to(&y), None),
                // Out of the accepted range after conversion: nothing to compare.
                Err(_) => {}
            }
        }

        #[test]
        fn ratio_grows_with_amount(amount in 0.001f64..1e6, factor in 1.001f64..1000.0, u in unit(), p in period()) {
            let small = Rate::new(amount, u, p).unwrap();
            let big = Rate::new(amount * factor, u, p).unwrap();
            prop_assert!(big.ratio_to(&small).unwrap() > 1.0);
        }

        #[test]
        fn unit_names_round_trip(u in unit()) {
            prop_assert_eq!(u.as_str().parse::<Unit>(), Ok(u));
            let json = serde_json::to_string(&u).unwrap();
            prop_assert_eq!(json, format!("\"{}\"", u.as_str()));
        }
    }
}
