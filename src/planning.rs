//! Where the two cores meet: the matching engine's recommendations among a forum's
//! participants, as candidates for its timetable. Used by the HTTP layer and the CLI.

use crate::domain::event::Participant;
use crate::matching::{Lang, MatchQuery, Matcher, Scope};
use crate::schedule::forum::Recommendation;
use std::collections::HashSet;

/// Up to `per_firm` recommended partners for each participant, among the participants,
/// with the reasons in `lang` (they are stored with the timetable and printed on agendas).
pub fn recommendations(
    matcher: &Matcher,
    participants: &[Participant],
    per_firm: usize,
    min_score: f64,
    lang: Lang,
) -> Vec<Recommendation> {
    if per_firm == 0 {
        return Vec::new();
    }
    let present: HashSet<&str> = participants.iter().map(|p| p.firm_id.as_str()).collect();
    let query = MatchQuery {
        // Look further than needed: only partners at this forum count.
        k: (per_firm * 10).max(50),
        scope: Scope::Both,
        min_score,
        ..MatchQuery::default()
    };
    let mut out = Vec::new();
    for p in participants {
        let Some(found) = matcher.matches_for(&p.firm_id, &query) else {
            continue;
        };
        let mut kept: Vec<_> = found
            .into_iter()
            .filter(|m| present.contains(m.partner.id.as_str()))
            .take(per_firm)
            .collect();
        if lang != Lang::En {
            matcher.explain_in(&p.firm_id, &mut kept, query.direction, lang);
        }
        out.extend(kept.into_iter().map(|m| Recommendation {
            a: p.firm_id.to_string(),
            b: m.partner.id.to_string(),
            score: m.score,
            reasons: m.reasons,
        }));
    }
    out
}
