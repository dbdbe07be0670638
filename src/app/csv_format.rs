//! The spreadsheet form of a firm profile: one firm per row, the columns an organizer's
//! participant list has. Used by `POST /v1/firms/import` (text/csv) and the CSV export,
//! which writes exactly what the import reads.
//!
//! Columns (header names are case-insensitive; Indonesian names accepted):
//! `id`, `name` (nama), `province` (provinsi), `regency` (kabupaten, kab_kota),
//! `kbli`, `size` (skala), `employees` (tenaga_kerja, karyawan),
//! `certifications` (sertifikasi), `products` (produk), `needs` (kebutuhan),
//! `contact_person` (narahubung), `contact_phone` (telepon, hp), `contact_email` (email).
//! Unknown columns (a "No." column, notes) are ignored.
//!
//! Cells that hold lists separate items with `;`: `kbli` "10761;10792",
//! `certifications` "halal;pirt". A product is `name | HS code | capacity`, a need is
//! `name | HS code | volume | certifications`, where the HS code and certifications may be
//! left out and a quantity reads `300 kg/month` (or `1,5 ton per minggu`):
//! `Kopi arabika sangrai | 090121 | 300 kg/month; Kopi robusta | 1 ton/month`
//! `Green coffee beans | 090111 | 2 ton/month | halal+organic`.

use crate::domain::firm::{ContactInput, NeedInput, ProductInput, RateInput};
use crate::domain::quantity::format_amount;
use crate::domain::{FieldError, Firm, FirmInput, Rate};

pub const COLUMNS: [&str; 13] = [
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
    "contact_person",
    "contact_phone",
    "contact_email",
];

/// Maps a header cell to its column, accepting the Indonesian names.
pub fn column_of(header: &str) -> Option<&'static str> {
    let key: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    let column = match key.trim_matches('_') {
        "id" | "slug" => "id",
        "name" | "nama" | "nama_usaha" | "nama_perusahaan" | "firm" => "name",
        "province" | "provinsi" => "province",
        "regency" | "kabupaten" | "kab_kota" | "kabupaten_kota" | "kota" => "regency",
        "kbli" | "kbli_2020" => "kbli",
        "size" | "skala" | "skala_usaha" => "size",
        "employees" | "tenaga_kerja" | "karyawan" | "jumlah_karyawan" => "employees",
        "certifications" | "sertifikasi" | "sertifikat" => "certifications",
        "products" | "produk" => "products",
        "needs" | "kebutuhan" | "kebutuhan_bahan" => "needs",
        "contact_person" | "narahubung" | "kontak" | "pic" => "contact_person",
        "contact_phone" | "telepon" | "hp" | "no_hp" | "phone" => "contact_phone",
        "contact_email" | "email" => "contact_email",
        _ => return None,
    };
    Some(column)
}

/// A parsed CSV row: the input it describes and problems found in its cells.
pub struct CsvRow {
    pub line: u64,
    pub input: FirmInput,
    pub errors: Vec<FieldError>,
}

/// Reads every row. A file-level problem (no header, no `name` column, broken quoting)
/// is an `Err`; problems inside cells are listed per row.
pub fn read_rows(body: &[u8]) -> Result<Vec<CsvRow>, String> {
    read_sheet(body, column_of, ("name", &COLUMNS), |line, cell| {
        row_to_input(line, cell)
    })
}

/// Reads a sheet saved as CSV, `,` or (as spreadsheets in an Indonesian locale write it)
/// `;` between cells, with a header that `column_of` maps to known columns, of which
/// `required` must be present (`expected` lists them all for the message). Each non-empty
/// row is handed to `row` with its line and a lookup of its trimmed, non-empty cells.
pub fn read_sheet<T>(
    body: &[u8],
    column_of: fn(&str) -> Option<&'static str>,
    (required, expected): (&str, &[&str]),
    row: impl Fn(u64, &dyn Fn(&str) -> Option<String>) -> T,
) -> Result<Vec<T>, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the file is not UTF-8 text: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let columns: Vec<Option<&str>> = headers.iter().map(column_of).collect();
    if !columns.contains(&Some(required)) {
        return Err(format!(
            "the header has no '{required}' column; expected columns: {}",
            expected.join(", ")
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| -> Option<String> {
            columns
                .iter()
                .position(|c| *c == Some(name))
                .and_then(|i| record.get(i))
                .map(str::trim)
                // What this service's own export neutralised (`'=…`) reads back as it was.
                .map(crate::csv_out::restore)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        rows.push(row(line, &cell));
    }
    Ok(rows)
}

fn list(cell: Option<String>) -> Option<Vec<String>> {
    cell.map(|c| {
        c.split([';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    })
}

fn row_to_input(line: u64, cell: impl Fn(&str) -> Option<String>) -> CsvRow {
    let mut errors = Vec::new();
    let employees = cell("employees").and_then(|e| {
        e.replace(['.', ' '], "")
            .parse::<i64>()
            .map_err(|_| {
                errors.push(
                    FieldError::coded(
                        "employees",
                        "not_whole_number",
                        format!("'{e}' is not a whole number"),
                    )
                    .with("value", &e),
                )
            })
            .ok()
    });
    let products = list(cell("products")).map(|items| {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let parts = item_parts(item);
                let field = format!("products[{i}]");
                ProductInput {
                    name: parts.name,
                    hs_code: parts.hs_code,
                    capacity: parts
                        .rate
                        .map(|r| parse_rate_text(&r, &format!("{field}.capacity"), &mut errors)),
                }
            })
            .collect()
    });
    let needs = list(cell("needs")).map(|items| {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let parts = item_parts(item);
                let field = format!("needs[{i}]");
                NeedInput {
                    name: parts.name,
                    hs_code: parts.hs_code,
                    volume: parts
                        .rate
                        .map(|r| parse_rate_text(&r, &format!("{field}.volume"), &mut errors)),
                    required_certifications: Some(parts.certifications),
                }
            })
            .collect()
    });
    let (person, phone, email) = (
        cell("contact_person"),
        cell("contact_phone"),
        cell("contact_email"),
    );
    let contact =
        (person.is_some() || phone.is_some() || email.is_some()).then_some(ContactInput {
            person,
            phone,
            email,
        });
    CsvRow {
        line,
        input: FirmInput {
            id: cell("id"),
            name: cell("name"),
            province: cell("province"),
            regency: cell("regency"),
            kbli: list(cell("kbli")),
            size: cell("size"),
            employees,
            certifications: list(cell("certifications")),
            products,
            needs,
            contact,
            version: None,
        },
        errors,
    }
}

struct ItemParts {
    name: Option<String>,
    hs_code: Option<String>,
    rate: Option<String>,
    certifications: Vec<String>,
}

/// Splits `name | hs | quantity | certs`, recognising each optional part by its shape.
fn item_parts(item: &str) -> ItemParts {
    let mut parts = item.split('|').map(str::trim);
    let name = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
    let mut out = ItemParts {
        name,
        hs_code: None,
        rate: None,
        certifications: Vec::new(),
    };
    for part in parts.filter(|p| !p.is_empty()) {
        if part
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ' ')
        {
            out.hs_code = Some(part.to_string());
        } else if part.starts_with(|c: char| c.is_ascii_digit()) {
            out.rate = Some(part.to_string());
        } else {
            out.certifications.extend(
                part.split(['+', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// Reads "300 kg/month", "1,5 ton per minggu", "2000pcs/bulan" into its parts; the unit and
/// period words are checked later by the profile parser, which names them.
fn parse_rate_text(text: &str, field: &str, errors: &mut Vec<FieldError>) -> RateInput {
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(text.len());
    let (number, rest) = text.split_at(number_end);
    // A decimal comma ("1,5") is the Indonesian way; there are no thousands separators.
    let amount = number.replace(',', ".").parse::<f64>().ok();
    let rest = rest.trim();
    let (unit, per) = match rest.split_once('/') {
        Some((u, p)) => (u.trim(), Some(p.trim())),
        None => match rest.to_lowercase().find(" per ") {
            Some(pos) => (rest[..pos].trim(), Some(rest[pos + 5..].trim())),
            None => (rest, None),
        },
    };
    if amount.is_none() || unit.is_empty() || per.is_none() {
        errors.push(
            FieldError::coded(
                field,
                "not_quantity",
                format!("'{text}' is not a quantity like '300 kg/month' or '1,5 ton per minggu'"),
            )
            .with("value", text),
        );
    }
    RateInput {
        amount,
        unit: Some(unit.to_string()).filter(|u| !u.is_empty()),
        per: per.map(str::to_string),
    }
}

fn rate_text(rate: &Rate) -> String {
    format!(
        "{} {}/{}",
        format_amount(rate.amount()),
        rate.unit(),
        rate.per()
    )
}

/// Writes firms in the import's column layout.
pub fn write_firms<'a>(firms: impl IntoIterator<Item = &'a Firm>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = crate::csv_out::CsvOut::new();
    writer.row(COLUMNS)?;
    for firm in firms {
        let p = &firm.profile;
        let products = p
            .products()
            .iter()
            .map(|x| {
                let hs = x.hs_code().map(|h| format!(" | {h}")).unwrap_or_default();
                format!("{}{hs} | {}", x.name(), rate_text(&x.capacity()))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let needs = p
            .needs()
            .iter()
            .map(|x| {
                let hs = x.hs_code().map(|h| format!(" | {h}")).unwrap_or_default();
                let certs = if x.required_certifications().is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> = x
                        .required_certifications()
                        .iter()
                        .map(|c| c.as_str())
                        .collect();
                    format!(" | {}", names.join("+"))
                };
                format!("{}{hs} | {}{certs}", x.name(), rate_text(&x.volume()))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let contact = p.contact();
        writer.row([
            firm.id.as_str(),
            p.name(),
            p.province().as_str(),
            p.regency(),
            &p.kbli().join(";"),
            p.size().as_str(),
            &p.employees().to_string(),
            &p.certifications()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            &products,
            &needs,
            contact.map_or("", |c| c.person.as_str()),
            contact.and_then(|c| c.phone.as_deref()).unwrap_or(""),
            contact.and_then(|c| c.email.as_deref()).unwrap_or(""),
        ])?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FirmId, Reference};

    const SHEET: &str = "No.;Nama Usaha;Provinsi;Kabupaten;KBLI;Skala;Tenaga Kerja;Sertifikasi;Produk;Kebutuhan;Narahubung;HP\n\
        1;CV Kopi Sembalun;NTB;Lombok Timur;10761;kecil;14;halal;\"Kopi arabika sangrai | 0901.21 | 300 kg/bulan\";\"Standing pouch | 2000 pcs/month | halal\";Aini;0812 3456 7890\n";

    #[test]
    fn reads_an_indonesian_semicolon_sheet() {
        let rows = read_rows(SHEET.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].errors.is_empty());
        assert_eq!(rows[0].line, 2);
        let (_, profile) = rows[0].input.parse(Reference::shared()).unwrap();
        assert_eq!(profile.regency(), "52.03");
        assert_eq!(profile.products()[0].capacity().amount(), 300.0);
        assert_eq!(profile.needs()[0].required_certifications().len(), 1);
    }

    #[test]
    fn a_bad_quantity_names_its_field() {
        let mut errors = Vec::new();
        parse_rate_text("banyak sekali", "products[0].capacity", &mut errors);
        assert_eq!(errors[0].field, "products[0].capacity");
        let rate = parse_rate_text("1,5 ton per minggu", "x", &mut errors);
        assert_eq!(rate.amount, Some(1.5));
        assert_eq!(rate.per.as_deref(), Some("minggu"));
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn export_reads_back_as_the_same_profiles() {
        let rows = read_rows(SHEET.as_bytes()).unwrap();
        let (_, profile) = rows[0].input.parse(Reference::shared()).unwrap();
        let firm = Firm {
            id: FirmId::parse("kopi").unwrap(),
            profile: profile.clone(),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let csv = write_firms([&firm]).unwrap();
        let again = read_rows(&csv).unwrap();
        let (id, reparsed) = again[0].input.parse(Reference::shared()).unwrap();
        assert_eq!(id.unwrap().as_str(), "kopi");
        assert_eq!(reparsed, profile);
    }
}
