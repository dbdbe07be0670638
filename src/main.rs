//! The `mitra` binary: `serve` the API, `export`/`import` the whole store.

use anyhow::Context;
use clap::{Parser, Subcommand};
use mitra::startup::{Application, Settings};
use mitra::store::Store;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "mitra",
    version,
    about = "Business matching for the NTB–Jatim IKM trade forums"
)]
struct Cli {
    /// Folder of the sled store.
    #[arg(
        long,
        global = true,
        env = "MITRA_DATA_DIR",
        default_value = "./mitra-data"
    )]
    data_dir: PathBuf,
    /// Log lines as JSON (for log collectors) instead of text.
    #[arg(long, global = true, env = "MITRA_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (docs at /docs).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "MITRA_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "MITRA_WORKERS")]
        workers: Option<usize>,
        /// Organizer tokens, comma-separated (several at once allow rotation). When neither
        /// this nor a tokens file is given, a token is generated once and kept in
        /// `<data dir>/organizer-token`.
        #[arg(
            long,
            env = "MITRA_ORGANIZER_TOKENS",
            value_delimiter = ',',
            hide_env_values = true
        )]
        organizer_tokens: Vec<String>,
        /// A file with one organizer token per line (`#` starts a comment).
        #[arg(long, env = "MITRA_ORGANIZER_TOKENS_FILE")]
        organizer_tokens_file: Option<PathBuf>,
        /// Let callers without a token list firms (never with contact details).
        #[arg(long, env = "MITRA_PUBLIC_DIRECTORY")]
        public_directory: bool,
        /// Serve `GET /metrics` without a token (e.g. when only a local scraper can reach it).
        #[arg(long, env = "MITRA_PUBLIC_METRICS")]
        public_metrics: bool,
        /// Load the demo data set (realistic NTB and Jatim firms) if the store holds no firm.
        #[arg(long)]
        demo: bool,
        /// How many demo firms to load.
        #[arg(long, default_value_t = 3000)]
        demo_firms: usize,
        /// Seed of the demo data (the same seed gives the same firms).
        #[arg(long, default_value_t = 5235)]
        demo_seed: u64,
    },
    /// Write the demo data set in the import formats (for `POST /v1/firms/import`).
    Demo {
        #[arg(long, default_value_t = 3000)]
        firms: usize,
        #[arg(long, default_value_t = 5235)]
        seed: u64,
        /// `csv` (the organizer's sheet) or `json` (an array of profiles).
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
        /// Output file; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rank every firm in the store (all firms' top partners) and print a summary.
    Rank {
        /// Partners per firm.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0.05)]
        min_score: f64,
        /// supplies, buys or both.
        #[arg(long, default_value = "both", value_parser = ["supplies", "buys", "both"])]
        direction: String,
        /// other (province), same or both.
        #[arg(long, default_value = "other", value_parser = ["other", "same", "both"])]
        scope: String,
        /// Write every firm's list as JSON Lines here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Make a forum's timetable from the store (`--event`), or solve a problem file
    /// (`--solve request.json`, the body of POST /v1/schedule/solve).
    Schedule {
        /// Forum id: generate its timetable and store it, as POST /v1/events/{id}/schedule.
        #[arg(long, conflicts_with = "solve", required_unless_present = "solve")]
        event: Option<String>,
        /// A stateless problem file; the answer is printed (or written to --out).
        #[arg(long)]
        solve: Option<PathBuf>,
        /// max_value (default) or min_idle.
        #[arg(long, value_parser = ["max_value", "min_idle"])]
        objective: Option<String>,
        #[arg(long, default_value_t = 2000)]
        time_limit_ms: u64,
        #[arg(long)]
        seed: Option<u64>,
        /// Recommended partners per participant added as candidates.
        #[arg(long, default_value_t = 5)]
        recommendations_per_firm: usize,
        #[arg(long, default_value_t = 0.2)]
        min_score: f64,
        /// Write the plan as JSON here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the whole store as JSON Lines (a backup; also the way across sled versions).
    Export {
        /// Output file; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restore a JSON Lines export into an empty store.
    Import {
        /// The export file.
        file: PathBuf,
    },
    /// Write a benchmark with hidden ground truth: DIR/firms.json, DIR/firms.csv, DIR/labels.csv.
    Gen {
        #[arg(long, default_value_t = 1000)]
        firms: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Grade-0 pairs sampled per firm for the labels.
        #[arg(long, default_value_t = 20)]
        negatives: usize,
        /// How messy names and HS codes are: clean, realistic or hard (see `mitra::gen`).
        /// The firms and labels of a seed are the same in every profile.
        #[arg(long, default_value = "realistic")]
        profile: mitra::gen::NoiseProfile,
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure ranking quality against labelled pairs, beside random, sector-only and
    /// names-only baselines.
    Evaluate {
        /// Labels: CSV `firm_a,firm_b,grade` or JSON `[{"a","b","grade"}]`.
        #[arg(long)]
        labels: PathBuf,
        /// A JSON array of firm profiles; the store in --data-dir when absent.
        #[arg(long)]
        firms: Option<PathBuf>,
        /// A scoring config (the body of PUT /v1/scoring/config); the default when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Write the report as JSON here too.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Search scoring weights and thresholds against labelled pairs (k-fold cross-validated).
    Tune {
        #[arg(long)]
        labels: PathBuf,
        /// A JSON array of firm profiles; the store in --data-dir when absent.
        #[arg(long)]
        firms: Option<PathBuf>,
        /// Start from this config instead of the default.
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Config evaluations per search run (there are folds + 1 runs).
        #[arg(long, default_value_t = 40)]
        budget: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where the best config goes (the body PUT /v1/scoring/config accepts).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    mitra::telemetry::init(cli.log_json);
    match cli.command {
        Command::Serve {
            addr,
            workers,
            organizer_tokens,
            organizer_tokens_file,
            public_directory,
            public_metrics,
            demo,
            demo_firms,
            demo_seed,
        } => {
            let organizer_tokens =
                organizer_tokens_of(organizer_tokens, organizer_tokens_file, &cli.data_dir)?;
            if demo {
                let store = Store::open(&cli.data_dir)?;
                load_demo(&store, &cli.data_dir, demo_seed, demo_firms)?;
            }
            serve(Settings {
                addr,
                data_dir: cli.data_dir,
                workers,
                organizer_tokens,
                public_directory,
                public_metrics,
            })
        }
        Command::Demo {
            firms,
            seed,
            format,
            out,
        } => {
            let inputs = mitra::demo::generate(seed, firms);
            let body = if format == "json" {
                serde_json::to_vec_pretty(&inputs)?
            } else {
                let firms = demo_firms(inputs, chrono::Utc::now())?;
                mitra::api::csv_format::write_firms(&firms)?
            };
            match out {
                Some(path) => std::fs::write(&path, body)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::Write::write_all(&mut std::io::stdout().lock(), &body)?,
            }
            eprintln!("wrote {firms} demo firms (seed {seed})");
            Ok(())
        }
        Command::Rank {
            limit,
            min_score,
            direction,
            scope,
            out,
        } => rank(
            &cli.data_dir,
            limit,
            min_score,
            &direction,
            &scope,
            out.as_deref(),
        ),
        Command::Schedule {
            event,
            solve,
            objective,
            time_limit_ms,
            seed,
            recommendations_per_firm,
            min_score,
            out,
        } => match (event, solve) {
            (_, Some(file)) => solve_file(&file, out.as_deref()),
            (Some(event), None) => schedule_event(
                &cli.data_dir,
                &event,
                objective.as_deref(),
                time_limit_ms,
                seed,
                recommendations_per_firm,
                min_score,
                out.as_deref(),
            ),
            (None, None) => anyhow::bail!("give --event ID or --solve FILE"),
        },
        Command::Export { out } => {
            let store = Store::open(&cli.data_dir)?;
            let now = chrono::Utc::now();
            let count = match out {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    store.export_jsonl(&mut BufWriter::new(file), now)?
                }
                None => store.export_jsonl(&mut BufWriter::new(std::io::stdout().lock()), now)?,
            };
            eprintln!("exported {count} records");
            Ok(())
        }
        Command::Import { file } => {
            let store = Store::open(&cli.data_dir)?;
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            let count = store.import_jsonl(BufReader::new(reader))?;
            eprintln!("imported {count} records into {}", cli.data_dir.display());
            Ok(())
        }
        Command::Gen {
            firms,
            seed,
            negatives,
            profile,
            out,
        } => gen_benchmark(firms, seed, negatives, profile, &out),
        Command::Evaluate {
            labels,
            firms,
            config,
            json,
        } => evaluate_labels(
            &cli.data_dir,
            &labels,
            firms.as_deref(),
            config.as_deref(),
            json.as_deref(),
        ),
        Command::Tune {
            labels,
            firms,
            config,
            folds,
            budget,
            seed,
            out,
        } => tune_config(
            &cli.data_dir,
            &labels,
            firms.as_deref(),
            config.as_deref(),
            mitra::tuning::SearchOptions {
                seed,
                folds,
                budget,
                start: mitra::matching::ScoringConfig::default(),
            },
            &out,
        ),
    }
}

fn rank(
    data_dir: &std::path::Path,
    limit: usize,
    min_score: f64,
    direction: &str,
    scope: &str,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use mitra::matching::{Direction, MatchQuery, Scope};
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
    let store = Store::open(data_dir)?;
    let started = std::time::Instant::now();
    let matcher = mitra::startup::build_matcher(&store)?;
    let total = matcher.len() as u64;
    let built = started.elapsed();
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} ranking {pos}/{len} firms [{bar:40}] {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let ranking = std::time::Instant::now();
    let ranked = matcher.rank_all_with_progress(&query, &|n| bar.inc(n as u64));
    bar.finish_and_clear();
    let elapsed = ranking.elapsed();
    let pairs = matcher.stats().pairs_scored;
    if let Some(path) = out {
        let mut w = BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for (id, matches) in &ranked {
            serde_json::to_writer(
                &mut w,
                &serde_json::json!({"firm_id": id, "matches": matches}),
            )?;
            std::io::Write::write_all(&mut w, b"\n")?;
        }
        std::io::Write::flush(&mut w)?;
    }
    let with_partner = ranked.iter().filter(|(_, m)| !m.is_empty()).count();
    eprintln!(
        "{} firms ({} with at least one partner), {} candidate pairs scored, {:.0} pairs/s, ranking {:.2} s (index built in {:.2} s)",
        ranked.len(),
        with_partner,
        pairs,
        pairs as f64 / elapsed.as_secs_f64().max(1e-9),
        elapsed.as_secs_f64(),
        built.as_secs_f64()
    );
    Ok(())
}

fn write_or_print(out: Option<&std::path::Path>, json: &[u8]) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            std::io::Write::write_all(&mut std::io::stdout().lock(), json)?;
            Ok(())
        }
    }
}

fn print_field_errors(errors: &[mitra::domain::FieldError]) -> anyhow::Error {
    for e in errors {
        eprintln!("  {}: {}", e.field, e.message);
    }
    anyhow::anyhow!("{} invalid field(s)", errors.len())
}

fn summary(status: &impl serde::Serialize, stats: &mitra::schedule::Stats) {
    eprintln!(
        "status {}, {} meetings, value {:.2} (bound {:.2}), idle slots {}, {} of {} participants with a meeting, {} ms",
        serde_json::to_string(status).unwrap_or_default().trim_matches('"'),
        stats.scheduled,
        stats.value,
        stats.bound,
        stats.idle_slots,
        stats.participants_with_meetings,
        stats.participants_with_meetings + stats.participants_without_meeting,
        stats.elapsed_ms
    );
}

fn solve_file(file: &std::path::Path, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let request: mitra::schedule::ScheduleRequest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a scheduling problem", file.display()))?;
    let response = mitra::schedule::solve(&request).map_err(|e| print_field_errors(&e))?;
    summary(&response.status, &response.stats);
    write_or_print(out, &serde_json::to_vec_pretty(&response)?)
}

#[allow(clippy::too_many_arguments)]
fn schedule_event(
    data_dir: &std::path::Path,
    event: &str,
    objective: Option<&str>,
    time_limit_ms: u64,
    seed: Option<u64>,
    per_firm: usize,
    min_score: f64,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use mitra::schedule::forum::{forum_request, ForumSchedule};
    let store = Store::open(data_dir)?;
    let id = mitra::domain::EventId::parse(event).map_err(|e| anyhow::anyhow!("--event: {e}"))?;
    let forum = store
        .get_event(id.as_str())?
        .ok_or_else(|| anyhow::anyhow!("no forum '{id}' in {}", data_dir.display()))?;
    let participants: Vec<_> = store
        .participants(&id)?
        .into_iter()
        .filter(|p| store.get_firm(p.firm_id.as_str()).ok().flatten().is_some())
        .collect();
    let requests = store.requests(&id)?;
    let matcher = mitra::startup::build_matcher(&store)?;
    let recommendations = mitra::planning::recommendations(
        &matcher,
        &participants,
        per_firm,
        min_score,
        mitra::matching::Lang::En,
    );
    let objective = match objective {
        Some("min_idle") => mitra::schedule::Objective::MinIdle,
        _ => mitra::schedule::Objective::MaxValue,
    };
    let (request, candidates) = forum_request(
        &forum,
        &participants,
        &requests,
        &recommendations,
        objective,
        Some(time_limit_ms),
        seed,
    );
    let response = mitra::schedule::solve(&request).map_err(|e| print_field_errors(&e))?;
    let version = store
        .schedule::<ForumSchedule>(&id)?
        .map_or(0, |s| s.version)
        + 1;
    let plan = ForumSchedule::from_response(
        id.as_str(),
        version,
        chrono::Utc::now(),
        request,
        candidates,
        response,
    );
    store.put_schedule(&id, &plan)?;
    summary(&plan.status, &plan.stats);
    eprintln!("stored as version {version} of the timetable of '{id}'");
    match out {
        Some(path) => write_or_print(Some(path), &serde_json::to_vec_pretty(&plan)?),
        None => Ok(()),
    }
}

/// Validated demo firms, at version 1.
fn demo_firms(
    inputs: Vec<mitra::domain::FirmInput>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<mitra::domain::Firm>> {
    let reference = mitra::domain::Reference::shared();
    inputs
        .into_iter()
        .map(|input| {
            let (id, profile) = input
                .parse(reference)
                .map_err(|e| anyhow::anyhow!("demo firm is invalid: {e:?}"))?;
            Ok(mitra::domain::Firm {
                id: id.ok_or_else(|| anyhow::anyhow!("demo firm without id"))?,
                profile,
                version: 1,
                created_at: now,
                updated_at: now,
            })
        })
        .collect()
}

/// Firms per transaction when loading demo data.
const DEMO_CHUNK: usize = 5_000;

/// Loads the demo firms into an empty store, each with a token; the tokens go to
/// `<data dir>/demo-firm-tokens.csv` so one can sign in as any demo firm.
fn load_demo(
    store: &Store,
    data_dir: &std::path::Path,
    seed: u64,
    count: usize,
) -> anyhow::Result<()> {
    if store.count_firms() > 0 {
        tracing::info!(
            firms = store.count_firms(),
            "store already holds firms; demo data not loaded"
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let firms = demo_firms(mitra::demo::generate(seed, count), chrono::Utc::now())?;
    let mut tokens = String::from("firm_id,token\n");
    let mut with_tokens: Vec<_> = firms
        .into_iter()
        .map(|firm| {
            let token = mitra::api::auth::new_firm_token();
            tokens.push_str(&format!("{},{token}\n", firm.id));
            let hash = mitra::api::auth::hash_token(&token);
            (firm, Some(hash))
        })
        .collect();
    // Transactions of a few thousand firms keep memory flat for large demo sets; the store
    // was empty, so a load cut short is seen at the next start and simply not repeated.
    let mut created = 0;
    while !with_tokens.is_empty() {
        let rest = with_tokens.split_off(with_tokens.len().min(DEMO_CHUNK));
        created += store
            .import_firms(
                std::mem::replace(&mut with_tokens, rest),
                mitra::store::ImportMode::CreateOnly,
            )?
            .created;
    }
    let path = data_dir.join("demo-firm-tokens.csv");
    let _ = std::fs::remove_file(&path);
    write_private(&path, tokens.trim_end())?;
    tracing::info!(
        firms = created,
        seed,
        took_ms = started.elapsed().as_millis() as u64,
        tokens = %path.display(),
        "demo data loaded"
    );
    Ok(())
}

/// The organizer tokens from the flag/env, the tokens file, or else the data folder's own
/// generated token (created on first start, readable only by its owner).
fn organizer_tokens_of(
    given: Vec<String>,
    file: Option<PathBuf>,
    data_dir: &std::path::Path,
) -> anyhow::Result<Vec<String>> {
    let mut tokens: Vec<String> = given
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading organizer tokens from {}", path.display()))?;
        tokens.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    if !tokens.is_empty() {
        return Ok(tokens);
    }
    let path = data_dir.join("organizer-token");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let token = existing.trim().to_string();
        if !token.is_empty() {
            tracing::info!(file = %path.display(), "using the organizer token kept in the data folder");
            return Ok(vec![token]);
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let bytes: [u8; 24] = rand::random();
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let token = format!("mitra_org_{token}");
    write_private(&path, &token)?;
    tracing::warn!(
        file = %path.display(),
        "no organizer token configured: generated one; set MITRA_ORGANIZER_TOKENS in production"
    );
    Ok(vec![token])
}

fn write_private(path: &std::path::Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(content.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    Ok(())
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings.clone())?;
        tracing::info!(
            addr = %settings.addr,
            port = app.port(),
            data_dir = %settings.data_dir.display(),
            "mitra listening; console at /, API docs at /docs"
        );
        app.run_until_stopped().await
    })
}

// ---- gen, evaluate, tune: benchmark data and ranking quality (see `mitra::tuning`).

fn gen_benchmark(
    firms: usize,
    seed: u64,
    negatives: usize,
    profile: mitra::gen::NoiseProfile,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let bench = mitra::gen::generate(&mitra::gen::GenConfig {
        negatives_per_firm: negatives,
        ..mitra::gen::GenConfig::for_profile(profile, seed, firms)
    });
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let write = |name: &str, body: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))
    };
    write("firms.json", &serde_json::to_vec_pretty(&bench.firms)?)?;
    let parsed = demo_firms(bench.firms, chrono::Utc::now())?;
    write("firms.csv", &mitra::api::csv_format::write_firms(&parsed)?)?;
    write(
        "labels.csv",
        mitra::tuning::labels::write_csv(&bench.labels).as_bytes(),
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
) -> anyhow::Result<Vec<std::sync::Arc<mitra::domain::Firm>>> {
    let firms = match file {
        Some(path) => {
            let text =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let inputs: Vec<mitra::domain::FirmInput> = serde_json::from_slice(&text)
                .with_context(|| {
                    format!("{} is not a JSON array of firm profiles", path.display())
                })?;
            let reference = mitra::domain::Reference::shared();
            let now = chrono::Utc::now();
            inputs
                .into_iter()
                .enumerate()
                .map(|(i, input)| {
                    let (id, profile) = input
                        .parse(reference)
                        .map_err(|e| anyhow::anyhow!("firm [{i}]: {}", print_field_errors(&e)))?;
                    Ok(mitra::domain::Firm {
                        id: id.ok_or_else(|| anyhow::anyhow!("firm [{i}] has no id"))?,
                        profile,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?
        }
        None => Store::open(data_dir)?
            .all_firms()
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(firms.into_iter().map(std::sync::Arc::new).collect())
}

fn load_labels(path: &std::path::Path) -> anyhow::Result<mitra::tuning::LabelSet> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let labels = mitra::tuning::labels::read_any(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(mitra::tuning::LabelSet::new(&labels))
}

fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<mitra::matching::ScoringConfig> {
    let Some(path) = path else {
        return Ok(mitra::matching::ScoringConfig::default());
    };
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let config: mitra::matching::ScoringConfig = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a scoring config", path.display()))?;
    config.validate().map_err(|e| print_field_errors(&e))?;
    Ok(config)
}

fn evaluate_labels(
    data_dir: &std::path::Path,
    labels: &std::path::Path,
    firms: Option<&std::path::Path>,
    config: Option<&std::path::Path>,
    json: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let labels = load_labels(labels)?;
    let config = load_config(config)?;
    let firms = load_firms(data_dir, firms)?;
    let started = std::time::Instant::now();
    let report = mitra::tuning::evaluate(
        firms,
        &labels,
        &config,
        mitra::tuning::EvalOptions::default(),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    print!("{}", mitra::tuning::render_table(&report));
    eprintln!("evaluated in {} ms", started.elapsed().as_millis());
    if let Some(path) = json {
        write_or_print(Some(path), &serde_json::to_vec_pretty(&report)?)?;
    }
    Ok(())
}

fn tune_config(
    data_dir: &std::path::Path,
    labels: &std::path::Path,
    firms: Option<&std::path::Path>,
    config: Option<&std::path::Path>,
    mut options: mitra::tuning::SearchOptions,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    options.start = load_config(config)?;
    let labels = load_labels(labels)?;
    let firms = load_firms(data_dir, firms)?;
    let started = std::time::Instant::now();
    let eval_options = mitra::tuning::EvalOptions::default();
    let mut evaluator = mitra::tuning::Evaluator::new(firms, &labels, eval_options);
    let bar = indicatif::ProgressBar::new((options.budget * (options.folds.max(2) + 1)) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = mitra::tuning::tune(&mut evaluator, &options, &mut |p| {
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
    print!("{}", mitra::tuning::render_table(&full));
    std::fs::write(out, serde_json::to_vec_pretty(&report.best)?)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote the best config to {}", out.display());
    Ok(())
}
