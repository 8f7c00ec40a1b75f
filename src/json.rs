//! The one reader of untrusted JSON (JWT headers and payloads, salted
//! envelopes, the REST routes' request bodies): exactly one JSON object, no duplicate member names (a classic
//! parser-differential trick: two readers of one text disagree on which value
//! counts), nesting at most [`MAX_DEPTH`]. serde_json's own error text may
//! quote the input, so problems are reported as kinds and positions only.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::{Cell, RefCell};
use std::fmt;

/// Deepest nesting of arrays and objects accepted (the top-level object is
/// level 1).
pub const MAX_DEPTH: usize = 16;

/// Why a text is not accepted as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not JSON; the column of the first error.
    NotJson { column: usize },
    /// JSON, but not an object.
    NotObject,
    /// Deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The same member name twice in one object.
    Duplicate(String),
}

impl fmt::Display for Problem {
    /// What is wrong, without quoting the input beyond a member name.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Problem::NotJson { column } => write!(f, "not JSON (error at column {column})"),
            Problem::NotObject => f.write_str("not an object"),
            Problem::TooDeep => write!(f, "nested more than {MAX_DEPTH} levels deep"),
            Problem::Duplicate(name) => write!(
                f,
                "\"{}\" is there more than once",
                crate::error::printable(name)
            ),
        }
    }
}

/// A request body that must be one JSON object (the REST routes' bodies).
pub fn request_body(bytes: &[u8]) -> crate::error::Result<Map<String, Value>> {
    object(bytes).map_err(|p| crate::error::Error::BodyNotJsonObject(p.to_string()))
}

enum Found {
    Duplicate(String),
    TooDeep,
}

#[derive(Default)]
struct State {
    depth: Cell<usize>,
    found: RefCell<Option<Found>>,
}

impl State {
    fn fail<E: de::Error>(&self, found: Found) -> E {
        *self.found.borrow_mut() = Some(found);
        E::custom("refused")
    }

    fn enter<E: de::Error>(&self) -> std::result::Result<(), E> {
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH {
            return Err(self.fail(Found::TooDeep));
        }
        self.depth.set(depth);
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }
}

/// Parses `bytes` as one JSON object, strictly.
pub fn object(bytes: &[u8]) -> std::result::Result<Map<String, Value>, Problem> {
    let state = State::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Strict(&state)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Problem::NotObject),
        Err(e) => Err(match state.found.into_inner() {
            Some(Found::Duplicate(name)) => Problem::Duplicate(name),
            Some(Found::TooDeep) => Problem::TooDeep,
            None => Problem::NotJson { column: e.column() },
        }),
    }
}

#[derive(Clone, Copy)]
struct Strict<'s>(&'s State);

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Value, E> {
        Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }

    fn visit_str<E>(self, s: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> std::result::Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        self.0.enter()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        self.0.leave();
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        self.0.enter()?;
        let mut out = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if out.contains_key(&name) {
                return Err(self.0.fail(Found::Duplicate(name)));
            }
            let v = map.next_value_seed(self)?;
            out.insert(name, v);
        }
        self.0.leave();
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_only_strictly() {
        assert_eq!(object(br#"{"a": [1, {"b": null}]}"#).unwrap().len(), 1);
        assert_eq!(object(b"[]"), Err(Problem::NotObject));
        assert_eq!(object(b"\"x\""), Err(Problem::NotObject));
        assert!(matches!(object(b"{"), Err(Problem::NotJson { .. })));
        assert!(matches!(object(b"{} x"), Err(Problem::NotJson { .. })));
        assert_eq!(
            object(br#"{"a": 1, "a": 2}"#),
            Err(Problem::Duplicate("a".into()))
        );
        assert_eq!(
            object(br#"{"x": {"a": 1, "a": 2}}"#),
            Err(Problem::Duplicate("a".into()))
        );
        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(object(format!("{{\"d\": {deep}}}").as_bytes()) == Err(Problem::TooDeep));
        let ok = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(object(format!("{{\"d\": {ok}}}").as_bytes()).is_ok());
    }
}
