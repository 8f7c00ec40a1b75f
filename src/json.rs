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

/// A JSON text refused where the caller needs one object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// A request body that is not one strict JSON object.
    #[error("the request body is not one JSON object: {0}")]
    BodyNotJsonObject(Problem),
}

/// A request body that must be one JSON object (the REST routes' bodies).
pub fn request_body<B: Build>(bytes: &[u8], build: &B) -> Result<B::Value, JsonError> {
    object_with(bytes, build).map_err(JsonError::BodyNotJsonObject)
}

enum Found {
    Duplicate(String),
    TooDeep,
}

#[derive(Default)]
struct State {
    depth: Cell<usize>,
    found: RefCell<Option<Found>>,
    top_is_object: Cell<bool>,
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

/// What the strict reader builds: `serde_json` values here, PHP arrays in
/// the binding (without a detour through `Value`). The rules (one object,
/// no member twice, the depth limit) stay in this module.
pub trait Build {
    type Value;
    type Array;
    type Object;
    fn null(&self) -> Self::Value;
    fn bool(&self, b: bool) -> Self::Value;
    fn int(&self, n: i64) -> Self::Value;
    /// Integers above `i64::MAX`.
    fn uint(&self, n: u64) -> Self::Value;
    /// Fractions and exponents (always finite).
    fn float(&self, n: f64) -> Self::Value;
    fn string(&self, s: &str) -> Option<Self::Value>;
    fn array(&self) -> Self::Array;
    fn push(&self, array: &mut Self::Array, value: Self::Value) -> Option<()>;
    fn end_array(&self, array: Self::Array) -> Self::Value;
    fn object(&self) -> Self::Object;
    fn has(&self, object: &Self::Object, name: &str) -> bool;
    fn insert(&self, object: &mut Self::Object, name: &str, value: Self::Value) -> Option<()>;
    fn end_object(&self, object: Self::Object) -> Self::Value;
}

/// Parses `bytes` as one JSON object, strictly.
pub fn object(bytes: &[u8]) -> std::result::Result<Map<String, Value>, Problem> {
    match object_with(bytes, &Values)? {
        Value::Object(map) => Ok(map),
        _ => Err(Problem::NotObject),
    }
}

/// Parses `bytes` as one JSON object, strictly, built by `build`.
pub fn object_with<B: Build>(bytes: &[u8], build: &B) -> std::result::Result<B::Value, Problem> {
    let state = State::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Strict(&state, build)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(v) if state.top_is_object.get() => Ok(v),
        Ok(_) => Err(Problem::NotObject),
        Err(e) => Err(match state.found.into_inner() {
            Some(Found::Duplicate(name)) => Problem::Duplicate(name),
            Some(Found::TooDeep) => Problem::TooDeep,
            None => Problem::NotJson { column: e.column() },
        }),
    }
}

/// Builds `serde_json` values.
struct Values;

impl Build for Values {
    type Value = Value;
    type Array = Vec<Value>;
    type Object = Map<String, Value>;
    fn null(&self) -> Value {
        Value::Null
    }
    fn bool(&self, b: bool) -> Value {
        Value::Bool(b)
    }
    fn int(&self, n: i64) -> Value {
        Value::Number(n.into())
    }
    fn uint(&self, n: u64) -> Value {
        Value::Number(n.into())
    }
    fn float(&self, n: f64) -> Value {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
    fn string(&self, s: &str) -> Option<Value> {
        Some(Value::String(s.to_string()))
    }
    fn array(&self) -> Vec<Value> {
        Vec::new()
    }
    fn push(&self, array: &mut Vec<Value>, value: Value) -> Option<()> {
        array.push(value);
        Some(())
    }
    fn end_array(&self, array: Vec<Value>) -> Value {
        Value::Array(array)
    }
    fn object(&self) -> Map<String, Value> {
        Map::new()
    }
    fn has(&self, object: &Map<String, Value>, name: &str) -> bool {
        object.contains_key(name)
    }
    fn insert(&self, object: &mut Map<String, Value>, name: &str, value: Value) -> Option<()> {
        object.insert(name.to_string(), value);
        Some(())
    }
    fn end_object(&self, object: Map<String, Value>) -> Value {
        Value::Object(object)
    }
}

struct Strict<'s, B>(&'s State, &'s B);

impl<B> Clone for Strict<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B> Copy for Strict<'_, B> {}

/// A member name, borrowed from the input where it has no escapes.
struct Name<'a>(std::borrow::Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> std::result::Result<Name<'de>, E> {
                Ok(Name(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Name<'de>, E> {
                Ok(Name(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Name<'de>, E> {
                Ok(Name(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de, B: Build> DeserializeSeed<'de> for Strict<'_, B> {
    type Value = B::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<B::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, B: Build> Visitor<'de> for Strict<'_, B> {
    type Value = B::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> std::result::Result<B::Value, E> {
        Ok(self.1.null())
    }

    fn visit_bool<E>(self, b: bool) -> std::result::Result<B::Value, E> {
        Ok(self.1.bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> std::result::Result<B::Value, E> {
        Ok(self.1.int(n))
    }

    fn visit_u64<E>(self, n: u64) -> std::result::Result<B::Value, E> {
        Ok(match i64::try_from(n) {
            Ok(i) => self.1.int(i),
            Err(_) => self.1.uint(n),
        })
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<B::Value, E> {
        if !n.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        Ok(self.1.float(n))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<B::Value, E> {
        self.1.string(s).ok_or_else(|| E::custom("string too long"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<B::Value, A::Error> {
        self.0.enter()?;
        let mut out = self.1.array();
        while let Some(v) = seq.next_element_seed(self)? {
            self.1
                .push(&mut out, v)
                .ok_or_else(|| de::Error::custom("array too long"))?;
        }
        self.0.leave();
        Ok(self.1.end_array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<B::Value, A::Error> {
        if self.0.depth.get() == 0 {
            self.0.top_is_object.set(true);
        }
        self.0.enter()?;
        let mut out = self.1.object();
        while let Some(Name(name)) = map.next_key::<Name>()? {
            if self.1.has(&out, &name) {
                return Err(self.0.fail(Found::Duplicate(name.into_owned())));
            }
            let v = map.next_value_seed(self)?;
            self.1
                .insert(&mut out, &name, v)
                .ok_or_else(|| de::Error::custom("object too large"))?;
        }
        self.0.leave();
        Ok(self.1.end_object(out))
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
