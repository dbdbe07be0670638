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
        } => {
            let organizer_tokens =
                organizer_tokens_of(organizer_tokens, organizer_tokens_file, &cli.data_dir)?;
            serve(Settings {
                addr,
                data_dir: cli.data_dir,
                workers,
                organizer_tokens,
                public_directory,
            })
        }
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
    }
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
            "mitra listening; API docs at /docs"
        );
        app.run_until_stopped().await
    })
}
