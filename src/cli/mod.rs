//! The command line: one subcommand per use, each a few lines that call `app` (the same
//! functions the HTTP API calls) and print. `main.rs` only hands over to [`main`].

mod bench;
mod data;
mod rank;
mod schedule;
mod serve;

use crate::app::AppError;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "mitra",
    version,
    about = "Business matching for the NTB–Jatim IKM trade forums"
)]
pub struct Cli {
    /// Folder of the sled store.
    #[arg(
        long,
        global = true,
        env = "MITRA_DATA_DIR",
        default_value = "./mitra-data"
    )]
    pub data_dir: PathBuf,
    /// Log lines as JSON (for log collectors) instead of text.
    #[arg(long, global = true, env = "MITRA_LOG_JSON")]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// Send agendas by e-mail through this SMTP server: `smtp://host:25` (plain),
        /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:password@host`.
        #[arg(long, env = "MITRA_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The sender of those e-mails, `Name <address>`.
        #[arg(long, env = "MITRA_SMTP_FROM", default_value = crate::app::mail::DEFAULT_FROM)]
        smtp_from: String,
        /// Load the demo data set (realistic NTB and Jatim firms) if the store holds no firm.
        #[arg(long)]
        demo: bool,
        /// How many demo firms to load.
        #[arg(long, default_value_t = 3000)]
        demo_firms: usize,
        /// Seed of the demo data (the same seed gives the same firms).
        #[arg(long, default_value_t = 5235)]
        demo_seed: u64,
        /// Noise profile of the demo firms' names and codes: `clean`, `realistic` (what
        /// forms look like), `hard` (names as messy as the worst real ones). The firms are
        /// the same in every profile.
        #[arg(long, default_value_t = crate::gen::NoiseProfile::Realistic)]
        demo_profile: crate::gen::NoiseProfile,
    },
    /// Write the demo data set in the import formats (for `POST /v1/firms/import`).
    Demo {
        #[arg(long, default_value_t = 3000)]
        firms: usize,
        #[arg(long, default_value_t = 5235)]
        seed: u64,
        /// Noise profile of names and codes: `clean`, `realistic`, `hard`.
        #[arg(long, default_value_t = crate::gen::NoiseProfile::Realistic)]
        profile: crate::gen::NoiseProfile,
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
        /// Fewest slots waited on site before fewest idle slots.
        #[arg(long)]
        span_first: bool,
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
        profile: crate::gen::NoiseProfile,
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

/// Parses the arguments, sets up logging and runs the subcommand.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    crate::telemetry::init(cli.log_json);
    run(cli)
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli.data_dir;
    match cli.command {
        Command::Serve {
            addr,
            workers,
            organizer_tokens,
            organizer_tokens_file,
            public_directory,
            public_metrics,
            smtp_url,
            smtp_from,
            demo,
            demo_firms,
            demo_seed,
            demo_profile,
        } => serve::serve(serve::ServeOptions {
            addr,
            data_dir,
            workers,
            organizer_tokens,
            organizer_tokens_file,
            public_directory,
            public_metrics,
            mail: smtp_url.map(|url| crate::app::mail::MailSettings {
                url,
                from: smtp_from,
            }),
            demo: demo.then_some((demo_seed, demo_firms, demo_profile)),
        }),
        Command::Demo {
            firms,
            seed,
            profile,
            format,
            out,
        } => data::demo(firms, seed, profile, &format, out.as_deref()),
        Command::Rank {
            limit,
            min_score,
            direction,
            scope,
            out,
        } => rank::rank(
            &data_dir,
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
            span_first,
            out,
        } => match (event, solve) {
            (_, Some(file)) => schedule::solve_file(&file, out.as_deref()),
            (Some(event), None) => schedule::schedule_event(
                &data_dir,
                &event,
                crate::app::schedule::GenerateRequest {
                    objective: objective.map(|o| {
                        if o == "min_idle" {
                            crate::schedule::Objective::MinIdle
                        } else {
                            crate::schedule::Objective::MaxValue
                        }
                    }),
                    time_limit_ms: Some(time_limit_ms),
                    seed,
                    recommendations_per_firm: Some(recommendations_per_firm),
                    min_score: Some(min_score),
                    lang: None,
                    span_first: Some(span_first),
                },
                out.as_deref(),
            ),
            (None, None) => anyhow::bail!("give --event ID or --solve FILE"),
        },
        Command::Export { out } => data::export(&data_dir, out.as_deref()),
        Command::Import { file } => data::import(&data_dir, &file),
        Command::Gen {
            firms,
            seed,
            negatives,
            profile,
            out,
        } => bench::gen(firms, seed, negatives, profile, &out),
        Command::Evaluate {
            labels,
            firms,
            config,
            json,
        } => bench::evaluate(
            &data_dir,
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
        } => bench::tune(
            &data_dir,
            &labels,
            firms.as_deref(),
            config.as_deref(),
            crate::tuning::SearchOptions {
                seed,
                folds,
                budget,
                start: crate::matching::ScoringConfig::default(),
            },
            &out,
        ),
    }
}

/// An application error as the command line reports it: invalid fields one per line.
fn reported(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(errors) => {
            for e in &errors {
                eprintln!("  {}: {}", e.field, e.message);
            }
            anyhow::anyhow!("{} invalid field(s)", errors.len())
        }
        AppError::InvalidRows(rows) => {
            for (line, e) in &rows {
                eprintln!("  line {line}, {}: {}", e.field, e.message);
            }
            anyhow::anyhow!("{} invalid field(s)", rows.len())
        }
        AppError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

/// Writes `body` to `out`, or to standard output when absent.
fn write_or_print(out: Option<&Path>, body: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    match out {
        Some(path) => {
            std::fs::write(path, body).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            std::io::Write::write_all(&mut std::io::stdout().lock(), body)?;
            Ok(())
        }
    }
}
