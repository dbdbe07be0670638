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

/// utoipa keys a schema by the type's name alone: two Rust types with one name publish one
/// schema, and the document then describes one of them wrongly. Every name must stand for
/// one schema.
#[test]
fn every_schema_name_stands_for_one_type() {
    use std::collections::BTreeMap;
    let mut by_name: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for (name, schema) in mitra::api::published_schemas() {
        let schema = serde_json::to_value(schema).unwrap();
        let seen = by_name.entry(name).or_default();
        if !seen.contains(&schema) {
            seen.push(schema);
        }
    }
    let clashes: Vec<String> = by_name
        .iter()
        .filter(|(_, schemas)| schemas.len() > 1)
        .map(|(name, schemas)| {
            format!(
                "{name}: {}",
                schemas
                    .iter()
                    .map(|s| s.to_string().chars().take(160).collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\n    vs ")
            )
        })
        .collect();
    assert!(
        clashes.is_empty(),
        "schema names claimed by more than one type (give one `#[schema(as = …)]`):\n{}",
        clashes.join("\n")
    );
    // And the document holds exactly these names.
    let doc = serde_json::to_value(mitra::api::openapi()).unwrap();
    let documented: Vec<&String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(documented, by_name.keys().collect::<Vec<_>>());
}

/// utoipa keys a schema by the type's name alone: the solver's session, participant and
/// meeting share their Rust names with the forum's and must be published under their own.
#[test]
fn the_solver_request_documents_its_own_items() {
    let doc = serde_json::to_value(mitra::api::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let request = &schemas["ScheduleRequest"]["properties"];
    for (field, wanted) in [
        ("sessions", "slots"),
        ("participants", "unavailable_slots"),
        ("meetings", "consecutive"),
    ] {
        let target = request[field]["items"]["$ref"].as_str().unwrap();
        let name = target.rsplit('/').next().unwrap();
        assert!(
            schemas[name]["properties"].get(wanted).is_some(),
            "ScheduleRequest.{field} points at {name}, which has no {wanted}"
        );
    }
}
