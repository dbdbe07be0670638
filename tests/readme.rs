//! The README's walk through the API, run as a new user runs it: its commands, taken from
//! README.md itself (so the README cannot drift), in bash against `mitra serve --demo` on a
//! fresh data folder. Every call must answer 2xx, and the forum must get a real timetable.
//! Needs bash and curl, which CI has; without them the test fails rather than passing.

#[path = "support/server.rs"]
mod server;

use server::{Server, BIN};

/// The indented block under "## A walk through the API", dedented.
fn walk(readme: &str) -> String {
    let start = readme
        .find("## A walk through the API")
        .expect("the README has its walk");
    let mut block = Vec::new();
    for line in readme[start..].lines().skip(1) {
        if let Some(command) = line.strip_prefix("    ") {
            block.push(command);
        } else if line.trim().is_empty() {
            block.push("");
        } else if !block.is_empty() {
            break;
        }
    }
    block.join("\n")
}

#[test]
fn the_readme_walk_runs_against_the_demo_data() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let walk = walk(&readme);
    let calls = walk.matches("curl ").count();
    assert!(calls >= 15, "the walk lost its calls:\n{walk}");
    let dir = tempfile::tempdir().unwrap();
    // As the README says: `serve --demo` keeps its data (and the organizer token) in
    // ./mitra-data, and the walk runs from the same folder.
    let server = Server::start(&dir.path().join("mitra-data"), &["--demo"], &[]);
    let script = format!(
        r#"set -euo pipefail
MITRA='{BIN}'
# Every call must succeed; its status goes to standard error for the test to check.
curl() {{ command curl --fail-with-body --show-error -w '%{{stderr}}STATUS %{{http_code}} %{{url_effective}}\n' "$@"; }}
# `cargo run --release -- ARGS` is the binary under test.
cargo() {{ [ "$1 $2 $3" = "run --release --" ] || {{ echo "unexpected: cargo $*" >&2; exit 99; }}; shift 3; "$MITRA" "$@"; }}
{}
"#,
        walk.replace("localhost:8080", &format!("localhost:{}", server.port()))
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("MITRA_DATA_DIR", dir.path().join("mitra-data"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the README walk stopped ({}):\n{stderr}\n--- output:\n{}",
        output.status,
        stdout
            .chars()
            .rev()
            .take(3000)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
    );
    let statuses: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("STATUS "))
        .collect();
    assert_eq!(statuses.len(), calls, "{stderr}");
    for status in &statuses {
        let code: u16 = status.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!((200..300).contains(&code), "{status}");
    }

    // What the walk leaves behind is what it promises.
    let agenda = std::fs::read_to_string(dir.path().join("agenda.ics")).unwrap();
    assert!(agenda.starts_with("BEGIN:VCALENDAR"), "{agenda}");
    assert!(
        agenda.contains("BEGIN:VEVENT"),
        "kopi-sembalun has a meeting:\n{agenda}"
    );
    let grid = std::fs::read_to_string(dir.path().join("grid.html")).unwrap();
    assert!(grid.contains("CV Kopi Sembalun Rinjani"), "{grid}");
    let export = std::fs::read_to_string(dir.path().join("export.csv")).unwrap();
    assert!(export.starts_with("id,name,province"));
    assert!(export.contains("kopi-sembalun,"));
    server.stop();
}
