//! Agendas by e-mail (optional: only with `MITRA_SMTP_URL`): an organizer sends each
//! participant of a forum its agenda, the message text in the body and the `.ics` file
//! attached, both made by the code that serves them for download.
//!
//! Sending is a job: [`Mailer::start`] prepares every message from the store, answers at
//! once with the job, and sends on a thread of its own (`mitra-mail`), so neither the HTTP
//! workers nor the heavy-work pools wait on a mail server. Each firm has a status:
//! `queued`, then `sent`, `failed` (with the error) or `skipped` (no e-mail address).
//! Failures that may pass (no connection, a 4xx answer, a timeout) are retried in rounds,
//! at most [`ATTEMPTS`] times, waiting longer before each round; a permanent refusal (5xx)
//! fails at once. Jobs live in memory: a restart forgets them (what was sent stays sent).

use super::messages::forum_agendas;
use super::{AppError, Mitra};
use crate::domain::EventId;
use crate::schedule::forum;
use crate::schedule::message::{agenda_text, Language};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use utoipa::ToSchema;

/// Tries per message (the first and the retries).
pub const ATTEMPTS: u32 = 3;
/// The wait before the first retry round; each later round waits twice as long.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// How long one SMTP exchange may take before it counts as a (retried) failure.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// Finished jobs kept for reading; older ones are forgotten first.
const KEPT_JOBS: usize = 50;

/// Where and as whom to send (`MITRA_SMTP_URL`, `MITRA_SMTP_FROM`).
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, for a relay on the same machine or network),
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:password@host` (TLS).
    pub url: String,
    /// The sender, `Name <address>`.
    pub from: String,
}

/// The sender when `MITRA_SMTP_FROM` is not set.
pub const DEFAULT_FROM: &str = "mitra <mitra@localhost>";

/// Where a firm's message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AgendaMailStatus)]
pub enum MailStatus {
    /// Waiting to be sent, or to be retried (`error` then says why the last try failed).
    Queued,
    Sent,
    /// Given up: a permanent refusal, an unusable address, or every try failed.
    Failed,
    /// The firm has no e-mail address.
    Skipped,
}

/// One firm's message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = AgendaMailFirm)]
pub struct MailFirm {
    pub firm_id: String,
    pub name: String,
    /// The stored address the message goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub status: MailStatus,
    /// Tries so far.
    pub attempts: u32,
    /// Why the last try failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Meetings in the agenda.
    pub meetings: usize,
}

/// How many firms are in each status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = AgendaMailCounts)]
pub struct MailCounts {
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// A sending job and every firm's status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = AgendaMailJob, example = json!({
    "id": "0b5c2c0e-3f0a-4a57-9d3e-8f4b2a1c9e77", "event_id": "temu-bisnis-mataram-2026",
    "done": false, "started_at": "2026-12-08T02:00:00Z", "total": 3,
    "counts": {"queued": 1, "sent": 1, "failed": 0, "skipped": 1},
    "firms": [
        {"firm_id": "kopi-sembalun", "name": "CV Kopi Sembalun Rinjani", "email": "aini@kopisembalun.id", "status": "sent", "attempts": 1, "meetings": 4},
        {"firm_id": "jatim-plastik-arema-0707", "name": "CV Kemasan Arema Abadi", "email": "info@kemasanarema.id", "status": "queued", "attempts": 1, "error": "Connection error: Connection refused (os error 111)", "meetings": 3},
        {"firm_id": "jatim-plastik-blitar-0297", "name": "CV Plastik Brawijaya Blitar", "status": "skipped", "attempts": 0, "meetings": 2}]}))]
pub struct MailJob {
    pub id: String,
    pub event_id: String,
    /// Whether every message is sent, failed or skipped.
    pub done: bool,
    pub started_at: chrono::DateTime<chrono::Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub total: usize,
    pub counts: MailCounts,
    /// Ordered by firm name.
    pub firms: Vec<MailFirm>,
}

impl MailJob {
    fn recount(&mut self) {
        let mut counts = MailCounts::default();
        for firm in &self.firms {
            match firm.status {
                MailStatus::Queued => counts.queued += 1,
                MailStatus::Sent => counts.sent += 1,
                MailStatus::Failed => counts.failed += 1,
                MailStatus::Skipped => counts.skipped += 1,
            }
        }
        self.counts = counts;
    }
}

/// A message ready to go, or why there is none.
enum Prepared {
    Ready(Box<Message>),
    Unusable(String),
    NoAddress,
}

/// Sends agenda e-mails; one per server, when SMTP is configured.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    jobs: Mutex<Vec<Arc<Mutex<MailJob>>>>,
    first_backoff: Duration,
}

impl Mailer {
    /// Checks the settings (a wrong URL or sender stops the server at start, in words; the
    /// URL, which may hold a password, is never repeated).
    pub fn new(settings: &MailSettings) -> anyhow::Result<Mailer> {
        let transport = SmtpTransport::from_url(&settings.url)
            .map_err(|e| anyhow::anyhow!("MITRA_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from: Mailbox = settings.from.parse().map_err(|e| {
            anyhow::anyhow!(
                "MITRA_SMTP_FROM '{}' is not a sender like 'Name <address>': {e}",
                settings.from
            )
        })?;
        Ok(Mailer {
            transport,
            from,
            jobs: Mutex::new(Vec::new()),
            first_backoff: FIRST_BACKOFF,
        })
    }

    /// The same mailer with another wait before the first retry (tests).
    pub fn with_first_backoff(mut self, wait: Duration) -> Mailer {
        self.first_backoff = wait;
        self
    }

    fn jobs(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Mutex<MailJob>>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A job's current state.
    pub fn job(&self, event: &EventId, id: &str) -> Option<MailJob> {
        self.jobs()
            .iter()
            .map(|job| job.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .find(|job| job.id == id && job.event_id == event.as_str())
    }

    /// The forum's jobs, the newest first.
    pub fn jobs_of(&self, event: &EventId) -> Vec<MailJob> {
        let mut out: Vec<MailJob> = self
            .jobs()
            .iter()
            .map(|job| job.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .filter(|job| job.event_id == event.as_str())
            .collect();
        out.reverse();
        out
    }

    /// Builds every participant's message from the store and starts sending them on a
    /// thread of its own; answers the job as it starts. A forum whose previous job still
    /// sends is refused (409): its firms would get their agenda twice.
    pub fn start(
        self: &Arc<Self>,
        app: &Mitra,
        event_id: &EventId,
        language: Language,
    ) -> Result<MailJob, AppError> {
        let (event, agendas) = forum_agendas(app, event_id)?;
        let mut firms = Vec::with_capacity(agendas.len());
        let mut messages = Vec::with_capacity(agendas.len());
        for (firm, agenda) in &agendas {
            let email = firm.profile.contact().and_then(|c| c.email.clone());
            let prepared = match &email {
                None => Prepared::NoAddress,
                Some(address) => match self.message(&event, firm, agenda, address, language) {
                    Ok(message) => Prepared::Ready(Box::new(message)),
                    Err(why) => Prepared::Unusable(why),
                },
            };
            let (status, error) = match &prepared {
                Prepared::Ready(_) => (MailStatus::Queued, None),
                Prepared::NoAddress => (MailStatus::Skipped, None),
                Prepared::Unusable(why) => (MailStatus::Failed, Some(why.clone())),
            };
            firms.push(MailFirm {
                firm_id: firm.id.to_string(),
                name: firm.profile.name().to_string(),
                email,
                status,
                attempts: 0,
                error,
                meetings: agenda.meetings.len(),
            });
            messages.push(prepared);
        }
        let mut job = MailJob {
            id: uuid::Uuid::new_v4().to_string(),
            event_id: event_id.to_string(),
            done: false,
            started_at: chrono::Utc::now(),
            finished_at: None,
            total: firms.len(),
            counts: MailCounts::default(),
            firms,
        };
        job.recount();
        let shared = Arc::new(Mutex::new(job.clone()));
        {
            let mut jobs = self.jobs();
            if let Some(running) = jobs.iter().find(|j| {
                let j = j.lock().unwrap_or_else(|e| e.into_inner());
                j.event_id == event_id.as_str() && !j.done
            }) {
                let running = running.lock().unwrap_or_else(|e| e.into_inner()).id.clone();
                return Err(AppError::Conflict(format!(
                    "job {running} is still sending this forum's agendas; wait for it to finish"
                )));
            }
            jobs.push(shared.clone());
            while jobs.len() > KEPT_JOBS {
                let Some(oldest_done) = jobs
                    .iter()
                    .position(|j| j.lock().unwrap_or_else(|e| e.into_inner()).done)
                else {
                    break;
                };
                jobs.remove(oldest_done);
            }
        }
        let mailer = self.clone();
        let job_id = job.id.clone();
        std::thread::Builder::new()
            .name("mitra-mail".into())
            .spawn(move || mailer.send_all(&shared, messages))
            .map_err(|e| {
                self.jobs()
                    .retain(|j| j.lock().unwrap_or_else(|e| e.into_inner()).id != job_id);
                AppError::Internal(anyhow::anyhow!("starting the mail thread: {e}"))
            })?;
        Ok(job)
    }

    /// One firm's message: the agenda as text, its `.ics` attached. Names go into headers
    /// only through lettre's encoders (a display name is quoted or encoded, never pasted),
    /// so no name can add a header or a recipient.
    fn message(
        &self,
        event: &crate::domain::event::Event,
        firm: &crate::domain::Firm,
        agenda: &forum::Agenda,
        address: &str,
        language: Language,
    ) -> Result<Message, String> {
        let address: Address = address
            .parse()
            .map_err(|e| format!("the stored address '{address}' cannot be used: {e}"))?;
        let subject = match language {
            Language::Indonesian => format!("Agenda temu bisnis: {}", event.name),
            Language::English => format!("Your business meeting agenda: {}", event.name),
        };
        let text = agenda_text(event, agenda, language);
        let ics = forum::agenda_ics(event, agenda);
        let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
            .map_err(|e| e.to_string())?;
        // Bytes are always sent as base64: the file arrives exactly as it downloads.
        let attachment = Attachment::new(format!("agenda-{}-{}.ics", event.id, firm.id)).body(
            Body::new_with_encoding(ics.into_bytes(), ContentTransferEncoding::Base64)
                .map_err(|_| "the .ics file cannot be encoded".to_string())?,
            calendar,
        );
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(one_line(firm.profile.name())), address))
            .subject(one_line(&subject))
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(text))
                    .singlepart(attachment),
            )
            .map_err(|e| format!("the message cannot be built: {e}"))
    }

    /// Sends in rounds: every queued message once, then a wait, then the failures again.
    fn send_all(&self, job: &Mutex<MailJob>, messages: Vec<Prepared>) {
        let update = |index: usize, change: &dyn Fn(&mut MailFirm)| {
            let mut job = job.lock().unwrap_or_else(|e| e.into_inner());
            change(&mut job.firms[index]);
            job.recount();
        };
        let mut pending: Vec<usize> = messages
            .iter()
            .enumerate()
            .filter_map(|(i, m)| matches!(m, Prepared::Ready(_)).then_some(i))
            .collect();
        let mut wait = self.first_backoff;
        for attempt in 1..=ATTEMPTS {
            let mut again = Vec::new();
            for index in pending {
                let Prepared::Ready(message) = &messages[index] else {
                    continue;
                };
                let outcome = self.transport.send(message);
                let last = attempt == ATTEMPTS;
                match outcome {
                    Ok(_) => update(index, &|f| {
                        f.attempts = attempt;
                        f.status = MailStatus::Sent;
                        f.error = None;
                    }),
                    Err(e) => {
                        let give_up = last || e.is_permanent();
                        let why = e.to_string();
                        tracing::warn!(attempt, give_up, error = %why, "an agenda e-mail failed");
                        update(index, &|f| {
                            f.attempts = attempt;
                            f.error = Some(why.clone());
                            if give_up {
                                f.status = MailStatus::Failed;
                            }
                        });
                        if !give_up {
                            again.push(index);
                        }
                    }
                }
            }
            pending = again;
            if pending.is_empty() {
                break;
            }
            std::thread::sleep(wait);
            wait *= 2;
        }
        let mut job = job.lock().unwrap_or_else(|e| e.into_inner());
        job.done = true;
        job.finished_at = Some(chrono::Utc::now());
        tracing::info!(
            job = %job.id,
            sent = job.counts.sent,
            failed = job.counts.failed,
            skipped = job.counts.skipped,
            "agenda e-mails finished"
        );
    }
}

/// Control characters (refused in stored names, yet kept out of headers here too) as spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// The jobs of a server without SMTP: none.
pub fn not_configured() -> AppError {
    AppError::NotConfigured(
        "e-mail is not configured on this server: the operator sets MITRA_SMTP_URL (and MITRA_SMTP_FROM)"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_at_start_without_repeating_the_url() {
        let bad = Mailer::new(&MailSettings {
            url: "http://user:secret@example.invalid".into(),
            from: DEFAULT_FROM.into(),
        })
        .unwrap_err()
        .to_string();
        assert!(bad.contains("MITRA_SMTP_URL"), "{bad}");
        assert!(!bad.contains("secret"), "{bad}");
        let sender = Mailer::new(&MailSettings {
            url: "smtp://127.0.0.1:2525".into(),
            from: "not an address".into(),
        })
        .unwrap_err()
        .to_string();
        assert!(sender.contains("MITRA_SMTP_FROM"), "{sender}");
        assert!(Mailer::new(&MailSettings {
            url: "smtp://127.0.0.1:2525".into(),
            from: DEFAULT_FROM.into(),
        })
        .is_ok());
    }

    #[test]
    fn counts_follow_the_statuses() {
        let firm = |status| MailFirm {
            firm_id: "a".into(),
            name: "A".into(),
            email: None,
            status,
            attempts: 0,
            error: None,
            meetings: 0,
        };
        let mut job = MailJob {
            id: "j".into(),
            event_id: "e".into(),
            done: false,
            started_at: chrono::Utc::now(),
            finished_at: None,
            total: 4,
            counts: MailCounts::default(),
            firms: vec![
                firm(MailStatus::Queued),
                firm(MailStatus::Sent),
                firm(MailStatus::Sent),
                firm(MailStatus::Skipped),
            ],
        };
        job.recount();
        assert_eq!(
            (
                job.counts.queued,
                job.counts.sent,
                job.counts.failed,
                job.counts.skipped
            ),
            (1, 2, 0, 1)
        );
    }
}
