//! What a forum meeting led to: held or not, each side's interest, and the deals or letters
//! of intent signed, with product, volume, value in rupiah and direction of trade.

use super::firm::FieldError;
use super::quantity::{Period, Rate, Unit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use utoipa::ToSchema;

/// Largest deal value accepted (Rp 10 trillion): far above any IKM contract.
pub const MAX_DEAL_IDR: u64 = 10_000_000_000_000;
pub const MAX_DEALS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Held,
    NoShow,
    Cancelled,
}

/// Which side of a meeting (`a` or `b` as in the timetable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    A,
    B,
    Both,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Interest {
    #[default]
    None,
    Low,
    High,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TradeDirection {
    NtbToJatim,
    JatimToNtb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealKind {
    /// A signed contract or purchase order.
    Deal,
    /// A letter of intent (LoI / MoU).
    LetterOfIntent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"kind": "deal", "product": "Kopi arabika sangrai", "volume": {"amount": 200.0, "unit": "kg", "per": "month"}, "value_idr": 36000000, "direction": "ntb_to_jatim"}))]
pub struct Deal {
    pub kind: DealKind,
    pub product: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<Rate>,
    /// Value in rupiah.
    pub value_idr: u64,
    pub direction: TradeDirection,
}

/// The recorded outcome of one meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    pub meeting_id: String,
    pub status: MeetingStatus,
    /// Who did not come, when `status` is `no_show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_show: Option<Side>,
    pub interest_a: Interest,
    pub interest_b: Interest,
    #[serde(default)]
    pub deals: Vec<Deal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// "organizer" or the id of the firm that recorded it.
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub version: u64,
    /// Set by an organizer: the firms can no longer change this outcome.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DealInput {
    /// deal (default) or letter_of_intent.
    pub kind: Option<String>,
    #[schema(required = true)]
    pub product: Option<String>,
    pub volume: Option<super::firm::RateInput>,
    #[schema(required = true)]
    pub value_idr: Option<i64>,
    /// ntb_to_jatim or jatim_to_ntb.
    #[schema(required = true)]
    pub direction: Option<String>,
}

/// An outcome as recorded by an organizer or one of the two firms.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "held", "interest_a": "high", "interest_b": "high",
    "deals": [{"kind": "deal", "product": "Kopi arabika sangrai", "volume": {"amount": 200, "unit": "kg", "per": "month"}, "value_idr": 36000000, "direction": "ntb_to_jatim"}],
    "notes": "Sampel dikirim minggu depan"}))]
pub struct OutcomeInput {
    /// held, no_show or cancelled.
    #[schema(required = true)]
    pub status: Option<String>,
    /// a, b or both: who did not come (with `no_show`).
    pub no_show: Option<String>,
    /// none, low or high.
    pub interest_a: Option<String>,
    pub interest_b: Option<String>,
    pub deals: Option<Vec<DealInput>>,
    pub notes: Option<String>,
    /// The version being replaced (409 when another change came first); 0 for a first
    /// record. Required from a firm, so one firm never overwrites the other's record
    /// unseen.
    pub version: Option<u64>,
    /// Organizers only: `true` locks the outcome against changes by the firms, `false`
    /// unlocks it; absent keeps it as it is.
    pub locked: Option<bool>,
}

fn pick<T: Copy>(
    errors: &mut Vec<FieldError>,
    field: &str,
    raw: Option<&str>,
    options: &[(&str, T)],
) -> Option<T> {
    let raw = raw?;
    let key = raw.trim().to_lowercase().replace(['-', ' '], "_");
    match options.iter().find(|(name, _)| *name == key) {
        Some((_, v)) => Some(*v),
        None => {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            errors.push(FieldError::not_one_of(field, raw, &names.join(", ")));
            None
        }
    }
}

impl OutcomeInput {
    pub fn parse(
        &self,
        meeting_id: &str,
        recorded_by: &str,
        now: DateTime<Utc>,
        version: u64,
    ) -> Result<Outcome, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.status.is_none() {
            errors.push(FieldError::required("status"));
        }
        let status = pick(
            &mut errors,
            "status",
            self.status.as_deref(),
            &[
                ("held", MeetingStatus::Held),
                ("no_show", MeetingStatus::NoShow),
                ("cancelled", MeetingStatus::Cancelled),
            ],
        );
        let no_show = pick(
            &mut errors,
            "no_show",
            self.no_show.as_deref(),
            &[("a", Side::A), ("b", Side::B), ("both", Side::Both)],
        );
        let levels = [
            ("none", Interest::None),
            ("low", Interest::Low),
            ("high", Interest::High),
        ];
        let interest_a = pick(
            &mut errors,
            "interest_a",
            self.interest_a.as_deref(),
            &levels,
        )
        .unwrap_or_default();
        let interest_b = pick(
            &mut errors,
            "interest_b",
            self.interest_b.as_deref(),
            &levels,
        )
        .unwrap_or_default();
        match (status, no_show) {
            (Some(MeetingStatus::NoShow), None) => errors.push(
                FieldError::coded(
                    "no_show",
                    "required",
                    "is required when status is no_show: a, b or both",
                )
                .with("status", "no_show")
                .with("allowed", "a, b, both"),
            ),
            (Some(MeetingStatus::Held | MeetingStatus::Cancelled), Some(_)) => {
                errors.push(FieldError::only_with_status("no_show", "no_show"))
            }
            _ => {}
        }
        let deals_in = self.deals.as_deref().unwrap_or_default();
        if !deals_in.is_empty() && status.is_some_and(|s| s != MeetingStatus::Held) {
            errors.push(
                FieldError::coded(
                    "deals",
                    "only_with_status",
                    "a meeting that was not held has no deals",
                )
                .with("status", "held"),
            );
        }
        if deals_in.len() > MAX_DEALS {
            errors.push(FieldError::too_many("deals", MAX_DEALS, "deals"));
        }
        let mut deals = Vec::new();
        for (i, d) in deals_in.iter().enumerate().take(MAX_DEALS) {
            let f = format!("deals[{i}]");
            let kind = pick(
                &mut errors,
                &format!("{f}.kind"),
                Some(d.kind.as_deref().unwrap_or("deal")),
                &[
                    ("deal", DealKind::Deal),
                    ("letter_of_intent", DealKind::LetterOfIntent),
                    ("loi", DealKind::LetterOfIntent),
                    ("mou", DealKind::LetterOfIntent),
                ],
            );
            let product = match d.product.as_deref().map(str::trim) {
                Some(p) if !p.is_empty() && p.chars().count() <= 200 => Some(p.to_string()),
                Some("") => {
                    errors.push(FieldError::empty(format!("{f}.product")));
                    None
                }
                Some(_) => {
                    errors.push(FieldError::too_long(format!("{f}.product"), 200));
                    None
                }
                None => {
                    errors.push(FieldError::required(format!("{f}.product")));
                    None
                }
            };
            let value = match d.value_idr {
                Some(v) if v > 0 && (v as u64) <= MAX_DEAL_IDR => Some(v as u64),
                Some(_) => {
                    errors.push(FieldError::out_of_range(
                        format!("{f}.value_idr"),
                        1,
                        MAX_DEAL_IDR,
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::required(format!("{f}.value_idr")));
                    None
                }
            };
            if d.direction.is_none() {
                errors.push(
                    FieldError::coded(
                        format!("{f}.direction"),
                        "required",
                        "is required: ntb_to_jatim or jatim_to_ntb",
                    )
                    .with("allowed", "ntb_to_jatim, jatim_to_ntb"),
                );
            }
            let direction = pick(
                &mut errors,
                &format!("{f}.direction"),
                d.direction.as_deref(),
                &[
                    ("ntb_to_jatim", TradeDirection::NtbToJatim),
                    ("jatim_to_ntb", TradeDirection::JatimToNtb),
                ],
            );
            let volume = match &d.volume {
                None => Some(None),
                Some(r) => {
                    let unit = r.unit.as_deref().map(Unit::from_str);
                    let per = r.per.as_deref().map(Period::from_str);
                    match (r.amount, unit, per) {
                        (Some(amount), Some(Ok(unit)), Some(Ok(per))) => {
                            match Rate::new(amount, unit, per) {
                                Ok(rate) => Some(Some(rate)),
                                Err(e) => {
                                    errors.push(super::firm::rate_error(
                                        format!("{f}.volume.amount"),
                                        amount,
                                        e,
                                    ));
                                    None
                                }
                            }
                        }
                        (_, Some(Err(e)), _) => {
                            errors.push(
                                FieldError::coded(format!("{f}.volume.unit"), "unknown_unit", e)
                                    .with("value", r.unit.as_deref().unwrap_or_default().trim()),
                            );
                            None
                        }
                        (_, _, Some(Err(e))) => {
                            errors.push(
                                FieldError::coded(format!("{f}.volume.per"), "unknown_period", e)
                                    .with("value", r.per.as_deref().unwrap_or_default().trim()),
                            );
                            None
                        }
                        _ => {
                            let missing: Vec<&str> = [
                                ("amount", r.amount.is_none()),
                                ("unit", r.unit.is_none()),
                                ("per", r.per.is_none()),
                            ]
                            .into_iter()
                            .filter_map(|(name, missing)| missing.then_some(name))
                            .collect();
                            errors.push(
                                FieldError::coded(
                                    format!("{f}.volume"),
                                    "incomplete",
                                    "needs amount, unit and per",
                                )
                                .with("missing", missing.join(", ")),
                            );
                            None
                        }
                    }
                }
            };
            if let (Some(kind), Some(product), Some(value_idr), Some(direction), Some(volume)) =
                (kind, product, value, direction, volume)
            {
                deals.push(Deal {
                    kind,
                    product,
                    volume,
                    value_idr,
                    direction,
                });
            }
        }
        let notes = match self.notes.as_deref().map(str::trim) {
            Some(n) if n.chars().count() > 2000 => {
                errors.push(FieldError::too_long("notes", 2000));
                None
            }
            Some(n) if !n.is_empty() => Some(n.to_string()),
            _ => None,
        };
        match status {
            Some(status) if errors.is_empty() => Ok(Outcome {
                meeting_id: meeting_id.to_string(),
                status,
                no_show,
                interest_a,
                interest_b,
                deals,
                notes,
                recorded_by: recorded_by.to_string(),
                recorded_at: now,
                version,
                locked: self.locked.unwrap_or(false),
            }),
            _ => Err(errors),
        }
    }
}

impl Outcome {
    /// The relevance grade of the pair for evaluating rankings: a deal or letter of intent
    /// is 3, high interest 2, low interest 1, a held meeting without interest 0; a meeting
    /// that did not happen says nothing.
    pub fn grade(&self) -> Option<u8> {
        if self.status != MeetingStatus::Held {
            return None;
        }
        if !self.deals.is_empty() {
            return Some(3);
        }
        Some(match self.interest_a.max(self.interest_b) {
            Interest::High => 2,
            Interest::Low => 1,
            Interest::None => 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: serde_json::Value) -> OutcomeInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_held_meeting_with_a_deal_grades_three() {
        let o = input(json!({"status": "held", "interest_a": "high",
            "deals": [{"product": "Kopi", "value_idr": 36000000, "direction": "ntb_to_jatim", "volume": {"amount": 200, "unit": "kg", "per": "bulan"}}]}))
        .parse("a~b", "organizer", Utc::now(), 1)
        .unwrap();
        assert_eq!(o.deals[0].kind, DealKind::Deal);
        assert_eq!(o.grade(), Some(3));
    }

    #[test]
    fn inconsistent_outcomes_name_their_fields() {
        let errors = input(json!({"status": "no_show", "interest_a": "maybe",
            "deals": [{"product": "", "value_idr": -5, "direction": "north"}]}))
        .parse("a~b", "organizer", Utc::now(), 1)
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "interest_a",
                "no_show",
                "deals",
                "deals[0].product",
                "deals[0].value_idr",
                "deals[0].direction"
            ]
        );
    }

    #[test]
    fn grades_follow_interest() {
        let parse = |v| input(v).parse("a~b", "x", Utc::now(), 1).unwrap().grade();
        assert_eq!(
            parse(json!({"status": "held", "interest_a": "low", "interest_b": "high"})),
            Some(2)
        );
        assert_eq!(parse(json!({"status": "held"})), Some(0));
        assert_eq!(parse(json!({"status": "no_show", "no_show": "b"})), None);
    }
}
