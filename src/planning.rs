//! Where the two cores meet: the matching engine's recommendations among a forum's
//! participants, as candidates for its timetable. Used by the HTTP layer and the CLI.

use crate::domain::event::Participant;
use crate::matching::{Lang, MatchQuery, Matcher, Scope};
use crate::schedule::forum::Recommendation;

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
    // The best partners among the participants, not the overall best filtered down to
    // them: a forum's pairs are often far down each other's overall ranking.
    let among = matcher.among(participants.iter().map(|p| &p.firm_id));
    let query = MatchQuery {
        k: per_firm,
        scope: Scope::Both,
        min_score,
        ..MatchQuery::default()
    };
    let mut out = Vec::new();
    for p in participants {
        let Some(mut kept) = matcher.matches_among(&p.firm_id, &query, &among) else {
            continue;
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{parsed_firms, GenConfig, NoiseProfile};
    use std::sync::Arc;

    fn participant(firm_id: &crate::domain::FirmId) -> Participant {
        Participant {
            firm_id: firm_id.clone(),
            unavailable_slots: Vec::new(),
            max_meetings: None,
            host: false,
            registered_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_forum_recommends_the_best_participants_even_far_down_the_overall_ranking() {
        let firms = parsed_firms(&GenConfig::for_profile(NoiseProfile::Hard, 3, 3000));
        let matcher = Matcher::build(Default::default(), firms.iter().cloned().map(Arc::new));
        let everyone = MatchQuery {
            k: 3000,
            scope: Scope::Both,
            ..MatchQuery::default()
        };
        // A firm with a long list of partners, and a forum of it and the partners ranked
        // 60th to 80th for it: none is in its overall top 50.
        let (host, ranking) = firms
            .iter()
            .map(|f| (f, matcher.matches_for_exhaustive(&f.id, &everyone).unwrap()))
            .find(|(_, ranking)| ranking.len() >= 120)
            .expect("a firm with many partners");
        let mut forum = vec![participant(&host.id)];
        forum.extend(ranking[60..80].iter().map(|m| participant(&m.partner.id)));

        let per_firm = 5;
        let found = recommendations(&matcher, &forum, per_firm, 0.0, Lang::En);
        let host_got: Vec<&str> = found
            .iter()
            .filter(|r| r.a == host.id.as_str())
            .map(|r| r.b.as_str())
            .collect();
        let best: Vec<&str> = ranking[60..65]
            .iter()
            .map(|m| m.partner.id.as_str())
            .collect();
        assert_eq!(host_got, best);

        // Every participant's recommendations are its best among the forum, by exhaustive
        // scoring.
        let ids: Vec<&str> = forum.iter().map(|p| p.firm_id.as_str()).collect();
        for p in &forum {
            let want: Vec<String> = matcher
                .matches_for_exhaustive(&p.firm_id, &everyone)
                .unwrap()
                .into_iter()
                .filter(|m| ids.contains(&m.partner.id.as_str()))
                .take(per_firm)
                .map(|m| m.partner.id.to_string())
                .collect();
            let got: Vec<String> = found
                .iter()
                .filter(|r| r.a == p.firm_id.as_str())
                .map(|r| r.b.clone())
                .collect();
            assert_eq!(got, want, "{}", p.firm_id);
        }
    }
}
