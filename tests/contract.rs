//! The committed OpenAPI document against the real server. The drift test (openapi.rs)
//! proves the file matches the code; this proves the code matches the file:
//!
//! - every example in the document is valid against the schema it illustrates;
//! - every operation, called in a forum's natural order with its documented example (path
//!   and query parameters, request body) on `serve --demo`, is accepted, and its answer is
//!   valid against the documented response schema of its status and content type.

#[path = "support/server.rs"]
mod server;
#[path = "support/smtp.rs"]
mod smtp;

use serde_json::Value;
use server::Server;

const ORGANIZER: &str = "contract-organizer-token-7a3e9c1d5b2f";
const DOC: &str = "urn:mitra:openapi";

fn committed() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A JSON pointer's segment, escaped, and made safe for a URI fragment.
fn segment(raw: &str) -> String {
    raw.replace('~', "~0")
        .replace('/', "~1")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32)
            }
        })
        .collect()
}

struct Validator {
    compiler: boon::Compiler,
    schemas: boon::Schemas,
}

impl Validator {
    fn new(doc: &Value) -> Validator {
        let mut compiler = boon::Compiler::new();
        compiler.add_resource(DOC, doc.clone()).unwrap();
        Validator {
            compiler,
            schemas: boon::Schemas::new(),
        }
    }

    /// Checks `value` against the schema at `pointer` (segments already escaped).
    fn check(&mut self, pointer: &str, value: &Value) -> Result<(), String> {
        let location = format!("{DOC}#{pointer}");
        let index = self
            .compiler
            .compile(&location, &mut self.schemas)
            .map_err(|e| format!("{pointer} does not compile: {e}"))?;
        self.schemas
            .validate(value, index)
            .map_err(|e| format!("{pointer}: {e:#}"))
    }
}

/// What a node of the document is, for finding the schemas that examples illustrate.
#[derive(Clone, Copy, PartialEq)]
enum Node {
    Other,
    Schema,
    /// A map of schemas (`properties`, `/components/schemas`).
    Schemas,
    /// A list of schemas (`allOf`, `oneOf`, `anyOf`, `prefixItems`).
    SchemaList,
}

/// Every example of the document: where it is, the pointer of the schema it illustrates,
/// and the example.
fn examples(value: &Value, pointer: &str, node: Node, out: &mut Vec<(String, String, Value)>) {
    match value {
        Value::Object(map) => {
            if let Some(example) = map.get("example") {
                if node == Node::Schema {
                    out.push((pointer.to_string(), pointer.to_string(), example.clone()));
                } else if map.contains_key("schema") {
                    out.push((
                        pointer.to_string(),
                        format!("{pointer}/schema"),
                        example.clone(),
                    ));
                }
            }
            for (key, child) in map {
                let child_node = match (node, key.as_str()) {
                    (Node::Schemas, _) => Node::Schema,
                    (_, "example" | "examples") => continue,
                    (_, "schema") => Node::Schema,
                    (Node::Other, "schemas") if pointer == "/components" => Node::Schemas,
                    (Node::Schema, "properties" | "patternProperties" | "$defs") => Node::Schemas,
                    (Node::Schema, "items" | "additionalProperties" | "not" | "contains") => {
                        Node::Schema
                    }
                    (Node::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => Node::SchemaList,
                    (Node::Schema, _) => continue,
                    _ => Node::Other,
                };
                examples(
                    child,
                    &format!("{pointer}/{}", segment(key)),
                    child_node,
                    out,
                );
            }
        }
        Value::Array(items) => {
            let child_node = if node == Node::SchemaList {
                Node::Schema
            } else {
                Node::Other
            };
            for (i, child) in items.iter().enumerate() {
                examples(child, &format!("{pointer}/{i}"), child_node, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_is_valid_against_its_schema() {
    let doc = committed();
    let mut validator = Validator::new(&doc);
    let mut found = Vec::new();
    examples(&doc, "", Node::Other, &mut found);
    // Component schemas' examples are under /components/schemas/<name>.
    assert!(found.len() > 50, "only {} examples found", found.len());
    assert!(found
        .iter()
        .any(|(at, _, _)| at == "/components/schemas/ScheduleRequest"));
    let failures: Vec<String> = found
        .iter()
        .filter_map(|(at, schema, example)| {
            validator
                .check(schema, example)
                .err()
                .map(|e| format!("example at {at}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The validator does reject what the schema forbids.
    let bad = serde_json::json!({"sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"}]});
    assert!(validator
        .check("/components/schemas/ScheduleRequest", &bad)
        .is_err());
}

/// Every operation, in the order a forum's organizer calls them; deletions last.
const SCENARIO: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/v1/me"),
    ("get", "/v1/reference/kbli"),
    ("get", "/v1/reference/hs"),
    ("get", "/v1/reference/regencies"),
    ("post", "/v1/firms"),
    ("get", "/v1/firms"),
    ("get", "/v1/firms/{id}"),
    ("put", "/v1/firms/{id}"),
    ("patch", "/v1/firms/{id}"),
    ("post", "/v1/firms/import"),
    ("post", "/v1/firms/import/tokens"),
    ("get", "/v1/firms/export"),
    ("post", "/v1/firms/{id}/token"),
    ("get", "/v1/firms/{id}/matches"),
    ("post", "/v1/match/score"),
    ("post", "/v1/match/batch"),
    ("get", "/v1/scoring/config"),
    ("put", "/v1/scoring/config"),
    ("post", "/v1/scoring/evaluate"),
    ("post", "/v1/schedule/solve"),
    ("post", "/v1/events"),
    ("get", "/v1/events"),
    ("get", "/v1/events/{id}"),
    ("post", "/v1/events/{id}/participants"),
    ("get", "/v1/events/{id}/participants"),
    ("post", "/v1/events/{id}/requests"),
    ("get", "/v1/events/{id}/requests"),
    ("post", "/v1/events/{id}/requests/{request_id}/{answer}"),
    ("post", "/v1/events/{id}/schedule"),
    ("get", "/v1/events/{id}/schedule"),
    ("post", "/v1/events/{id}/schedule/repair"),
    ("get", "/v1/events/{id}/agenda/{firm_id}"),
    ("get", "/v1/events/{id}/agenda-messages"),
    ("get", "/v1/events/{id}/agendas"),
    ("post", "/v1/events/{id}/agenda-emails"),
    ("get", "/v1/events/{id}/agenda-emails/{job_id}"),
    ("get", "/v1/events/{id}/agenda-emails"),
    ("get", "/v1/events/{id}/schedule/grid"),
    ("post", "/v1/events/{id}/meetings/{meeting_id}/outcome"),
    ("put", "/v1/events/{id}/meetings/{meeting_id}/outcome"),
    ("get", "/v1/events/{id}/meetings/{meeting_id}/outcome"),
    ("get", "/v1/events/{id}/outcomes"),
    ("get", "/v1/events/{id}/report"),
    ("get", "/v1/events/{id}/labels"),
    ("get", "/v1/status"),
    ("get", "/v1/backup"),
    ("delete", "/v1/events/{id}/participants/{firm_id}"),
    ("delete", "/v1/events/{id}"),
    ("delete", "/v1/firms/{id}"),
];

/// The documented example of a parameter, or of its schema.
fn param_example(param: &Value) -> Option<String> {
    let example = param
        .get("example")
        .or_else(|| param["schema"].get("example"))?;
    Some(match example {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The documented example body of an operation: the first content type that has one.
fn body_example(doc: &Value, operation: &Value) -> Option<(String, Value)> {
    let content = operation["requestBody"]["content"].as_object()?;
    content.iter().find_map(|(media, c)| {
        let example = c.get("example").cloned().or_else(|| {
            let name = c["schema"]["$ref"].as_str()?.rsplit('/').next()?;
            doc["components"]["schemas"][name].get("example").cloned()
        })?;
        Some((media.clone(), example))
    })
}

#[test]
fn every_operation_accepts_its_documented_example() {
    let doc = committed();
    let mut documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    documented.sort();
    let mut scenario: Vec<(String, String)> = SCENARIO
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    scenario.sort();
    assert_eq!(
        scenario, documented,
        "the scenario must call every documented operation once"
    );

    let dir = tempfile::tempdir().unwrap();
    // A mail server on 127.0.0.1 for the agenda e-mails.
    let sink = smtp::SmtpSink::start();
    let server = Server::start(
        &dir.path().join("data"),
        &["--demo"],
        &[
            ("MITRA_ORGANIZER_TOKENS", ORGANIZER),
            ("MITRA_SMTP_URL", &sink.url()),
        ],
    );
    let client = reqwest::blocking::Client::new();
    let mut validator = Validator::new(&doc);
    // Ids the server makes: a created request's id answers `{request_id}`.
    let mut made: Vec<(&str, String)> = Vec::new();
    // A token only the server can make: the token sheet is asked for the token of the firm
    // the scenario created (the documented example's token is a placeholder).
    let mut issued: Option<Value> = None;
    let mut failures = Vec::new();
    let mut validated = 0;
    for (method, template) in SCENARIO {
        let operation = &doc["paths"][template][method];
        let mut path = template.to_string();
        let mut query = Vec::new();
        for param in operation["parameters"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap();
            let value = made
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .or_else(|| param_example(param));
            match (param["in"].as_str().unwrap(), value) {
                ("path", Some(v)) => path = path.replace(&format!("{{{name}}}"), &v),
                ("path", None) => {
                    panic!("{method} {template}: path parameter {name} has no example")
                }
                ("query", Some(v)) => query.push((name.to_string(), v)),
                _ => {}
            }
        }
        let mut request = client
            .request(
                method.to_uppercase().parse().unwrap(),
                format!("{}{path}", server.base),
            )
            .bearer_auth(ORGANIZER)
            .query(&query);
        let example = match (*template, issued.clone()) {
            ("/v1/firms/import/tokens", Some(tokens)) => {
                Some(("application/json".to_string(), tokens))
            }
            _ => body_example(&doc, operation),
        };
        if let Some((media, example)) = example {
            let body = match example {
                Value::String(s) if !media.contains("json") => s,
                other => other.to_string(),
            };
            request = request.header("Content-Type", media).body(body);
        } else if operation.get("requestBody").is_some() {
            failures.push(format!(
                "{method} {template}: the request body has no example"
            ));
            continue;
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let media = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap()
            .trim()
            .to_string();
        let text = response.text().unwrap();
        let call = format!("{} {path}", method.to_uppercase());
        if !(200..300).contains(&status) {
            failures.push(format!(
                "{call} answered {status}: {}",
                text.chars().take(400).collect::<String>()
            ));
            continue;
        }
        let documented = &operation["responses"][status.to_string()];
        if documented.is_null() {
            failures.push(format!("{call} answered {status}, which is not documented"));
            continue;
        }
        if status == 204 {
            continue;
        }
        let Some(content) = documented["content"].get(&media) else {
            failures.push(format!(
                "{call} answered {media}, not a documented content type of {status}"
            ));
            continue;
        };
        if media == "application/x-ndjson" {
            // JSON Lines (the backup): every line is one JSON value.
            for line in text.lines() {
                if let Err(e) = serde_json::from_str::<Value>(line) {
                    failures.push(format!("{call}: a line is not JSON: {e}"));
                }
            }
            continue;
        }
        if media.contains("json") {
            let body: Value = serde_json::from_str(&text).unwrap();
            if content.get("schema").is_some() {
                let pointer = format!(
                    "/paths/{}/{method}/responses/{status}/content/{}/schema",
                    segment(template),
                    segment(&media)
                );
                validated += 1;
                if let Err(e) = validator.check(&pointer, &body) {
                    failures.push(format!("{call}: the answer does not match its schema: {e}"));
                }
            }
            if *template == "/v1/events/{id}/requests" && *method == "post" {
                made.push(("request_id", body["id"].as_str().unwrap().to_string()));
            }
            if *template == "/v1/events/{id}/agenda-emails" && *method == "post" {
                made.push(("job_id", body["id"].as_str().unwrap().to_string()));
            }
            if *template == "/v1/firms" && *method == "post" {
                issued = Some(serde_json::json!([
                    {"firm_id": body["id"], "token": body["token"]}
                ]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        validated >= 30,
        "only {validated} JSON answers were checked"
    );
    server.stop();
}
