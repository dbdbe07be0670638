//! Whole numbers as clients write them. JSON Schema counts `43` and `43.0` as the same
//! integer, so a client generated from the published document may send either; both are
//! read as 43. A fraction (`43.5`), a negative number or a number too large for the field
//! stays an error naming the field. Query values are read from their text the same way
//! (`43`, `43.0`).

use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Largest float that still holds every whole number below it exactly (2^53).
const EXACT_FLOAT: f64 = 9_007_199_254_740_992.0;

/// Reads a whole number; `text` also from a string (query values are all text, JSON
/// strings are not numbers).
struct Whole<T> {
    text: bool,
    into: PhantomData<T>,
}

impl<'de, T: TryFrom<u64>> Visitor<'de> for Whole<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number ≥ 0 that fits the field")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        if v.fract() == 0.0 && (0.0..=EXACT_FLOAT).contains(&v) {
            self.visit_u64(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        if !self.text {
            return Err(E::invalid_type(Unexpected::Str(v), &self));
        }
        // Digits, optionally followed by a point and zeros: "43", "43.0".
        let digits = match v.split_once('.') {
            Some((int, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => int,
            Some(_) => v,
            None => v,
        };
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = digits.parse::<u64>() {
                return self.visit_u64(n);
            }
        }
        Err(E::invalid_value(Unexpected::Str(v), &self))
    }
}

struct OptionalWhole<T> {
    text: bool,
    into: PhantomData<T>,
}

impl<'de, T: TryFrom<u64>> Visitor<'de> for OptionalWhole<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number ≥ 0 or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(Whole {
            text: self.text,
            into: PhantomData,
        })
        .map(Some)
    }
}

/// `#[serde(deserialize_with = "whole::required")]` for an unsigned integer field of a JSON
/// body.
pub fn required<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(Whole {
        text: false,
        into: PhantomData,
    })
}

/// `#[serde(default, deserialize_with = "whole::optional")]` for an optional unsigned
/// integer field of a JSON body (`null` and absent are `None`).
pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(OptionalWhole {
        text: false,
        into: PhantomData,
    })
}

/// `#[serde(default, deserialize_with = "whole::query")]` for an optional unsigned integer
/// query parameter.
pub fn query<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(OptionalWhole {
        text: true,
        into: PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        #[serde(default, deserialize_with = "super::optional")]
        limit: Option<usize>,
        #[serde(deserialize_with = "super::required")]
        grade: u8,
    }

    #[test]
    fn a_whole_number_may_carry_a_zero_fraction() {
        let read = |json: &str| serde_json::from_str::<Body>(json);
        let body = |limit, grade| Body { limit, grade };
        assert_eq!(
            read(r#"{"limit": 43, "grade": 3}"#).unwrap(),
            body(Some(43), 3)
        );
        assert_eq!(
            read(r#"{"limit": 43.0, "grade": 3.0}"#).unwrap(),
            body(Some(43), 3)
        );
        assert_eq!(
            read(r#"{"limit": null, "grade": 0}"#).unwrap(),
            body(None, 0)
        );
        assert_eq!(read(r#"{"grade": 1}"#).unwrap(), body(None, 1));
        for wrong in [
            r#"{"limit": 43.5, "grade": 3}"#,
            r#"{"limit": -1, "grade": 3}"#,
            r#"{"limit": "43", "grade": 3}"#,
            r#"{"grade": 256}"#,
            r#"{"grade": 1e300}"#,
        ] {
            assert!(read(wrong).is_err(), "{wrong}");
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Query {
        #[serde(default, deserialize_with = "super::query")]
        limit: Option<usize>,
    }

    #[test]
    fn a_query_value_is_read_from_its_text() {
        let read = |query: &str| serde_urlencoded::from_str::<Query>(query);
        assert_eq!(read("limit=43").unwrap().limit, Some(43));
        assert_eq!(read("limit=43.00").unwrap().limit, Some(43));
        assert_eq!(read("").unwrap().limit, None);
        for wrong in [
            "limit=ten",
            "limit=4.5",
            "limit=-1",
            "limit=1e2",
            "limit=",
            "limit=.0",
        ] {
            assert!(read(wrong).is_err(), "{wrong}");
        }
    }
}
