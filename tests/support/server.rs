//! The real `mitra` binary, run as a user runs it: subcommands as child processes, and
//! `serve` on a free port found in its JSON log.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_mitra");

/// `mitra ARGS` with the data folder `data_dir`; the output, whatever the exit status.
pub fn mitra(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("MITRA_DATA_DIR", data_dir)
        .env_remove("MITRA_ORGANIZER_TOKENS")
        .env_remove("MITRA_ORGANIZER_TOKENS_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("mitra runs")
}

/// `mitra ARGS`, which must succeed; its standard output and error as text.
pub fn mitra_ok(data_dir: &Path, args: &[&str]) -> (String, String) {
    let out = mitra(data_dir, args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        out.status.success(),
        "mitra {args:?} failed ({}):\n{stderr}",
        out.status
    );
    (stdout, stderr)
}

/// `mitra serve ARGS` as a child process, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .args(args)
            .env("MITRA_ADDR", "127.0.0.1:0")
            .env("MITRA_DATA_DIR", data_dir)
            .env("MITRA_WORKERS", "2")
            .env("MITRA_LOG_JSON", "true")
            .env("RUST_LOG", "warn,mitra=info")
            .env_remove("MITRA_ORGANIZER_TOKENS")
            .env_remove("MITRA_ORGANIZER_TOKENS_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("mitra starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = Vec::new();
        let port = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!("mitra exited before listening:\n{}", seen.join("\n"));
            };
            if let Ok(entry) = serde_json::from_str::<Value>(&line) {
                if let Some(port) = entry["fields"]["port"].as_u64() {
                    break port;
                }
            }
            seen.push(line);
        };
        let echo = std::env::var("TEST_LOG").is_ok();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if echo {
                    eprintln!("[mitra] {line}");
                }
            }
        });
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Kills the server with SIGKILL (`Child::kill` on Unix): no shutdown hook runs.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Stops the server with SIGTERM and waits until it has flushed and exited.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("mitra did not stop on SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
