//! Reference tables shipped in the binary (KBLI 2020, HS 2022, kabupaten/kota of NTB and
//! Jawa Timur), parsed once. See `data/README.md` for their sources and licences.

use super::province::Province;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;
use utoipa::ToSchema;

const KBLI_CSV: &str = include_str!("../../data/kbli2020.csv");
const HS_CSV: &str = include_str!("../../data/hs2022.csv");
const REGENCIES_CSV: &str = include_str!("../../data/regencies.csv");

/// One KBLI 2020 code (2 to 5 digits) with its Indonesian title.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "10794", "section": "C", "parent": "1079", "title": "Industri Pengolahan Kopi"}))]
pub struct KbliEntry {
    pub code: String,
    pub section: String,
    pub parent: String,
    pub title: String,
}

/// One HS 2022 code (2, 4 or 6 digits) with its English description.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "090121", "description": "Coffee; roasted, not decaffeinated"}))]
pub struct HsEntry {
    pub code: String,
    pub description: String,
}

/// A kabupaten or kota of NTB or Jawa Timur with its Kemendagri code ("52.01") and centroid.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "52.01", "province": "NTB", "name": "Kabupaten Lombok Barat", "latitude": -8.6814, "longitude": 116.13671}))]
pub struct RegencyEntry {
    pub code: String,
    pub province: Province,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// All reference tables, indexed for validation and pickers.
#[derive(Debug)]
pub struct Reference {
    pub kbli: Vec<KbliEntry>,
    pub hs: Vec<HsEntry>,
    pub regencies: Vec<RegencyEntry>,
    kbli_by_code: HashMap<String, usize>,
    hs_by_code: HashMap<String, usize>,
}

#[derive(serde::Deserialize)]
struct KbliRow {
    code: String,
    section: String,
    parent: String,
    title: String,
}

#[derive(serde::Deserialize)]
struct HsRow {
    code: String,
    description: String,
}

#[derive(serde::Deserialize)]
struct RegencyRow {
    code: String,
    province_code: String,
    name: String,
    latitude: f64,
    longitude: f64,
}

fn rows<T: serde::de::DeserializeOwned>(csv_text: &str) -> Vec<T> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        // The tables are compiled in and covered by tests: a bad row is a build defect.
        .expect("embedded reference table is well-formed")
}

impl Reference {
    /// The tables embedded in this binary, parsed on first use.
    pub fn shared() -> &'static Reference {
        static SHARED: OnceLock<Reference> = OnceLock::new();
        SHARED.get_or_init(Reference::load)
    }

    fn load() -> Reference {
        let kbli: Vec<KbliEntry> = rows::<KbliRow>(KBLI_CSV)
            .into_iter()
            .map(|r| KbliEntry {
                code: r.code,
                section: r.section,
                parent: r.parent,
                title: r.title,
            })
            .collect();
        let hs: Vec<HsEntry> = rows::<HsRow>(HS_CSV)
            .into_iter()
            .map(|r| HsEntry {
                code: r.code,
                description: r.description,
            })
            .collect();
        let regencies = rows::<RegencyRow>(REGENCIES_CSV)
            .into_iter()
            .map(|r| RegencyEntry {
                province: Province::from_code(&r.province_code)
                    .expect("regency table holds only NTB and Jatim"),
                code: r.code,
                name: r.name,
                latitude: r.latitude,
                longitude: r.longitude,
            })
            .collect();
        let kbli_by_code = kbli
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        let hs_by_code = hs.iter().enumerate().map(|(i, e)| (e.code.clone(), i)).collect();
        Reference {
            kbli,
            hs,
            regencies,
            kbli_by_code,
            hs_by_code,
        }
    }

    pub fn kbli(&self, code: &str) -> Option<&KbliEntry> {
        self.kbli_by_code.get(code).map(|&i| &self.kbli[i])
    }

    /// A 5-digit KBLI subclass, the level firms register under.
    pub fn kbli_subclass(&self, code: &str) -> Option<&KbliEntry> {
        self.kbli(code).filter(|e| e.code.len() == 5)
    }

    pub fn hs(&self, code: &str) -> Option<&HsEntry> {
        self.hs_by_code.get(code).map(|&i| &self.hs[i])
    }

    pub fn regencies_of(&self, province: Province) -> impl Iterator<Item = &RegencyEntry> {
        self.regencies.iter().filter(move |r| r.province == province)
    }

    pub fn regency_by_code(&self, code: &str) -> Option<&RegencyEntry> {
        self.regencies.iter().find(|r| r.code == code)
    }

    /// Finds a regency of `province` from what people type: "52.01", "5201",
    /// "Kabupaten Lombok Barat", "Kab. Lombok Barat", "Lombok Barat", "Kota Mataram", "mataram".
    /// A bare name that is both a kabupaten and a kota ("Bima") means the kabupaten.
    pub fn find_regency(&self, province: Province, text: &str) -> Option<&RegencyEntry> {
        let t = text.trim();
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
            if digits.len() != 4 {
                return None;
            }
            let code = format!("{}.{}", &digits[..2], &digits[2..]);
            return self
                .regency_by_code(&code)
                .filter(|r| r.province == province);
        }
        let wanted = regency_key(t);
        let candidates: Vec<&RegencyEntry> = self.regencies_of(province).collect();
        candidates
            .iter()
            .find(|r| regency_key(&r.name) == wanted)
            .or_else(|| {
                let bare = strip_regency_kind(&wanted);
                candidates
                    .iter()
                    .filter(|r| strip_regency_kind(&regency_key(&r.name)) == bare)
                    .min_by_key(|r| r.name.starts_with("Kota"))
            })
            .copied()
    }

    /// KBLI codes whose code starts with `q` or whose title contains it (case-insensitive).
    pub fn search_kbli(&self, q: &str, limit: usize) -> Vec<&KbliEntry> {
        let q = q.trim().to_lowercase();
        self.kbli
            .iter()
            .filter(|e| q.is_empty() || e.code.starts_with(&q) || e.title.to_lowercase().contains(&q))
            .take(limit)
            .collect()
    }

    /// HS codes whose code starts with `q` or whose description contains it (case-insensitive).
    pub fn search_hs(&self, q: &str, limit: usize) -> Vec<&HsEntry> {
        let q = q.trim().to_lowercase();
        self.hs
            .iter()
            .filter(|e| {
                q.is_empty() || e.code.starts_with(&q) || e.description.to_lowercase().contains(&q)
            })
            .take(limit)
            .collect()
    }
}

/// Lower case, "kab."/"kabupaten" unified, punctuation and repeated spaces removed.
fn regency_key(name: &str) -> String {
    let lower = name.to_lowercase().replace("kab.", "kabupaten ");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_regency_kind(key: &str) -> &str {
    key.strip_prefix("kabupaten ")
        .or_else(|| key.strip_prefix("kota "))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_with_expected_sizes() {
        let r = Reference::shared();
        assert_eq!(r.kbli.iter().filter(|e| e.code.len() == 5).count(), 1790);
        assert_eq!(r.regencies_of(Province::Ntb).count(), 10);
        assert_eq!(r.regencies_of(Province::Jatim).count(), 38);
        assert!(r.hs("090121").is_some());
        assert!(r.kbli_subclass("10794").is_some() || r.kbli_subclass("10761").is_some());
    }

    #[test]
    fn regencies_are_found_the_way_people_write_them() {
        let r = Reference::shared();
        let find = |p, t| r.find_regency(p, t).map(|e| e.code.as_str());
        assert_eq!(find(Province::Ntb, "52.01"), Some("52.01"));
        assert_eq!(find(Province::Ntb, "5271"), Some("52.71"));
        assert_eq!(find(Province::Ntb, "Kab. Lombok Timur"), Some("52.03"));
        assert_eq!(find(Province::Ntb, "lombok timur"), Some("52.03"));
        assert_eq!(find(Province::Ntb, "Bima"), Some("52.06"));
        assert_eq!(find(Province::Ntb, "Kota Bima"), Some("52.72"));
        assert_eq!(find(Province::Jatim, "surabaya"), Some("35.78"));
        // A Jatim regency is not a regency of NTB.
        assert_eq!(find(Province::Ntb, "35.78"), None);
        assert_eq!(find(Province::Ntb, "Atlantis"), None);
    }
}
