//! `mitra serve`: the organizer tokens, optional demo data, then the HTTP server.

use crate::app::{demo, tokens};
use crate::startup::{Application, Settings};
use crate::store::Store;
use anyhow::Context;
use std::path::PathBuf;

pub struct ServeOptions {
    pub addr: String,
    pub data_dir: PathBuf,
    pub workers: Option<usize>,
    pub organizer_tokens: Vec<String>,
    pub organizer_tokens_file: Option<PathBuf>,
    pub public_directory: bool,
    pub public_metrics: bool,
    /// Agendas by e-mail (`MITRA_SMTP_URL`).
    pub mail: Option<crate::app::mail::MailSettings>,
    /// Load this many demo firms of this seed, in this noise profile, into an empty store
    /// first.
    pub demo: Option<(u64, usize, crate::gen::NoiseProfile)>,
}

pub fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let organizer_tokens = tokens::organizer_tokens(
        options.organizer_tokens,
        options.organizer_tokens_file.as_deref(),
        &options.data_dir,
    )?;
    let store = Store::open(&options.data_dir)
        .with_context(|| format!("opening the store in {}", options.data_dir.display()))?;
    if let Some((seed, count, profile)) = options.demo {
        let config = crate::gen::GenConfig::for_profile(profile, seed, count);
        demo::load_inputs(&store, &options.data_dir, seed, || {
            crate::gen::firms(&config)
        })?;
    }
    let settings = Settings {
        addr: options.addr,
        data_dir: options.data_dir,
        workers: options.workers,
        organizer_tokens,
        public_directory: options.public_directory,
        public_metrics: options.public_metrics,
        slow_failed_tokens: true,
        mail: options.mail,
    };
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build_with_store(settings.clone(), store)?;
        tracing::info!(
            addr = %settings.addr,
            port = app.port(),
            data_dir = %settings.data_dir.display(),
            "mitra listening; console at /, API docs at /docs"
        );
        // Under systemd (`Type=notify`) `systemctl start` returns on this message, so it is
        // sent once the port is bound: a request right after that is answered. Without
        // NOTIFY_SOCKET (not under systemd) it does nothing.
        if let Err(error) = sd_notify::notify(&[sd_notify::NotifyState::Ready]) {
            tracing::warn!(%error, "could not tell systemd that mitra is ready");
        }
        app.run_until_stopped().await
    })
}
