//! `mitra rank`: every firm's top partners, as `POST /v1/match/batch` gives them.

use crate::app::{matches, Mitra, Pool};
use crate::matching::{Direction, MatchQuery, Scope};
use crate::store::Store;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn rank(
    data_dir: &Path,
    limit: usize,
    min_score: f64,
    direction: &str,
    scope: &str,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    if !(1..=100).contains(&limit) || !(0.0..=1.0).contains(&min_score) {
        anyhow::bail!("--limit must be 1–100 and --min-score 0–1");
    }
    let query = MatchQuery {
        k: limit,
        min_score,
        direction: match direction {
            "supplies" => Direction::Supplies,
            "buys" => Direction::Buys,
            _ => Direction::Both,
        },
        scope: match scope {
            "same" => Scope::Same,
            "both" => Scope::Both,
            _ => Scope::Other,
        },
    };
    let started = std::time::Instant::now();
    let app = Mitra::open(Store::open(data_dir)?)?;
    let built = started.elapsed();
    let bar = indicatif::ProgressBar::new(app.matcher().len() as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} ranking {pos}/{len} firms [{bar:40}] {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let ranked = app.executor.install(Pool::Ranking, || {
        matches::rank_all(&app, &query, &|n| bar.inc(n as u64))
    });
    bar.finish_and_clear();
    if let Some(path) = out {
        let mut w = BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for list in &ranked.lists {
            serde_json::to_writer(&mut w, list)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    let with_partner = ranked
        .lists
        .iter()
        .filter(|l| !l.matches.is_empty())
        .count();
    eprintln!(
        "{} firms ({} with at least one partner), {} candidate pairs scored, {:.0} pairs/s, ranking {:.2} s (index built in {:.2} s)",
        ranked.lists.len(),
        with_partner,
        ranked.pairs_scored,
        ranked.pairs_scored as f64 / ranked.elapsed.as_secs_f64().max(1e-9),
        ranked.elapsed.as_secs_f64(),
        built.as_secs_f64()
    );
    Ok(())
}
