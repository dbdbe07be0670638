//! Partner recommendations as both the API and `mitra rank` give them: each match with the
//! direction its trade goes, chosen here once.

use super::{AppError, Mitra};
use crate::domain::FirmId;
use crate::matching::{Components, DirectedScore, Direction, Lang, Match, MatchQuery, Partner};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which way the trade of a match goes, seen from the querying firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = MatchDirection)]
pub enum TradeDirection {
    /// The partner supplies the querying firm.
    Supplies,
    /// The partner buys from the querying firm.
    Buys,
    /// Both ways.
    Both,
}

/// One recommended partner: the score, the direction of trade, the components of the
/// deciding direction, both directed fits, and the reasons in words.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "partner": {"id": "kafe-nusantara", "name": "Kafe Nusantara", "province": "JATIM", "regency": "35.78"},
    "score": 0.87,
    "direction": "buys",
    "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41},
    "supplies": {"score": 0.12, "components": {"supply": 0.0, "capacity": 0.5, "certification": 1.0, "sector": 0.6}},
    "buys": {"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}},
    "reasons": ["CV Kopi Sembalun makes 'Kopi arabika sangrai' 300 kg/month; Kafe Nusantara needs 'roasted arabica coffee' 200 kg/month"]
}))]
pub struct MatchView {
    pub partner: Partner,
    pub score: f64,
    pub direction: TradeDirection,
    pub components: Components,
    pub supplies: DirectedScore,
    pub buys: DirectedScore,
    pub reasons: Vec<String>,
}

impl MatchView {
    /// The match as shown, for a query in direction `query`: asked one way, the trade goes
    /// that way; asked both ways, both when the weaker fit is still at least half the
    /// stronger, else the stronger way.
    pub fn new(m: Match, query: Direction) -> MatchView {
        let (s, b) = (m.supplies.score, m.buys.score);
        let direction = match query {
            Direction::Supplies => TradeDirection::Supplies,
            Direction::Buys => TradeDirection::Buys,
            Direction::Both if s.min(b) >= 0.5 * s.max(b) && s.min(b) > 0.0 => TradeDirection::Both,
            Direction::Both if s >= b => TradeDirection::Supplies,
            Direction::Both => TradeDirection::Buys,
        };
        let components = if s >= b || direction == TradeDirection::Supplies {
            m.supplies.components
        } else {
            m.buys.components
        };
        MatchView {
            partner: m.partner,
            score: m.score,
            direction,
            components,
            supplies: m.supplies,
            buys: m.buys,
            reasons: m.reasons,
        }
    }
}

/// A firm's recommended partners, best first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FirmMatches {
    pub firm_id: String,
    pub matches: Vec<MatchView>,
}

impl FirmMatches {
    pub fn new(firm_id: &FirmId, matches: Vec<Match>, query: Direction) -> FirmMatches {
        FirmMatches {
            firm_id: firm_id.to_string(),
            matches: matches
                .into_iter()
                .map(|m| MatchView::new(m, query))
                .collect(),
        }
    }
}

/// The partners of one firm, with reasons in `lang`.
pub fn of_firm(
    app: &Mitra,
    id: &FirmId,
    query: &MatchQuery,
    lang: Lang,
) -> Result<FirmMatches, AppError> {
    let started = std::time::Instant::now();
    let matcher = app.matcher();
    let mut matches = matcher
        .matches_for(id, query)
        .ok_or_else(|| AppError::not_found("firm", id))?;
    if lang != Lang::En {
        matcher.explain_in(id, &mut matches, query.direction, lang);
    }
    drop(matcher);
    app.observer().ranked("one_firm", started.elapsed());
    Ok(FirmMatches::new(id, matches, query.direction))
}

/// Every firm's partners, ranked in parallel (run it in the ranking pool).
pub struct Ranked {
    pub lists: Vec<FirmMatches>,
    /// Candidate pairs this ranking scored.
    pub pairs_scored: u64,
    pub elapsed: std::time::Duration,
}

/// Ranks every firm with `progress` told of each finished firm, on a snapshot of the
/// matcher ([`Mitra::snapshot`]): the firms and scoring config in force when it starts,
/// with no lock held, so queries and firm writes never wait for a batch (which takes
/// seconds). The index is not copied unless a firm write or config change comes before
/// the batch ends; then that write copies it once and the batch finishes on the old one.
pub fn rank_all(app: &Mitra, query: &MatchQuery, progress: &(dyn Fn(usize) + Sync)) -> Ranked {
    let started = std::time::Instant::now();
    let matcher = app.snapshot();
    let (ranked, pairs_scored) = matcher.rank_all_with_progress(query, progress);
    drop(matcher);
    let elapsed = started.elapsed();
    app.observer().ranked("batch", elapsed);
    Ranked {
        lists: ranked
            .into_iter()
            .map(|(id, matches)| FirmMatches::new(&id, matches, query.direction))
            .collect(),
        pairs_scored,
        elapsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch over `app`'s firms, held after its first firm until the returned sender
    /// lets it go (or is dropped).
    fn held_batch(
        app: &std::sync::Arc<Mitra>,
    ) -> (std::thread::JoinHandle<Ranked>, std::sync::mpsc::Sender<()>) {
        use std::sync::{atomic, mpsc, Mutex};
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release_rx = Mutex::new(release_rx);
        let held = atomic::AtomicBool::new(false);
        let app = app.clone();
        let batch = std::thread::spawn(move || {
            rank_all(&app, &MatchQuery::default(), &|_| {
                if !held.swap(true, atomic::Ordering::SeqCst) {
                    started_tx.send(()).unwrap();
                    let _ = release_rx.lock().unwrap().recv();
                }
            })
        });
        started_rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap();
        (batch, release_tx)
    }

    fn demo_app(firms: usize) -> (tempfile::TempDir, std::sync::Arc<Mitra>) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        crate::app::demo::load(&store, dir.path(), 7, firms).unwrap();
        (dir, std::sync::Arc::new(Mitra::open(store).unwrap()))
    }

    #[test]
    fn a_held_batch_stalls_neither_queries_nor_firm_writes() {
        use std::sync::mpsc;
        use std::time::Duration;
        let (_dir, app) = demo_app(40);
        let (batch, release) = held_batch(&app);
        let mut firm = app.store.all_firms().next().unwrap().unwrap();
        let id = firm.id.clone();
        firm.version += 1;
        let (done_tx, done_rx) = mpsc::channel::<&'static str>();
        let writer = {
            let (app, done) = (app.clone(), done_tx.clone());
            std::thread::spawn(move || {
                app.firms_changed(&[firm]);
                done.send("write").unwrap();
            })
        };
        // A query that comes while the write waits (if it waited) answers too.
        std::thread::sleep(Duration::from_millis(100));
        let reader = {
            let (app, done, id) = (app.clone(), done_tx.clone(), id.clone());
            std::thread::spawn(move || {
                of_firm(&app, &id, &MatchQuery::default(), Lang::En).unwrap();
                done.send("query").unwrap();
            })
        };
        let mut finished = vec![
            done_rx
                .recv_timeout(Duration::from_secs(10))
                .expect("answered while the batch is held"),
            done_rx
                .recv_timeout(Duration::from_secs(10))
                .expect("answered while the batch is held"),
        ];
        finished.sort();
        assert_eq!(finished, ["query", "write"]);
        release.send(()).unwrap();
        let ranked = batch.join().unwrap();
        assert_eq!(ranked.lists.len(), 40);
        assert!(ranked.pairs_scored > 0);
        writer.join().unwrap();
        reader.join().unwrap();
    }

    #[test]
    fn a_batch_counts_its_own_pairs_not_those_of_queries_meanwhile() {
        let (_dir, app) = demo_app(40);
        let alone = rank_all(&app, &MatchQuery::default(), &|_| {}).pairs_scored;
        assert!(alone > 0);
        let (batch, release) = held_batch(&app);
        let id = app.store.all_firms().next().unwrap().unwrap().id;
        for _ in 0..5 {
            of_firm(&app, &id, &MatchQuery::default(), Lang::En).unwrap();
        }
        release.send(()).unwrap();
        assert_eq!(batch.join().unwrap().pairs_scored, alone);
    }

    #[test]
    fn writes_during_a_held_batch_reach_the_next_query_but_not_the_batch() {
        let (_dir, app) = demo_app(40);
        let ids = |lists: &[FirmMatches]| -> Vec<String> {
            lists.iter().map(|l| l.firm_id.clone()).collect()
        };
        let before = ids(&rank_all(&app, &MatchQuery::default(), &|_| {}).lists);
        let (batch, release) = held_batch(&app);

        // One firm deleted, one added as the copy of another under a new id.
        let gone = crate::domain::FirmId::parse(&before[0]).unwrap();
        crate::app::firms::delete(&app, &gone, None).unwrap();
        let mut added = app.store.all_firms().next().unwrap().unwrap();
        added.id = crate::domain::FirmId::parse("zz-added-during-the-batch").unwrap();
        app.firms_changed(std::slice::from_ref(&added));

        let query = MatchQuery::default();
        assert!(matches!(
            of_firm(&app, &gone, &query, Lang::En),
            Err(AppError::NotFound { .. })
        ));
        of_firm(&app, &added.id, &query, Lang::En).expect("the added firm is ranked at once");
        assert_eq!(app.matcher().len(), 40);

        release.send(()).unwrap();
        let ranked = batch.join().unwrap();
        assert_eq!(
            ids(&ranked.lists),
            before,
            "the batch ranks the firms it started with"
        );
        assert!(ranked
            .lists
            .iter()
            .flat_map(|l| &l.matches)
            .all(|m| m.partner.id != added.id));
        let after = ids(&rank_all(&app, &query, &|_| {}).lists);
        assert!(!after.contains(&before[0]) && after.contains(&added.id.to_string()));
    }

    #[test]
    fn a_write_copies_the_matcher_only_while_a_snapshot_holds_it() {
        let (_dir, app) = demo_app(10);
        let firm = |n: usize| app.store.all_firms().nth(n).unwrap().unwrap();
        let bumped = |n: usize| {
            let mut f = firm(n);
            f.version += 1;
            f
        };
        let shared = || std::sync::Arc::as_ptr(&app.snapshot());
        let alone = shared();
        app.firms_changed(&[bumped(0)]);
        assert_eq!(shared(), alone, "no snapshot held: changed in place");

        let held = app.snapshot();
        app.firms_changed(&[bumped(1)]);
        let copy = shared();
        assert_ne!(copy, alone, "the first write under a snapshot copies");
        app.firms_changed(&[bumped(2)]);
        app.firm_removed(&firm(3).id);
        assert_eq!(shared(), copy, "later writes change the copy");
        // A write that changes nothing copies nothing.
        let again = app.snapshot();
        app.firms_changed(&[firm(4)]);
        app.firm_removed(&firm(3).id);
        assert_eq!(shared(), copy);
        drop(again);
        assert_eq!(held.len(), 10);
        assert_eq!(app.matcher().len(), 9);

        // A config change leaves a held snapshot its own config.
        let mut config = crate::matching::ScoringConfig::default();
        config.two_way_bonus /= 2.0;
        let held = app.snapshot();
        crate::app::scoring::replace(&app, config.clone(), None).unwrap();
        assert_eq!(held.config(), &crate::matching::ScoringConfig::default());
        assert_eq!(app.matcher().config(), &config);
    }

    use crate::matching::{Components, DirectedScore, Partner};

    fn m(supplies: f64, buys: f64) -> Match {
        let fit = |score: f64, supply: f64| DirectedScore {
            score,
            components: Components {
                supply,
                ..Components::default()
            },
        };
        Match {
            partner: Partner {
                id: FirmId::parse("kafe-nusantara").unwrap(),
                name: "Kafe Nusantara".into(),
                province: crate::domain::Province::Jatim,
                regency: "35.78".into(),
            },
            score: supplies.max(buys),
            supplies: fit(supplies, 0.1),
            buys: fit(buys, 0.2),
            reasons: vec![],
        }
    }

    #[test]
    fn the_direction_is_chosen_once_for_every_caller() {
        let both = MatchView::new(m(0.6, 0.4), Direction::Both);
        assert_eq!(both.direction, TradeDirection::Both);
        assert_eq!(both.components.supply, 0.1);
        let buys = MatchView::new(m(0.2, 0.8), Direction::Both);
        assert_eq!(buys.direction, TradeDirection::Buys);
        assert_eq!(buys.components.supply, 0.2);
        assert_eq!(
            MatchView::new(m(0.9, 0.0), Direction::Both).direction,
            TradeDirection::Supplies
        );
        let asked = MatchView::new(m(0.2, 0.8), Direction::Supplies);
        assert_eq!(asked.direction, TradeDirection::Supplies);
        assert_eq!(asked.components.supply, 0.1);
        assert_eq!(
            MatchView::new(m(0.9, 0.1), Direction::Buys).direction,
            TradeDirection::Buys
        );
    }
}
