//! The matching core: which NTB and Jatim firms should meet, and why.
//!
//! Pure and deterministic: no HTTP, no storage, no clock, no global mutable state; the only
//! tables it reads (glossary, product subheadings, HS and BTKI wording, IO coefficients,
//! KBLI crosswalk) are compiled in. Owns text normalisation and typo correction ([`text`]),
//! reading names as HS-6 concepts ([`concept`]), IO sector links ([`sector`]), the scoring
//! model ([`score`], parameters in [`config`]), the candidate index by concept
//! ([`postings`]), the pruned top-k search over what it finds ([`topk`]) and ranking
//! ([`rank`], through [`Matcher`]). Benchmark firms come from
//! [`crate::gen`].

use crate::domain;

pub mod concept;
pub mod config;
pub mod postings;
pub mod rank;
pub mod score;
pub mod sector;
pub mod text;
pub mod topk;

pub use config::{HsLevels, ScoringConfig, Weights};
pub use rank::{
    recall, Among, Direction, Match, MatchQuery, Matcher, MatcherStats, Partner, Scope,
};
pub use score::{score_profiles, Components, DirectedScore, Lang, PairScore};

impl Matcher {
    /// Rewrites the reasons of `me`'s ranked matches in `lang`. Ranking writes them in
    /// English; only the few shown are explained again, so ranking stays language-free.
    pub fn explain_in(
        &self,
        me: &domain::FirmId,
        matches: &mut [Match],
        direction: Direction,
        lang: Lang,
    ) {
        // The features analysed when the firms were stored: no text is analysed again.
        let Some((firm, fm)) = self.analysed(me) else {
            return;
        };
        for m in matches.iter_mut() {
            if let Some((partner, fp)) = self.analysed(&m.partner.id) {
                let (_, _, reasons) = score::explain_match(
                    &firm.profile,
                    fm,
                    &partner.profile,
                    fp,
                    direction,
                    self.config(),
                    lang,
                );
                m.reasons = reasons;
            }
        }
    }
}

#[cfg(test)]
mod tests;
