//! Firm profiles: what an IKM makes (products with capacity), what it buys (needs with
//! volume and required certifications), where it is and how to reach it.
//!
//! Client input arrives as [`FirmInput`] (everything optional, loosely typed) and becomes a
//! [`FirmProfile`] only through [`FirmInput::parse`], which reports every invalid field at once.
//! A `FirmProfile` therefore always holds valid values and nothing downstream re-checks them.
//!
//! That is a guarantee, not a convention: the fields of [`FirmProfile`], [`Product`] and
//! [`Need`] are private, so code outside this module reads them through accessors and can
//! neither build a profile nor change a field without the checks. The one change offered,
//! [`FirmProfile::without_contact`], drops the optional contact, which leaves a valid profile.
//! `Deserialize` stays for the store and its backups (export/import), which read back profiles
//! that were validated before they were written.

pub use super::field_error::FieldError;
use super::field_error::FieldErrors as Errors;
use super::formats::check_hs_code;
pub use super::formats::{parse_email, parse_hs_code, parse_phone};
pub use super::id::FirmId;
use super::province::Province;
use super::quantity::{Period, Rate, Unit};
use super::reference::Reference;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_PRODUCTS: usize = 100;
pub const MAX_NEEDS: usize = 100;
pub const MAX_KBLI: usize = 20;
pub const MAX_EMPLOYEES: u32 = 1_000_000;

/// Certifications buyers ask for. A closed list: an unknown name is an error, not a new kind.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Certification {
    /// Halal (BPJPH/MUI); for the halal industrial zone the whole chain must hold it.
    Halal,
    /// PIRT: home food industry permit (Pangan Industri Rumah Tangga).
    Pirt,
    /// BPOM registration (food and drug authority).
    Bpom,
    /// SNI: Indonesian National Standard.
    Sni,
    Iso9001,
    Iso22000,
    Haccp,
    Gmp,
    Organic,
    /// SVLK: timber legality, asked for furniture and rattan.
    Svlk,
}

impl Certification {
    pub const ALL: [Certification; 10] = [
        Certification::Halal,
        Certification::Pirt,
        Certification::Bpom,
        Certification::Sni,
        Certification::Iso9001,
        Certification::Iso22000,
        Certification::Haccp,
        Certification::Gmp,
        Certification::Organic,
        Certification::Svlk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Certification::Halal => "halal",
            Certification::Pirt => "pirt",
            Certification::Bpom => "bpom",
            Certification::Sni => "sni",
            Certification::Iso9001 => "iso9001",
            Certification::Iso22000 => "iso22000",
            Certification::Haccp => "haccp",
            Certification::Gmp => "gmp",
            Certification::Organic => "organic",
            Certification::Svlk => "svlk",
        }
    }
}

impl fmt::Display for Certification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Certification {
    type Err = String;

    /// Case and punctuation are ignored: "P-IRT", "ISO 9001" and "Halal MUI" parse.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let key = match key.as_str() {
            "halalmui" | "halalbpjph" => "halal",
            "spirt" => "pirt",
            "organik" => "organic",
            k => k,
        };
        Certification::ALL
            .into_iter()
            .find(|c| c.as_str() == key)
            .ok_or_else(|| {
                format!(
                    "unknown certification '{}'; use one of: {}",
                    s.trim(),
                    Certification::ALL.map(Certification::as_str).join(", ")
                )
            })
    }
}

/// Size class of an IKM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FirmSize {
    Micro,
    Small,
    Medium,
}

impl FromStr for FirmSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "micro" | "mikro" => Ok(FirmSize::Micro),
            "small" | "kecil" => Ok(FirmSize::Small),
            "medium" | "menengah" => Ok(FirmSize::Medium),
            other => Err(format!(
                "unknown size '{other}'; use micro (mikro), small (kecil) or medium (menengah)"
            )),
        }
    }
}

impl FirmSize {
    pub fn as_str(self) -> &'static str {
        match self {
            FirmSize::Micro => "micro",
            FirmSize::Small => "small",
            FirmSize::Medium => "medium",
        }
    }
}

/// Something the firm makes, with how much it can deliver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Kopi arabika sangrai", "hs_code": "090121", "capacity": {"amount": 300.0, "unit": "kg", "per": "month"}}))]
pub struct Product {
    name: String,
    /// HS 2022 code (2, 4 or 6 digits) when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hs_code: Option<String>,
    capacity: Rate,
}

/// An input the firm buys, with the volume and the certifications its supplier must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Green arabica coffee beans", "hs_code": "090111", "volume": {"amount": 2.0, "unit": "ton", "per": "month"}, "required_certifications": ["halal"]}))]
pub struct Need {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hs_code: Option<String>,
    volume: Rate,
    #[serde(default)]
    required_certifications: Vec<Certification>,
}

/// Who to call at the firm. Phone numbers are stored in international form (+62…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"person": "Baiq Nurul Aini", "phone": "+6281234567890", "email": "aini@kopisembalun.id"}))]
pub struct Contact {
    pub person: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A validated firm profile: everything a client may set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FirmProfile {
    name: String,
    province: Province,
    /// Kemendagri code of the kabupaten/kota, e.g. "52.03".
    regency: String,
    /// Name of the kabupaten/kota, from the reference table.
    regency_name: String,
    /// KBLI 2020 subclasses (5 digits), the first being the main activity.
    kbli: Vec<String>,
    size: FirmSize,
    employees: u32,
    certifications: Vec<Certification>,
    products: Vec<Product>,
    needs: Vec<Need>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact: Option<Contact>,
}

impl Product {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// HS 2022 code (2, 4 or 6 digits) when known.
    pub fn hs_code(&self) -> Option<&str> {
        self.hs_code.as_deref()
    }

    pub fn capacity(&self) -> Rate {
        self.capacity
    }
}

impl Need {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// HS 2022 code (2, 4 or 6 digits) when known.
    pub fn hs_code(&self) -> Option<&str> {
        self.hs_code.as_deref()
    }

    pub fn volume(&self) -> Rate {
        self.volume
    }

    /// Sorted, without duplicates.
    pub fn required_certifications(&self) -> &[Certification] {
        &self.required_certifications
    }
}

impl FirmProfile {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn province(&self) -> Province {
        self.province
    }

    /// Kemendagri code of the kabupaten/kota, e.g. "52.03".
    pub fn regency(&self) -> &str {
        &self.regency
    }

    /// Name of the kabupaten/kota, from the reference table.
    pub fn regency_name(&self) -> &str {
        &self.regency_name
    }

    /// KBLI 2020 subclasses (5 digits), the first being the main activity; no duplicates.
    pub fn kbli(&self) -> &[String] {
        &self.kbli
    }

    pub fn size(&self) -> FirmSize {
        self.size
    }

    pub fn employees(&self) -> u32 {
        self.employees
    }

    /// Sorted, without duplicates.
    pub fn certifications(&self) -> &[Certification] {
        &self.certifications
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn needs(&self) -> &[Need] {
        &self.needs
    }

    pub fn contact(&self) -> Option<&Contact> {
        self.contact.as_ref()
    }

    pub fn has_certification(&self, c: Certification) -> bool {
        self.certifications.contains(&c)
    }

    /// The same profile without its contact details (for callers who may not see them).
    /// Every other field is kept, so the profile stays valid.
    pub fn without_contact(mut self) -> Self {
        self.contact = None;
        self
    }
}

/// A stored firm: its profile plus what the server keeps about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Firm {
    pub id: FirmId,
    #[serde(flatten)]
    pub profile: FirmProfile,
    /// Incremented by every change; send it back (or `If-Match`) to update safely.
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Firm {
    /// The profile as input again (for PATCH and for round trips through CSV/JSON).
    pub fn to_input(&self) -> FirmInput {
        let p = &self.profile;
        FirmInput {
            id: Some(self.id.to_string()),
            name: Some(p.name.clone()),
            province: Some(p.province.to_string()),
            regency: Some(p.regency.clone()),
            kbli: Some(p.kbli.clone()),
            size: Some(p.size.as_str().to_string()),
            employees: Some(p.employees as i64),
            certifications: Some(p.certifications.iter().map(|c| c.to_string()).collect()),
            products: Some(
                p.products
                    .iter()
                    .map(|x| ProductInput {
                        name: Some(x.name.clone()),
                        hs_code: x.hs_code.clone(),
                        capacity: Some(RateInput::from(&x.capacity)),
                    })
                    .collect(),
            ),
            needs: Some(
                p.needs
                    .iter()
                    .map(|x| NeedInput {
                        name: Some(x.name.clone()),
                        hs_code: x.hs_code.clone(),
                        volume: Some(RateInput::from(&x.volume)),
                        required_certifications: Some(
                            x.required_certifications
                                .iter()
                                .map(|c| c.to_string())
                                .collect(),
                        ),
                    })
                    .collect(),
            ),
            contact: p.contact.as_ref().map(|c| ContactInput {
                person: Some(c.person.clone()),
                phone: c.phone.clone(),
                email: c.email.clone(),
            }),
            version: Some(self.version),
        }
    }
}

/// A rate as a client sends it; `unit` and `per` accept the field spellings
/// ("kwintal", "bulan", …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"amount": 300.0, "unit": "kg", "per": "month"}))]
pub struct RateInput {
    #[schema(required = true)]
    pub amount: Option<f64>,
    #[schema(required = true)]
    pub unit: Option<String>,
    #[schema(required = true)]
    pub per: Option<String>,
}

impl From<&Rate> for RateInput {
    fn from(r: &Rate) -> Self {
        RateInput {
            amount: Some(r.amount()),
            unit: Some(r.unit().to_string()),
            per: Some(r.per().to_string()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Kopi arabika sangrai", "hs_code": "090121", "capacity": {"amount": 300.0, "unit": "kg", "per": "month"}}))]
pub struct ProductInput {
    #[schema(required = true)]
    pub name: Option<String>,
    /// HS 2022 code, dots allowed ("0901.21").
    pub hs_code: Option<String>,
    #[schema(required = true)]
    pub capacity: Option<RateInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Green arabica coffee beans", "volume": {"amount": 2.0, "unit": "ton", "per": "month"}, "required_certifications": ["halal"]}))]
pub struct NeedInput {
    #[schema(required = true)]
    pub name: Option<String>,
    pub hs_code: Option<String>,
    #[schema(required = true)]
    pub volume: Option<RateInput>,
    pub required_certifications: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactInput {
    #[schema(required = true)]
    pub person: Option<String>,
    /// Indonesian mobile or landline, local ("0812-3456-7890") or international ("+62…").
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A firm profile as a client sends it (create, replace, import). Fields are checked by
/// [`FirmInput::parse`], which names every invalid one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "kopi-sembalun",
    "name": "CV Kopi Sembalun Rinjani",
    "province": "NTB",
    "regency": "Lombok Timur",
    "kbli": ["10761"],
    "size": "small",
    "employees": 14,
    "certifications": ["halal", "pirt"],
    "products": [{"name": "Kopi arabika sangrai", "hs_code": "090121", "capacity": {"amount": 300.0, "unit": "kg", "per": "month"}}],
    "needs": [{"name": "Kemasan standing pouch", "volume": {"amount": 2000.0, "unit": "pcs", "per": "month"}, "required_certifications": []}],
    "contact": {"person": "Baiq Nurul Aini", "phone": "0812-3456-7890", "email": "aini@kopisembalun.id"}
}))]
pub struct FirmInput {
    /// Optional slug `[a-z0-9][a-z0-9-]{0,63}`; the server assigns one when absent.
    pub id: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// NTB or JATIM; 52/35 and the full names are accepted.
    #[schema(required = true, nullable = false)]
    pub province: Option<String>,
    /// Kabupaten/kota of that province: code ("52.03", "5203") or name ("Lombok Timur").
    #[schema(required = true, nullable = false)]
    pub regency: Option<String>,
    /// One or more KBLI 2020 subclasses (5 digits).
    #[schema(required = true, nullable = false)]
    pub kbli: Option<Vec<String>>,
    /// micro, small or medium (mikro, kecil, menengah).
    #[schema(required = true, nullable = false)]
    pub size: Option<String>,
    #[schema(required = true, nullable = false)]
    pub employees: Option<i64>,
    pub certifications: Option<Vec<String>>,
    pub products: Option<Vec<ProductInput>>,
    pub needs: Option<Vec<NeedInput>>,
    pub contact: Option<ContactInput>,
    /// The version the client last saw; an update against another version is refused (409).
    pub version: Option<u64>,
}

impl FirmInput {
    /// Checks every field against the reference tables; returns the profile, the optional
    /// client-chosen id, or every problem found.
    pub fn parse(
        &self,
        reference: &Reference,
    ) -> Result<(Option<FirmId>, FirmProfile), Vec<FieldError>> {
        let mut errs = Errors(Vec::new());

        let id = match &self.id {
            Some(raw) => FirmId::parse(raw.trim())
                .map_err(|e| {
                    errs.push(FieldError::coded("id", "invalid_id", e).with("value", raw.trim()))
                })
                .ok(),
            None => None,
        };
        let name = errs.text("name", &self.name);
        let province = errs
            .required("province", &self.province)
            .and_then(|p| errs.parsed::<Province>("province", p, "unknown_province"));
        let regency = match (province, errs.required("regency", &self.regency)) {
            (Some(p), Some(text)) => match reference.find_regency(p, text) {
                Some(r) => Some(r),
                None => {
                    errs.push(
                        FieldError::coded(
                            "regency",
                            "unknown_regency",
                            format!(
                                "'{}' is not a kabupaten/kota of {}; see GET /v1/reference/regencies?province={}",
                                text.trim(),
                                p.full_name(),
                                p
                            ),
                        )
                        .with("value", text.trim())
                        .with("province", p.full_name()),
                    );
                    None
                }
            },
            _ => None,
        };

        let mut kbli = Vec::new();
        if let Some(codes) = errs.required("kbli", &self.kbli) {
            if codes.is_empty() {
                errs.push(
                    FieldError::coded("kbli", "too_few", "must list at least one KBLI 2020 code")
                        .with("min", 1),
                );
            } else if codes.len() > MAX_KBLI {
                errs.push(FieldError::too_many("kbli", MAX_KBLI, "codes"));
            }
            for (i, raw) in codes.iter().enumerate().take(MAX_KBLI) {
                let code = raw.trim();
                let field = format!("kbli[{i}]");
                if code.len() != 5 || !code.chars().all(|c| c.is_ascii_digit()) {
                    errs.push(
                        FieldError::coded(
                            field,
                            "not_kbli_subclass",
                            format!("'{code}' is not a 5-digit KBLI 2020 subclass"),
                        )
                        .with("value", code),
                    );
                } else if reference.kbli_subclass(code).is_none() {
                    errs.push(
                        FieldError::coded(
                            field,
                            "unknown_kbli",
                            format!("'{code}' is not a KBLI 2020 subclass"),
                        )
                        .with("value", code),
                    );
                } else if !kbli.iter().any(|k| k == code) {
                    kbli.push(code.to_string());
                }
            }
        }

        let size = errs
            .required("size", &self.size)
            .and_then(|s| errs.parsed::<FirmSize>("size", s, "unknown_size"));
        let employees = match errs.required("employees", &self.employees) {
            Some(&n) if (0..=MAX_EMPLOYEES as i64).contains(&n) => Some(n as u32),
            Some(_) => {
                errs.push(FieldError::out_of_range("employees", 0, MAX_EMPLOYEES));
                None
            }
            None => None,
        };

        let certifications = parse_certifications(
            &mut errs,
            "certifications",
            self.certifications.as_deref().unwrap_or_default(),
        );

        let products = self.products.as_deref().unwrap_or_default();
        if products.len() > MAX_PRODUCTS {
            errs.push(FieldError::too_many("products", MAX_PRODUCTS, "products"));
        }
        let products: Vec<Product> = products
            .iter()
            .take(MAX_PRODUCTS)
            .enumerate()
            .filter_map(|(i, p)| {
                let f = format!("products[{i}]");
                let name = errs.text(&format!("{f}.name"), &p.name);
                let hs_code = parse_optional_hs(&mut errs, &f, &p.hs_code, reference);
                let capacity = parse_rate(&mut errs, &format!("{f}.capacity"), &p.capacity);
                Some(Product {
                    name: name?,
                    hs_code: hs_code?,
                    capacity: capacity?,
                })
            })
            .collect();

        let needs = self.needs.as_deref().unwrap_or_default();
        if needs.len() > MAX_NEEDS {
            errs.push(FieldError::too_many("needs", MAX_NEEDS, "needs"));
        }
        let needs: Vec<Need> = needs
            .iter()
            .take(MAX_NEEDS)
            .enumerate()
            .filter_map(|(i, n)| {
                let f = format!("needs[{i}]");
                let name = errs.text(&format!("{f}.name"), &n.name);
                let hs_code = parse_optional_hs(&mut errs, &f, &n.hs_code, reference);
                let volume = parse_rate(&mut errs, &format!("{f}.volume"), &n.volume);
                let required_certifications = parse_certifications(
                    &mut errs,
                    &format!("{f}.required_certifications"),
                    n.required_certifications.as_deref().unwrap_or_default(),
                );
                Some(Need {
                    name: name?,
                    hs_code: hs_code?,
                    volume: volume?,
                    required_certifications,
                })
            })
            .collect();

        let contact = self.contact.as_ref().and_then(|c| {
            let person = errs.text("contact.person", &c.person);
            let phone = match c.phone.as_deref().map(str::trim) {
                None | Some("") => Some(None),
                Some(p) => parse_phone(p)
                    .map(Some)
                    .map_err(|e| {
                        errs.push(
                            FieldError::coded("contact.phone", "not_phone", e)
                                .with("value", p.trim()),
                        )
                    })
                    .ok(),
            };
            let email = match c.email.as_deref().map(str::trim) {
                None | Some("") => Some(None),
                Some(e) => parse_email(e)
                    .map(Some)
                    .map_err(|m| {
                        errs.push(
                            FieldError::coded("contact.email", "not_email", m)
                                .with("value", e.trim()),
                        )
                    })
                    .ok(),
            };
            Some(Contact {
                person: person?,
                phone: phone?,
                email: email?,
            })
        });

        // Versions are counters from 1; the document declares them int64, so a larger
        // number cannot be a version a client saw.
        if self.version.is_some_and(|v| v > i64::MAX as u64) {
            errs.push(
                FieldError::coded(
                    "version",
                    "too_large",
                    format!("must be at most {}", i64::MAX),
                )
                .with("max", i64::MAX),
            );
        }
        if !errs.0.is_empty() {
            return Err(errs.0);
        }
        // Every required value is present when no error was recorded.
        let (Some(name), Some(province), Some(regency), Some(size), Some(employees)) =
            (name, province, regency, size, employees)
        else {
            return Err(vec![FieldError::coded(
                "",
                "incomplete",
                "incomplete profile",
            )]);
        };
        Ok((
            id,
            FirmProfile {
                name,
                province,
                regency: regency.code.clone(),
                regency_name: regency.name.clone(),
                kbli,
                size,
                employees,
                certifications,
                products,
                needs,
                contact,
            },
        ))
    }
}

fn parse_optional_hs(
    errs: &mut Errors,
    field: &str,
    raw: &Option<String>,
    reference: &Reference,
) -> Option<Option<String>> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(code) => check_hs_code(code, reference)
            .map(Some)
            .map_err(|(kind, e)| {
                errs.push(
                    FieldError::coded(format!("{field}.hs_code"), kind, e).with("value", code),
                )
            })
            .ok(),
    }
}

fn parse_rate(errs: &mut Errors, field: &str, raw: &Option<RateInput>) -> Option<Rate> {
    let r = errs.required(field, raw)?;
    let amount = errs
        .required(&format!("{field}.amount"), &r.amount)
        .copied();
    let unit = errs
        .required(&format!("{field}.unit"), &r.unit)
        .and_then(|u| errs.parsed::<Unit>(&format!("{field}.unit"), u, "unknown_unit"));
    let per = errs
        .required(&format!("{field}.per"), &r.per)
        .and_then(|p| errs.parsed::<Period>(&format!("{field}.per"), p, "unknown_period"));
    let (amount, unit, per) = (amount?, unit?, per?);
    Rate::new(amount, unit, per)
        .map_err(|e| errs.push(rate_error(format!("{field}.amount"), amount, e)))
        .ok()
}

/// Why `amount` is no rate's amount: `not_finite`, `not_positive` or `too_large`.
pub fn rate_error(field: String, amount: f64, message: String) -> FieldError {
    if !amount.is_finite() {
        FieldError::coded(field, "not_finite", message)
    } else if amount <= 0.0 {
        FieldError::coded(field, "not_positive", message)
    } else {
        FieldError::coded(field, "too_large", message).with("max", super::quantity::MAX_AMOUNT)
    }
}

fn parse_certifications(errs: &mut Errors, field: &str, raw: &[String]) -> Vec<Certification> {
    let mut out: Vec<Certification> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, c)| errs.parsed(&format!("{field}[{i}]"), c, "unknown_certification"))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
