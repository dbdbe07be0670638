//! The committed OpenAPI document must equal what the code generates.
//! `UPDATE=1 cargo test --test openapi` rewrites it.

#[test]
fn committed_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let generated = serde_json::to_string_pretty(&mitra::api::openapi()).unwrap() + "\n";
    if std::env::var("UPDATE").is_ok() {
        std::fs::write(path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        let diff: Vec<String> = committed
            .lines()
            .zip(generated.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(10)
            .map(|(n, (a, b))| format!("line {}:\n  committed: {a}\n  generated: {b}", n + 1))
            .collect();
        panic!(
            "openapi/openapi.json is out of date ({} vs {} lines); run UPDATE=1 cargo test --test openapi\n{}",
            committed.lines().count(),
            generated.lines().count(),
            diff.join("\n")
        );
    }
}
