//! `mitra gen`, `mitra evaluate`, `mitra tune`: benchmark data with a hidden ground truth,
//! ranking quality against labelled pairs, and the weight search (see `crate::tuning`).

use super::{reported, write_or_print};
use crate::store::Store;
use anyhow::Context;

pub fn gen(
    firms: usize,
    seed: u64,
    negatives: usize,
    profile: crate::gen::NoiseProfile,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let bench = crate::gen::generate(&crate::gen::GenConfig {
        negatives_per_firm: negatives,
        ..crate::gen::GenConfig::for_profile(profile, seed, firms)
    });
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let write = |name: &str, body: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))
    };
    write("firms.json", &serde_json::to_vec_pretty(&bench.firms)?)?;
    let parsed = crate::app::demo::firms_of(bench.firms, chrono::Utc::now())?;
    write("firms.csv", &crate::app::csv_format::write_firms(&parsed)?)?;
    write(
        "labels.csv",
        crate::tuning::labels::write_csv(&bench.labels).as_bytes(),
    )?;
    let positives = bench.labels.iter().filter(|l| l.grade > 0).count();
    eprintln!(
        "wrote {firms} firms and {} labelled pairs ({positives} with grade ≥ 1) to {} (seed {seed}, profile {profile})",
        bench.labels.len(),
        out.display()
    );
    Ok(())
}

/// Firms from a JSON array of profiles, or else from the store.
fn load_firms(
    data_dir: &std::path::Path,
    file: Option<&std::path::Path>,
) -> anyhow::Result<Vec<std::sync::Arc<crate::domain::Firm>>> {
    let firms = match file {
        Some(path) => {
            let text =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let inputs: Vec<crate::domain::FirmInput> = serde_json::from_slice(&text)
                .with_context(|| {
                    format!("{} is not a JSON array of firm profiles", path.display())
                })?;
            crate::app::demo::firms_of(inputs, chrono::Utc::now())?
        }
        None => Store::open(data_dir)?
            .all_firms()
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(firms.into_iter().map(std::sync::Arc::new).collect())
}

fn load_labels(path: &std::path::Path) -> anyhow::Result<crate::tuning::LabelSet> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let labels = crate::tuning::labels::read_any(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(crate::tuning::LabelSet::new(&labels))
}

pub fn evaluate(
    data_dir: &std::path::Path,
    labels: &std::path::Path,
    firms: Option<&std::path::Path>,
    config: Option<&std::path::Path>,
    json: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let labels = load_labels(labels)?;
    let config = crate::app::scoring::read_config(config).map_err(reported)?;
    let firms = load_firms(data_dir, firms)?;
    let started = std::time::Instant::now();
    let report = crate::tuning::evaluate(
        firms,
        &labels,
        &config,
        crate::tuning::EvalOptions::default(),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    print!("{}", crate::tuning::render_table(&report));
    eprintln!("evaluated in {} ms", started.elapsed().as_millis());
    if let Some(path) = json {
        write_or_print(Some(path), &serde_json::to_vec_pretty(&report)?)?;
    }
    Ok(())
}

pub fn tune(
    data_dir: &std::path::Path,
    labels: &std::path::Path,
    firms: Option<&std::path::Path>,
    config: Option<&std::path::Path>,
    mut options: crate::tuning::SearchOptions,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    options.start = crate::app::scoring::read_config(config).map_err(reported)?;
    let labels = load_labels(labels)?;
    let firms = load_firms(data_dir, firms)?;
    let started = std::time::Instant::now();
    let eval_options = crate::tuning::EvalOptions::default();
    let mut evaluator = crate::tuning::Evaluator::new(firms, &labels, eval_options);
    let bar = indicatif::ProgressBar::new((options.budget * (options.folds.max(2) + 1)) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = crate::tuning::tune(&mut evaluator, &options, &mut |p| {
        bar.set_position(p.done as u64);
        let run = if p.fold == 0 {
            "all queries".to_string()
        } else {
            format!("fold {}", p.fold)
        };
        bar.set_message(format!("{run}: best NDCG@10 {:.4}", p.best));
    })
    .map_err(|e| anyhow::anyhow!(e))?;
    bar.finish_and_clear();
    let took = started.elapsed();
    println!(
        "best config:\n{}",
        serde_json::to_string_pretty(&report.best)?
    );
    println!(
        "NDCG@10 ({} queries, {}-fold cross-validation, {} configs evaluated in {:.1} s):",
        report.queries,
        report.folds.len(),
        report.evaluations,
        took.as_secs_f64()
    );
    println!("              train   validation");
    println!(
        "  start     {:.4}     {:.4}",
        report.start_train, report.start_validation
    );
    println!(
        "  tuned     {:.4}     {:.4}",
        report.best_train, report.best_validation
    );
    let full = evaluator
        .report(&[("start", &report.start), ("tuned", &report.best)])
        .map_err(|e| anyhow::anyhow!(e))?;
    print!("{}", crate::tuning::render_table(&full));
    std::fs::write(out, serde_json::to_vec_pretty(&report.best)?)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote the best config to {}", out.display());
    Ok(())
}
