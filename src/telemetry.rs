//! One place that sets up logging: `RUST_LOG` filters (default `info`), JSON or text lines.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second initialisation (several tests in one process) is harmless: ignore it.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
