//! Crash safety of the real binary: concurrent writes and all-or-nothing imports while the
//! process is killed with SIGKILL at seeded random moments, then restarted on the same
//! folder. Every acknowledged write must be found as acknowledged (or as a later write of
//! the same client), an import batch is either wholly present or wholly absent, and the
//! store opens cleanly every time.
//!
//! A second test fills a small tmpfs under the data folder and checks that writes get a
//! clear 503 `storage_unavailable` problem, that nothing acknowledged is lost, and that the
//! server works again once space is freed; then that a read-only disk stops the server at
//! start with a clear message. It needs permission to mount, so it is `#[ignore]`d (shown as
//! not run by a plain `cargo test`); `cargo test --test crash -- --ignored` runs it, and
//! there a missing permission fails it.
//!
//! `CRASH_ROUNDS` and `CRASH_SEED` change the number of kill rounds and the seed.

use mitra::domain::{Firm, FirmId, FirmInput, Reference};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

#[path = "support/server.rs"]
mod server;

const ORGANIZER: &str = "crash-organizer-token-5d1e7a3c9b2f4e6a";
const WRITERS: usize = 4;

/// The real server as a child process, with an organizer's client.
struct Server {
    process: server::Server,
    base: String,
    client: Client,
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        let process =
            server::Server::start(data_dir, &[], &[("MITRA_ORGANIZER_TOKENS", ORGANIZER)]);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {ORGANIZER}").parse().unwrap(),
        );
        let client = Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        Server {
            base: process.base.clone(),
            process,
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn ready_status(&self) -> u16 {
        self.client
            .get(self.url("/readyz"))
            .send()
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }

    /// Every stored firm by id: (version, name).
    fn firms(&self) -> BTreeMap<String, (u64, String)> {
        let response = self
            .client
            .get(self.url("/v1/firms/export?format=json"))
            .send()
            .expect("export answers");
        assert_eq!(response.status(), 200, "export after restart");
        let firms: Vec<Value> = response.json().expect("export is JSON");
        firms
            .into_iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    (
                        f["version"].as_u64().unwrap(),
                        f["name"].as_str().unwrap().to_string(),
                    ),
                )
            })
            .collect()
    }

    /// SIGKILL: no shutdown hook runs. (A failing test's server is killed when dropped.)
    fn kill(self) {
        self.process.kill();
    }
}

/// What a firm may look like after a crash: the last acknowledged state, or the state the
/// one unanswered write would have left. `None` = absent.
#[derive(Debug, Clone)]
struct Expect {
    acked: Option<(u64, String)>,
    pending: Option<Option<(u64, String)>>,
}

fn profile(name: &str, employees: u64) -> Value {
    json!({
        "name": name,
        "province": "NTB",
        "regency": "Lombok Timur",
        "kbli": ["10761"],
        "size": "small",
        "employees": employees,
        "certifications": ["halal", "pirt"],
        "products": [{"name": "Kopi arabika sangrai", "hs_code": "090121",
                      "capacity": {"amount": 300, "unit": "kg", "per": "month"}}],
        "needs": [{"name": "Standing pouch kemasan", "volume": {"amount": 2000, "unit": "pcs", "per": "month"}}],
        "contact": {"person": "Baiq Nurul Aini", "phone": "0812-3456-7890", "email": "aini@kopisembalun.id"}
    })
}

/// One writer: creates, replaces and deletes firms it alone owns (`w<t>-<n>`), until the
/// server stops answering. Returns its model and any unexpected answer.
fn writer(
    base: String,
    client: Client,
    seed: u64,
    thread: usize,
    mut model: BTreeMap<String, Expect>,
    mut next: u64,
) -> (BTreeMap<String, Expect>, u64, Vec<String>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut failures = Vec::new();
    for step in 0u64.. {
        let live: Vec<String> = model
            .iter()
            .filter(|(_, e)| e.acked.is_some())
            .map(|(id, _)| id.clone())
            .collect();
        let roll: f64 = rng.gen();
        if live.is_empty() || roll < 0.45 {
            let id = format!("w{thread}-{next}");
            next += 1;
            let name = format!("CV Uji {id} s{step}");
            let mut body = profile(&name, step % 500);
            body["id"] = json!(id);
            model.insert(
                id.clone(),
                Expect {
                    acked: None,
                    pending: Some(Some((1, name.clone()))),
                },
            );
            match client.post(format!("{base}/v1/firms")).json(&body).send() {
                Ok(r) if r.status() == 201 => {
                    let firm: Value = r.json().unwrap_or_default();
                    let version = firm["version"].as_u64().unwrap_or(0);
                    model.insert(
                        id,
                        Expect {
                            acked: Some((version, name)),
                            pending: None,
                        },
                    );
                }
                Ok(r) => {
                    failures.push(format!("POST {id}: {}", r.status()));
                    break;
                }
                Err(_) => break,
            }
        } else if roll < 0.85 {
            let id = &live[rng.gen_range(0..live.len())];
            let (version, _) = model[id].acked.clone().unwrap();
            let name = format!("CV Uji {id} s{step} diganti");
            model.get_mut(id).unwrap().pending = Some(Some((version + 1, name.clone())));
            match client
                .put(format!("{base}/v1/firms/{id}"))
                .json(&profile(&name, step % 500))
                .send()
            {
                Ok(r) if r.status() == 200 => {
                    let firm: Value = r.json().unwrap_or_default();
                    let e = model.get_mut(id).unwrap();
                    e.acked = Some((firm["version"].as_u64().unwrap_or(0), name));
                    e.pending = None;
                }
                Ok(r) => {
                    failures.push(format!("PUT {id}: {}", r.status()));
                    break;
                }
                Err(_) => break,
            }
        } else {
            let id = &live[rng.gen_range(0..live.len())];
            model.get_mut(id).unwrap().pending = Some(None);
            match client.delete(format!("{base}/v1/firms/{id}")).send() {
                Ok(r) if r.status() == 204 => {
                    let e = model.get_mut(id).unwrap();
                    e.acked = None;
                    e.pending = None;
                }
                Ok(r) => {
                    failures.push(format!("DELETE {id}: {}", r.status()));
                    break;
                }
                Err(_) => break,
            }
        }
    }
    (model, next, failures)
}

/// What is known of an import batch.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Batch {
    /// Answered 200: every firm must be there.
    Acked,
    /// No answer: all or none.
    Unknown,
    /// Seen wholly absent after a restart: must stay absent.
    Absent,
}

/// Demo firms validated once; batches reuse them under new ids.
fn demo_firms() -> Vec<Firm> {
    let now = chrono::Utc::now();
    mitra::gen::demo(77, 500)
        .into_iter()
        .map(|input: FirmInput| {
            let (_, profile) = input
                .parse(Reference::shared())
                .expect("demo firm is valid");
            Firm {
                id: FirmId::parse("placeholder").unwrap(),
                profile,
                version: 1,
                created_at: now,
                updated_at: now,
            }
        })
        .collect()
}

/// Posts import batches (CSV and JSON in turn) until the server stops answering.
fn importer(
    base: String,
    client: Client,
    seed: u64,
    lane: usize,
    templates: Arc<Vec<Firm>>,
    first: u64,
) -> (Vec<(Vec<String>, Batch)>, Vec<String>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut batches = Vec::new();
    let mut failures = Vec::new();
    for number in first.. {
        let size = rng.gen_range(200..=500);
        let firms: Vec<Firm> = templates[..size]
            .iter()
            .enumerate()
            .map(|(i, f)| Firm {
                id: FirmId::parse(&format!("i{lane}-{number}-{i}")).unwrap(),
                ..f.clone()
            })
            .collect();
        let ids: Vec<String> = firms.iter().map(|f| f.id.to_string()).collect();
        let request = client.post(format!("{base}/v1/firms/import"));
        let request = if number % 2 == 0 {
            let csv = mitra::app::csv_format::write_firms(&firms).unwrap();
            request.header("content-type", "text/csv").body(csv)
        } else {
            let inputs: Vec<FirmInput> = firms.iter().map(Firm::to_input).collect();
            request.json(&inputs)
        };
        batches.push((ids, Batch::Unknown));
        match request.send() {
            Ok(r) if r.status() == 200 => batches.last_mut().unwrap().1 = Batch::Acked,
            Ok(r) => {
                let status = r.status();
                failures.push(format!(
                    "import {number}: {status} {}",
                    r.text().unwrap_or_default()
                ));
                break;
            }
            Err(_) => break,
        }
    }
    (batches, failures)
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn acknowledged_writes_survive_sigkill_and_imports_stay_whole() {
    let rounds = env_or("CRASH_ROUNDS", 10);
    let seed = env_or("CRASH_SEED", 20_260_115);
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let templates = Arc::new(demo_firms());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut models: Vec<(BTreeMap<String, Expect>, u64)> =
        (0..WRITERS).map(|_| (BTreeMap::new(), 0)).collect();
    let mut batches: Vec<(Vec<String>, Batch)> = Vec::new();
    let mut next_batch = [0u64, 1];
    let mut failures: Vec<String> = Vec::new();
    let mut kills_during_import = 0;

    for round in 0..=rounds {
        let server = Server::start(&data_dir);
        assert_eq!(server.ready_status(), 200, "round {round}: readyz");
        let stored = server.firms();
        check(round, &stored, &mut models, &mut batches, &mut failures);
        assert!(
            failures.is_empty(),
            "round {round}:\n{}",
            failures.join("\n")
        );
        // Progress of a long run (`-- --nocapture`): a stopped run still tells how far it got.
        eprintln!(
            "round {round}/{rounds}: store opened, {} firms found as expected",
            stored.len()
        );
        if round == rounds {
            server.kill();
            break;
        }

        let mut writers = Vec::new();
        for (t, (model, next)) in std::mem::take(&mut models).into_iter().enumerate() {
            let (base, client, s) = (server.base.clone(), server.client.clone(), rng.gen());
            writers.push(std::thread::spawn(move || {
                writer(base, client, s, t, model, next)
            }));
        }
        let mut importers = Vec::new();
        for (lane, first) in next_batch.iter().enumerate() {
            let (base, client, s) = (server.base.clone(), server.client.clone(), rng.gen());
            let templates = templates.clone();
            let first = *first;
            importers.push(std::thread::spawn(move || {
                importer(base, client, s, lane, templates, first)
            }));
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(300..2500)));
        server.kill();

        for handle in writers {
            let (model, next, errs) = handle.join().expect("writer thread");
            models.push((model, next));
            failures.extend(errs);
        }
        for (lane, handle) in importers.into_iter().enumerate() {
            let (new, errs) = handle.join().expect("importer thread");
            next_batch[lane] += new.len() as u64 * 2;
            if new.last().is_some_and(|(_, b)| *b == Batch::Unknown) {
                kills_during_import += 1;
            }
            batches.extend(new);
            failures.extend(errs);
        }
        assert!(
            failures.is_empty(),
            "round {round}:\n{}",
            failures.join("\n")
        );
    }
    let acked = batches.iter().filter(|(_, b)| *b == Batch::Acked).count();
    let writes: usize = models.iter().map(|(m, _)| m.len()).sum();
    eprintln!(
        "{rounds} SIGKILL rounds: {writes} firms written one by one, {} import batches \
         ({acked} acknowledged, {kills_during_import} killed in flight)",
        batches.len()
    );
    assert!(acked > 0, "no import batch was ever acknowledged");
}

/// Compares the store after a restart with what the clients know, then folds what was
/// found into the model (an unanswered write either happened or not; now we know which).
fn check(
    round: u64,
    stored: &BTreeMap<String, (u64, String)>,
    models: &mut [(BTreeMap<String, Expect>, u64)],
    batches: &mut [(Vec<String>, Batch)],
    failures: &mut Vec<String>,
) {
    for (model, _) in models.iter_mut() {
        for (id, expect) in model.iter_mut() {
            let found = stored.get(id).cloned();
            let allowed =
                found == expect.acked || expect.pending.as_ref().is_some_and(|p| found == *p);
            if !allowed {
                failures.push(format!(
                    "round {round}: firm {id} is {found:?}; acknowledged {:?}, unanswered {:?}",
                    expect.acked, expect.pending
                ));
            }
            expect.acked = found;
            expect.pending = None;
        }
    }
    for (ids, state) in batches.iter_mut() {
        let present = ids.iter().filter(|id| stored.contains_key(*id)).count();
        let whole_and_fresh = ids
            .iter()
            .all(|id| stored.get(id).is_some_and(|(version, _)| *version == 1));
        match *state {
            Batch::Acked if !whole_and_fresh => failures.push(format!(
                "round {round}: acknowledged import {}.. has {present} of {} firms",
                ids[0],
                ids.len()
            )),
            Batch::Unknown | Batch::Absent if present != 0 && present != ids.len() => failures
                .push(format!(
                    "round {round}: import {}.. is partial: {present} of {} firms",
                    ids[0],
                    ids.len()
                )),
            Batch::Absent if present != 0 => failures.push(format!(
                "round {round}: import {}.. appeared after it was absent",
                ids[0]
            )),
            Batch::Unknown if present == 0 => *state = Batch::Absent,
            Batch::Unknown => *state = Batch::Acked,
            _ => {}
        }
    }
    let known: HashSet<&str> = batches
        .iter()
        .flat_map(|(ids, _)| ids.iter())
        .chain(models.iter().flat_map(|(model, _)| model.keys()))
        .map(String::as_str)
        .collect();
    for id in stored.keys() {
        if !known.contains(id.as_str()) {
            failures.push(format!("round {round}: firm {id} was never written"));
        }
    }
}

/// A tmpfs mounted on a folder for the life of the value.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Mount(at.to_path_buf()))
    }

    fn remount(&self, mode: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success(), "remount {mode}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system at `dir` until it refuses more bytes.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
    path
}

fn post_firm(server: &Server, id: &str) -> (u16, Value, Option<String>) {
    let mut body = profile(&format!("CV Disk {id}"), 3);
    body["id"] = json!(id);
    let r = server
        .client
        .post(server.url("/v1/firms"))
        .json(&body)
        .send()
        .expect("the server answers");
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    (status, r.json().unwrap_or_default(), content_type)
}

fn assert_storage_unavailable(
    what: &str,
    (status, body, content_type): (u16, Value, Option<String>),
) {
    assert_eq!(status, 503, "{what}: {body}");
    assert_eq!(body["code"], "storage_unavailable", "{what}: {body}");
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
}

#[test]
#[ignore = "mounts a tmpfs (needs root): cargo test --test crash -- --ignored (CI runs it)"]
fn a_full_or_read_only_disk_gives_a_clear_503_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mount = Mount::tmpfs(&dir.path().join("disk"), "24m")
        .unwrap_or_else(|e| panic!("a full/read-only disk needs permission to mount a tmpfs: {e}"));
    let data_dir = mount.0.join("data");
    let server = Server::start(&data_dir);
    assert_eq!(server.ready_status(), 200);
    for i in 0..5 {
        assert_eq!(post_firm(&server, &format!("before-{i}")).0, 201);
    }

    // Full disk.
    let filler = fill(&mount.0);
    let mut refused = None;
    for i in 0..200 {
        let answer = post_firm(&server, &format!("full-{i}"));
        if answer.0 != 201 {
            refused = Some(answer);
            break;
        }
    }
    let refused = refused.expect("some write must fail on a full disk");
    assert_storage_unavailable("write on a full disk", refused);
    // Readiness is cached about a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(server.ready_status(), 503, "readyz on a full disk");

    // Space freed: the server works again (after a restart if the store gave up).
    std::fs::remove_file(&filler).unwrap();
    let server = if post_firm(&server, "after-full").0 == 201 {
        server
    } else {
        eprintln!("the store stays failed after an I/O error: restarting it");
        server.kill();
        let server = Server::start(&data_dir);
        assert_eq!(post_firm(&server, "after-full").0, 201);
        server
    };
    // Readiness is cached about a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(server.ready_status(), 200, "readyz after space is freed");

    // Read-only file system. Linux refuses to make a mount read-only while files on it are
    // open for writing, so the store meets it at start: the binary must refuse to start
    // with a clear message (not a panic), and start normally once the disk is writable.
    server.kill();
    mount.remount("ro");
    let out = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .arg("serve")
        .env("MITRA_ADDR", "127.0.0.1:0")
        .env("MITRA_DATA_DIR", &data_dir)
        .env("MITRA_ORGANIZER_TOKENS", ORGANIZER)
        .stdin(Stdio::null())
        .output()
        .expect("mitra runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started on a read-only disk");
    assert!(
        stderr.contains("opening the store") && !stderr.contains("panicked"),
        "unclear failure on a read-only disk:\n{stderr}"
    );
    mount.remount("rw");

    let server = Server::start(&data_dir);
    assert_eq!(
        server.ready_status(),
        200,
        "the store opens cleanly afterwards"
    );
    let stored = server.firms();
    for i in 0..5 {
        assert!(
            stored.contains_key(&format!("before-{i}")),
            "before-{i} lost"
        );
    }
    assert!(stored.contains_key("after-full"));
    assert_eq!(post_firm(&server, "last").0, 201);
    server.kill();
}
