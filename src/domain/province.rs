//! The two provinces of the partnership.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// NTB (Nusa Tenggara Barat, code 52) or Jatim (Jawa Timur, code 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Province {
    #[serde(rename = "NTB")]
    Ntb,
    #[serde(rename = "JATIM")]
    Jatim,
}

impl Province {
    pub const ALL: [Province; 2] = [Province::Ntb, Province::Jatim];

    /// The BPS/Kemendagri province code.
    pub fn code(self) -> &'static str {
        match self {
            Province::Ntb => "52",
            Province::Jatim => "35",
        }
    }

    pub fn from_code(code: &str) -> Option<Province> {
        match code {
            "52" => Some(Province::Ntb),
            "35" => Some(Province::Jatim),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Province::Ntb => "NTB",
            Province::Jatim => "JATIM",
        }
    }

    pub fn full_name(self) -> &'static str {
        match self {
            Province::Ntb => "Nusa Tenggara Barat",
            Province::Jatim => "Jawa Timur",
        }
    }

    /// The partner province in the NTB–Jatim partnership.
    pub fn other(self) -> Province {
        match self {
            Province::Ntb => Province::Jatim,
            Province::Jatim => Province::Ntb,
        }
    }

    /// The IANA time zone of the province (WITA for NTB, WIB for Jatim).
    pub fn time_zone(self) -> &'static str {
        match self {
            Province::Ntb => "Asia/Makassar",
            Province::Jatim => "Asia/Jakarta",
        }
    }
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Province {
    type Err = String;

    /// Accepts "NTB"/"JATIM", the codes 52/35 and the full names, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match key.as_str() {
            "ntb" | "52" | "nusatenggarabarat" => Ok(Province::Ntb),
            "jatim" | "35" | "jawatimur" | "eastjava" => Ok(Province::Jatim),
            _ => Err(format!(
                "unknown province '{}'; use NTB (52, Nusa Tenggara Barat) or JATIM (35, Jawa Timur)",
                s.trim()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_codes_and_names() {
        for s in ["NTB", "ntb", "52", "Nusa Tenggara Barat", "nusa tenggara barat"] {
            assert_eq!(s.parse::<Province>(), Ok(Province::Ntb), "{s}");
        }
        for s in ["JATIM", "Jatim", "35", "Jawa Timur", "JAWA TIMUR"] {
            assert_eq!(s.parse::<Province>(), Ok(Province::Jatim), "{s}");
        }
        assert!("Bali".parse::<Province>().is_err());
    }
}
