//! Sector complementarity from the BPS input–output table of Jawa Timur 2015 (110 sectors).
//!
//! `coefficient(i, j)` is the share of buyer sector j's total input bought from supplier
//! sector i. Firms reach sectors through their KBLI 2020 codes via a hand-built crosswalk
//! (`data/kbli_io_crosswalk.csv`) resolved by longest prefix.

use std::collections::HashMap;
use std::sync::OnceLock;

const COEFFICIENTS_CSV: &str = include_str!("../../data/io_jatim_2015_coefficients.csv");
const CROSSWALK_CSV: &str = include_str!("../../data/kbli_io_crosswalk.csv");
const SECTORS_CSV: &str = include_str!("../../data/io_sectors.csv");

pub const SECTORS: usize = 110;

/// An IO sector, 0-based (the table's sector 1 is `SectorId(0)`).
pub type SectorId = u8;

#[derive(Debug)]
pub struct SectorTable {
    /// Row-major `coef[supplier * SECTORS + buyer]`.
    coef: Vec<f32>,
    crosswalk: HashMap<String, SectorId>,
    names: Vec<String>,
    /// For each buyer sector, supplier sectors by descending coefficient.
    suppliers_of: Vec<Vec<(SectorId, f32)>>,
    /// For each supplier sector, buyer sectors by descending coefficient.
    buyers_of: Vec<Vec<(SectorId, f32)>>,
}

impl SectorTable {
    pub fn shared() -> &'static SectorTable {
        static SHARED: OnceLock<SectorTable> = OnceLock::new();
        SHARED.get_or_init(SectorTable::load)
    }

    fn load() -> SectorTable {
        let mut coef = vec![0.0f32; SECTORS * SECTORS];
        let mut suppliers_of = vec![Vec::new(); SECTORS];
        let mut buyers_of = vec![Vec::new(); SECTORS];
        // Compiled in and covered by tests: a bad row is a build defect.
        for row in csv::Reader::from_reader(COEFFICIENTS_CSV.as_bytes()).records() {
            let row = row.expect("embedded coefficient table is well-formed");
            let i: usize = row[0].parse().expect("supplier sector");
            let j: usize = row[1].parse().expect("buyer sector");
            let a: f32 = row[2].parse().expect("coefficient");
            coef[(i - 1) * SECTORS + (j - 1)] = a;
            suppliers_of[j - 1].push(((i - 1) as SectorId, a));
            buyers_of[i - 1].push(((j - 1) as SectorId, a));
        }
        for list in suppliers_of.iter_mut().chain(buyers_of.iter_mut()) {
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        let crosswalk = csv::Reader::from_reader(CROSSWALK_CSV.as_bytes())
            .records()
            .map(|r| {
                let r = r.expect("embedded crosswalk is well-formed");
                let id: usize = r[1].parse().expect("sector id");
                (r[0].to_string(), (id - 1) as SectorId)
            })
            .collect();
        let names = csv::Reader::from_reader(SECTORS_CSV.as_bytes())
            .records()
            .map(|r| r.expect("embedded sector list is well-formed")[1].to_string())
            .collect();
        SectorTable {
            coef,
            crosswalk,
            names,
            suppliers_of,
            buyers_of,
        }
    }

    pub fn coefficient(&self, supplier: SectorId, buyer: SectorId) -> f32 {
        self.coef[supplier as usize * SECTORS + buyer as usize]
    }

    /// The IO sector of a KBLI code by its longest listed prefix.
    pub fn sector_of_kbli(&self, kbli: &str) -> Option<SectorId> {
        (2..=kbli.len().min(5))
            .rev()
            .find_map(|n| kbli.get(..n).and_then(|p| self.crosswalk.get(p)).copied())
    }

    pub fn name(&self, s: SectorId) -> &str {
        &self.names[s as usize]
    }

    /// Supplier sectors that buyer sector `buyer` buys from, strongest first.
    pub fn suppliers_of(&self, buyer: SectorId) -> &[(SectorId, f32)] {
        &self.suppliers_of[buyer as usize]
    }

    /// Buyer sectors that buy from `supplier`, strongest first.
    pub fn buyers_of(&self, supplier: SectorId) -> &[(SectorId, f32)] {
        &self.buyers_of[supplier as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Reference;

    #[test]
    fn table_loads_and_reflects_known_links() {
        let t = SectorTable::shared();
        // Rice milling (41) buys most of its input from paddy (1).
        assert!(t.coefficient(0, 40) > 0.5);
        assert_eq!(t.suppliers_of(40)[0].0, 0);
        assert_eq!(t.name(11), "Kopi");
    }

    #[test]
    fn every_kbli_subclass_of_manufacturing_and_farming_resolves() {
        let t = SectorTable::shared();
        let r = Reference::shared();
        for e in r.kbli.iter().filter(|e| e.code.len() == 5) {
            if e.section == "A" || e.section == "C" {
                assert!(
                    t.sector_of_kbli(&e.code).is_some(),
                    "{} {}",
                    e.code,
                    e.title
                );
            }
        }
        assert_eq!(t.sector_of_kbli("10761"), Some(44));
        assert_eq!(t.sector_of_kbli("56301"), Some(94));
        assert_eq!(t.sector_of_kbli("01270"), Some(11));
    }
}
