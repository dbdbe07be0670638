//! Value encoding: one leading byte with the encoding version, then JSON. JSON keeps the
//! data readable with any tool and lets fields be added without a migration; the version
//! byte lets a future encoding live next to old values.

use super::StoreError;
use serde::{de::DeserializeOwned, Serialize};

pub const ENCODING_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![ENCODING_VERSION];
    // Serialising our own types into a Vec cannot fail (no maps with non-string keys).
    serde_json::to_writer(&mut out, value).expect("domain values serialise to JSON");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&ENCODING_VERSION, json)) => {
            serde_json::from_slice(json).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        Some((v, _)) => Err(StoreError::Corrupt(format!("unknown encoding version {v}"))),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}

pub fn decode_u32(bytes: &[u8]) -> Result<u32, StoreError> {
    let array: [u8; 4] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("schema version is not 4 bytes".into()))?;
    Ok(u32::from_be_bytes(array))
}

/// An index key: the indexed value, a 0 byte, then the firm id. Ids never contain 0,
/// so a prefix scan over `value\0` yields exactly that value's firms, in id order.
pub fn index_key(value: &str, id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(value.len() + 1 + id.len());
    key.extend_from_slice(value.as_bytes());
    key.push(0);
    key.extend_from_slice(id.as_bytes());
    key
}

pub fn index_prefix(value: &str) -> Vec<u8> {
    let mut key = value.as_bytes().to_vec();
    key.push(0);
    key
}

/// The id part of an index key.
pub fn id_of_index_key(key: &[u8]) -> Option<&str> {
    let pos = key.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&key[pos + 1..]).ok()
}
