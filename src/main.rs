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
        Command::Serve { addr, workers } => serve(Settings {
            addr,
            data_dir: cli.data_dir,
            workers,
        }),
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
