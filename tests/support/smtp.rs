//! A mail server for tests: a minimal SMTP responder on 127.0.0.1 (a free port), in this
//! process, that keeps every message it is given with its envelope. Written here rather
//! than run as Python's aiosmtpd: the tests need nothing outside `cargo test`, and they
//! can read the envelope (who the server was asked to deliver to) next to the message.
//! It also reads messages back: headers, and the parts of a multipart message decoded
//! from base64 or quoted-printable.

#![allow(dead_code)]

use base64::Engine;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA (dot-unstuffed, CRLF line ends).
    pub data: String,
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Listens on 127.0.0.1 only, on a free port; serves until the test process ends.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &store);
                });
            }
        });
        SmtpSink { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) until `count` messages have come.
    pub fn wait_for(&self, count: usize, limit: Duration) -> Vec<Received> {
        let deadline = Instant::now() + limit;
        loop {
            let now = self.received();
            if now.len() >= count || Instant::now() > deadline {
                return now;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve(stream: TcpStream, store: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 127.0.0.1 test sink ready\r\n")?;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            out.write_all(b"250 127.0.0.1\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = command[10..].trim().to_string();
            rcpt_to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            rcpt_to.push(command[8..].trim().to_string());
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "DATA" {
            out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            store.lock().unwrap().push(Received {
                mail_from: mail_from.clone(),
                rcpt_to: rcpt_to.clone(),
                data,
            });
            out.write_all(b"250 OK queued\r\n")?;
        } else if upper == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            out.write_all(b"250 OK\r\n")?;
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

/// A message's (or a part's) header block and body.
fn split(text: &str) -> (&str, &str) {
    text.split_once("\r\n\r\n").unwrap_or((text, ""))
}

/// The headers, unfolded, as (lower-case name, value) in order.
pub fn headers(text: &str) -> Vec<(String, String)> {
    let (head, _) = split(text);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

pub fn header(text: &str, name: &str) -> Option<String> {
    headers(text)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// One leaf part of a multipart message, decoded.
#[derive(Debug, Clone)]
pub struct Part {
    pub content_type: String,
    pub disposition: Option<String>,
    pub body: Vec<u8>,
}

impl Part {
    /// The attachment's file name from its Content-Disposition, with a long name's RFC 2231
    /// continuations (`filename*0="…"; filename*1="…"`) joined back.
    pub fn filename(&self) -> Option<String> {
        let disposition = self.disposition.as_deref()?;
        let mut pieces: Vec<(usize, String)> = Vec::new();
        for param in disposition.split(';').map(str::trim) {
            let Some((key, value)) = param.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"').to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "filename" => return Some(value),
                key => {
                    if let Some(n) = key.strip_prefix("filename*") {
                        pieces.push((n.parse().ok()?, value));
                    }
                }
            }
        }
        pieces.sort();
        (!pieces.is_empty()).then(|| pieces.into_iter().map(|(_, v)| v).collect())
    }
}

/// The leaf parts of a message (nested multiparts walked), bodies decoded.
pub fn parts(text: &str) -> Vec<Part> {
    let content_type = header(text, "content-type").unwrap_or_default();
    let (_, body) = split(text);
    if content_type.to_ascii_lowercase().starts_with("multipart/") {
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .expect("a multipart message names its boundary")
            .trim_matches('"')
            .to_string();
        let delimiter = format!("--{boundary}");
        body.split(delimiter.as_str())
            .skip(1)
            .take_while(|chunk| !chunk.starts_with("--"))
            .flat_map(|chunk| parts(chunk.trim_start_matches("\r\n")))
            .collect()
    } else {
        let encoding = header(text, "content-transfer-encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let body = match encoding.as_str() {
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(body.split_whitespace().collect::<String>())
                .expect("a base64 body decodes"),
            "quoted-printable" => quoted_printable(body),
            _ => body.as_bytes().to_vec(),
        };
        vec![Part {
            content_type,
            disposition: header(text, "content-disposition"),
            body,
        }]
    }
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1..i + 3) == Some(b"\r\n") => i += 3,
            b'=' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("a quoted-printable escape"));
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
