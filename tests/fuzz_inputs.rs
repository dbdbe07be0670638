//! Property tests of the input parsers: the CSV import reader and `FirmInput::parse` never
//! panic on arbitrary input, and a sheet written from valid firms reads back as the same
//! firms.

use mitra::app::csv_format::{read_rows, write_firms};
use mitra::domain::{Firm, FirmInput, Reference};
use proptest::prelude::*;
use serde_json::Value;

/// Arbitrary JSON, biased towards the shape of a firm profile so parsing goes deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "NTB",
            "JATIM",
            "52",
            "Lombok Timur",
            "52.03",
            "Sidoarjo",
            "10761",
            "small",
            "mikro",
            "halal",
            "pirt",
            "kg",
            "kuintal",
            "month",
            "bulan",
            "090121",
            "0812-3456-7890",
            "a@b.id",
            "",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "id",
                    "name",
                    "province",
                    "regency",
                    "kbli",
                    "size",
                    "employees",
                    "certifications",
                    "products",
                    "needs",
                    "contact",
                    "version",
                    "hs_code",
                    "capacity",
                    "volume",
                    "amount",
                    "unit",
                    "per",
                    "person",
                    "phone",
                    "email",
                    "required_certifications",
                ])
                .prop_map(str::to_string),
                inner,
                0..8,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Valid firms from the demo generator (a seed picks which).
fn demo_firms(seed: u64, count: usize) -> Vec<Firm> {
    let now = chrono::Utc::now();
    mitra::gen::demo(seed, count)
        .into_iter()
        .map(|input| {
            let (id, profile) = input
                .parse(Reference::shared())
                .expect("demo firm is valid");
            Firm {
                id: id.expect("demo firms have ids"),
                profile,
                version: 1,
                created_at: now,
                updated_at: now,
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn csv_reader_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_rows(&body);
    }

    #[test]
    fn csv_reader_never_panics_on_sheet_like_text(
        header in prop::sample::subsequence(
            vec!["id", "name", "province", "regency", "kbli", "size", "employees",
                 "certifications", "products", "needs", "contact_person", "contact_phone",
                 "contact_email"], 0..13),
        cells in prop::collection::vec(prop::collection::vec("[^\\n]{0,16}", 0..14), 0..6),
        delimiter in prop::sample::select(vec![",", ";"]),
    ) {
        let mut text = header.join(delimiter);
        for row in cells {
            text.push('\n');
            text.push_str(&row.join(delimiter));
        }
        if let Ok(rows) = read_rows(text.as_bytes()) {
            for row in rows {
                let _ = row.input.parse(Reference::shared());
            }
        }
    }

    #[test]
    fn firm_input_parse_never_panics(value in json_value()) {
        if let Ok(input) = serde_json::from_value::<FirmInput>(value) {
            let _ = input.parse(Reference::shared());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_written_sheet_reads_back_as_the_same_firms(seed in any::<u64>(), count in 1usize..12) {
        let firms = demo_firms(seed, count);
        let sheet = write_firms(&firms).unwrap();
        let rows = read_rows(&sheet).expect("a written sheet is readable");
        prop_assert_eq!(rows.len(), firms.len());
        for (row, firm) in rows.iter().zip(&firms) {
            prop_assert!(row.errors.is_empty(), "line {}: {:?}", row.line, row.errors);
            let (id, profile) = row.input.parse(Reference::shared()).expect("row is valid");
            prop_assert_eq!(id.as_ref(), Some(&firm.id));
            prop_assert_eq!(&profile, &firm.profile);
        }
    }
}
