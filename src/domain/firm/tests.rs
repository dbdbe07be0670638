//! Tests of firm profiles.

use super::*;
use proptest::prelude::*;

fn sample() -> FirmInput {
    serde_json::from_value(serde_json::json!({
        "name": "CV Kopi Sembalun",
        "province": "52",
        "regency": "Kab. Lombok Timur",
        "kbli": ["10761"],
        "size": "kecil",
        "employees": 14,
        "certifications": ["Halal", "P-IRT"],
        "products": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                      "capacity": {"amount": 300, "unit": "Kg", "per": "bulan"}}],
        "needs": [{"name": "Standing pouch", "volume": {"amount": 2000, "unit": "pcs", "per": "month"},
                   "required_certifications": ["halal"]}],
        "contact": {"person": "Aini", "phone": "0812-3456-7890", "email": "Aini@Kopi.id"}
    }))
    .unwrap()
}

#[test]
fn parses_and_normalises_a_realistic_profile() {
    let (id, p) = sample().parse(Reference::shared()).unwrap();
    assert_eq!(id, None);
    assert_eq!(p.province, Province::Ntb);
    assert_eq!(p.regency, "52.03");
    assert_eq!(p.size, FirmSize::Small);
    assert_eq!(
        p.certifications,
        vec![Certification::Halal, Certification::Pirt]
    );
    assert_eq!(p.products[0].hs_code.as_deref(), Some("090121"));
    assert_eq!(p.products[0].capacity.unit(), Unit::Kg);
    let contact = p.contact.unwrap();
    assert_eq!(contact.phone.as_deref(), Some("+6281234567890"));
    assert_eq!(contact.email.as_deref(), Some("aini@kopi.id"));
}

/// The accessors show what `FirmInput::parse`, the only code that sets these fields, made of
/// the input: names trimmed, the regency as its reference code and name, KBLI codes without
/// duplicates, certifications sorted without duplicates, HS codes without dots, rates in
/// known units, contact details in normal form.
#[test]
fn a_parsed_profile_holds_the_normalised_values() {
    let mut input = sample();
    input.name = Some("  CV Kopi Sembalun \t".into());
    input.kbli = Some(vec![" 10761 ".into(), "10761".into()]);
    input.certifications = Some(vec!["P-IRT".into(), "halal".into(), "Halal MUI".into()]);
    input.needs.as_mut().unwrap()[0].name = Some(" Standing pouch ".into());
    input.needs.as_mut().unwrap()[0].required_certifications =
        Some(vec!["sni".into(), "Halal".into(), "SNI".into()]);
    let reference = Reference::shared();
    let (_, p) = input.parse(reference).unwrap();

    assert_eq!(p.name(), "CV Kopi Sembalun");
    assert_eq!(p.province(), Province::Ntb);
    let regency = reference
        .find_regency(Province::Ntb, "Lombok Timur")
        .unwrap();
    assert_eq!(
        (p.regency(), p.regency_name()),
        ("52.03", regency.name.as_str())
    );
    assert_eq!(p.kbli(), ["10761"]);
    assert_eq!((p.size(), p.employees()), (FirmSize::Small, 14));
    assert_eq!(
        p.certifications(),
        [Certification::Halal, Certification::Pirt]
    );
    assert!(p.has_certification(Certification::Pirt));

    let [product] = p.products() else {
        panic!("one product expected: {:?}", p.products())
    };
    assert_eq!(product.name(), "Kopi arabika sangrai");
    assert_eq!(product.hs_code(), Some("090121"));
    assert_eq!(product.capacity().unit(), Unit::Kg);
    assert_eq!(product.capacity().per(), Period::Month);

    let [need] = p.needs() else {
        panic!("one need expected: {:?}", p.needs())
    };
    assert_eq!(need.name(), "Standing pouch");
    assert_eq!(need.hs_code(), None);
    assert_eq!(need.volume().amount(), 2000.0);
    assert_eq!(
        need.required_certifications(),
        [Certification::Halal, Certification::Sni]
    );

    let contact = p.contact().unwrap();
    assert_eq!(contact.phone.as_deref(), Some("+6281234567890"));
    assert_eq!(contact.email.as_deref(), Some("aini@kopi.id"));
}

/// Dropping the contact is the one change a profile offers; everything else stays.
#[test]
fn without_contact_drops_only_the_contact() {
    let (_, p) = sample().parse(Reference::shared()).unwrap();
    assert!(p.contact().is_some());
    let mut expected = p.clone();
    expected.contact = None;
    assert_eq!(p.without_contact(), expected);
}

#[test]
fn reports_every_invalid_field_with_its_path() {
    let mut input = sample();
    input.province = Some("Bali".into());
    input.kbli = Some(vec!["99999".into(), "1".into()]);
    input.employees = Some(-3);
    input.products.as_mut().unwrap()[0].capacity = Some(RateInput {
        amount: Some(-5.0),
        unit: Some("bushel".into()),
        per: Some("month".into()),
    });
    input.needs.as_mut().unwrap()[0].required_certifications = Some(vec!["kosher".into()]);
    input.contact.as_mut().unwrap().email = Some("not-an-email".into());
    let errors = input.parse(Reference::shared()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for expected in [
        "province",
        "kbli[0]",
        "kbli[1]",
        "employees",
        "products[0].capacity.unit",
        "needs[0].required_certifications[0]",
        "contact.email",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing in {fields:?}"
        );
    }
}

#[test]
fn missing_required_fields_are_named() {
    let errors = FirmInput::default().parse(Reference::shared()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "province", "regency", "kbli", "size", "employees"]
    );
}

#[test]
fn generated_ids_are_valid_slugs_sorted_by_time() {
    let a = FirmId::generate(1_700_000_000_000, u64::MAX);
    let b = FirmId::generate(1_700_000_000_001, 0);
    assert!(a < b);
    assert_eq!(a.as_str().len(), 18);
    assert_eq!(FirmId::parse(a.as_str()), Ok(a));
}

#[test]
fn phone_numbers_normalise_to_plus_62() {
    assert_eq!(parse_phone("0370 123456").unwrap(), "+62370123456");
    assert_eq!(parse_phone("+62 812-3456-7890").unwrap(), "+6281234567890");
    assert!(parse_phone("+1 555 0100").is_err());
    assert!(parse_phone("call me").is_err());
}

fn any_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(any::<String>())
}

fn any_rate() -> impl Strategy<Value = Option<RateInput>> {
    proptest::option::of(
        (
            proptest::option::of(any::<f64>()),
            proptest::option::of(prop_oneof![Just("kg".to_string()), any::<String>()]),
            proptest::option::of(prop_oneof![Just("month".to_string()), any::<String>()]),
        )
            .prop_map(|(amount, unit, per)| RateInput { amount, unit, per }),
    )
}

fn any_input() -> impl Strategy<Value = FirmInput> {
    (
        any_text(),
        any_text(),
        proptest::option::of(prop_oneof![Just("NTB".to_string()), any::<String>()]),
        proptest::option::of(prop_oneof![Just("Mataram".to_string()), any::<String>()]),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![Just("10761".to_string()), "[0-9]{1,6}"],
            0..4,
        )),
        proptest::option::of(any::<i64>()),
        proptest::collection::vec(
            (any_text(), any_text(), any_rate()).prop_map(|(name, hs_code, capacity)| {
                ProductInput {
                    name,
                    hs_code,
                    capacity,
                }
            }),
            0..3,
        ),
        proptest::option::of((any_text(), any_text(), any_text()).prop_map(
            |(person, phone, email)| ContactInput {
                person,
                phone,
                email,
            },
        )),
    )
        .prop_map(
            |(id, name, province, regency, kbli, employees, products, contact)| FirmInput {
                id,
                name,
                province,
                regency,
                kbli,
                size: Some("small".into()),
                employees,
                certifications: None,
                products: Some(products),
                needs: None,
                contact,
                version: None,
            },
        )
}

proptest! {
    #[test]
    fn parser_never_panics_and_valid_profiles_round_trip(input in any_input()) {
        let reference = Reference::shared();
        if let Ok((id, profile)) = input.parse(reference) {
            let firm = Firm {
                id: id.unwrap_or_else(|| FirmId::generate(0, 0)),
                profile: profile.clone(),
                version: 1,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                updated_at: DateTime::<Utc>::UNIX_EPOCH,
            };
            // Profile → input → profile is the identity.
            let (_, again) = firm.to_input().parse(reference).unwrap();
            prop_assert_eq!(&again, &profile);
            // And the stored JSON form reads back unchanged.
            let json = serde_json::to_string(&firm).unwrap();
            let back: Firm = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, firm);
        }
    }
}
