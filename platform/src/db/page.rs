//! Keyset pagination: page requests and the opaque tokens that say where the next page starts.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::{DbError, Value};

/// A page request: `size` items after the position the token encodes.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub size: u32,
    pub token: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_SIZE: u32 = 50;
    pub const MAX_SIZE: u32 = 1000;

    pub fn first(size: u32) -> Self {
        Self { size, token: None }
    }

    pub(super) fn effective_size(&self) -> u64 {
        match self.size {
            0 => Self::DEFAULT_SIZE.into(),
            n => n.min(Self::MAX_SIZE).into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` on the last page.
    pub next_token: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub(super) o: Value,
    pub(super) i: String,
}

pub(super) fn encode_token(order: Value, id: &str) -> String {
    let json = serde_json::to_vec(&Position {
        o: order,
        i: id.to_owned(),
    })
    .unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

pub(super) fn decode_token(token: &str) -> Result<Position, DbError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| DbError::InvalidPageToken)?;
    serde_json::from_slice(&bytes).map_err(|_| DbError::InvalidPageToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        let t = encode_token(Value::Text("A-1".into()), "id-1");
        let p = decode_token(&t).unwrap();
        assert_eq!(p.o, Value::Text("A-1".into()));
        assert_eq!(p.i, "id-1");
        assert!(decode_token("not a token!").is_err());
        assert!(decode_token(&URL_SAFE_NO_PAD.encode(b"{}")).is_err());
    }
}
