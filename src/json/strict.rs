//! A reading of a parsed body that keeps serde's derived code to the shapes the spec shows.
//!
//! serde's derives accept a JSON array for a struct (fields by position), so
//! `["Renamed", null]` would rename a site and clear its address. Reading through
//! [`Strict`] refuses that, refuses NUL characters (PostgreSQL cannot store them, so both
//! databases answer the same 422), and reads an integer-valued number such as `28.0` as the
//! integer it is, as JSON Schema's `integer` does.
//!
//! It also keeps the path being read, so that a value which is well-typed but out of its
//! bounds (a text too long, an amount too large) can be [`defer`]red: recorded against its
//! field while reading goes on, and every such field is listed in one answer.

use std::cell::RefCell;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    DeserializeSeed, Error as _, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde::{forward_to_deserialize_any, Deserializer};
use serde_json::{Error, Number, Value};

use crate::error::FieldError;
use crate::i18n::Msg;

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Default)]
struct Reading {
    /// Where the reader is, one rendered segment each: `spans`, `[0]`, `.ends`.
    path: Vec<String>,
    deferred: Vec<FieldError>,
}

thread_local! {
    static READING: RefCell<Option<Reading>> = const { RefCell::new(None) };
}

/// Runs `read` with a fresh record of deferred problems and returns them with its result.
/// Reading is synchronous, so the thread-local cannot be shared with another body.
pub fn reading<T>(read: impl FnOnce() -> T) -> (T, Vec<FieldError>) {
    READING.with(|r| *r.borrow_mut() = Some(Reading::default()));
    let result = read();
    let deferred = READING
        .with(|r| r.borrow_mut().take())
        .map(|r| r.deferred)
        .unwrap_or_default();
    (result, deferred)
}

/// Records `message` against the field being read, if a request body is being read: the
/// caller then goes on with a placeholder, which is never used, since a body with deferred
/// problems is refused. Outside a body (a unit test, the CLI) the message comes back for
/// the caller to fail with as usual.
fn defer(message: Msg) -> Result<(), Msg> {
    READING.with(|r| match r.borrow_mut().as_mut() {
        Some(reading) => {
            let field = reading.path.concat();
            reading.deferred.push(FieldError { field, message });
            Ok(())
        }
        None => Err(message),
    })
}

/// The outcome of checking a value a type read (a text's length, an amount's bound): a
/// problem is [`defer`]red and `placeholder` stands in; outside a body it is an error.
pub fn checked<T, E: serde::de::Error>(
    checked: Result<T, Msg>,
    placeholder: impl FnOnce() -> T,
) -> Result<T, E> {
    checked.or_else(|problem| defer(problem).map(|()| placeholder()).map_err(E::custom))
}

fn within<T>(segment: Segment<'_>, read: impl FnOnce() -> T) -> T {
    let pushed = READING.with(|r| match r.borrow_mut().as_mut() {
        Some(reading) => {
            let rendered = match segment {
                Segment::Key(key) if reading.path.is_empty() => key.to_owned(),
                Segment::Key(key) => format!(".{key}"),
                Segment::Index(i) => format!("[{i}]"),
            };
            reading.path.push(rendered);
            true
        }
        None => false,
    });
    let result = read();
    if pushed {
        READING.with(|r| {
            if let Some(reading) = r.borrow_mut().as_mut() {
                reading.path.pop();
            }
        });
    }
    result
}

struct Items<'a> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        within(Segment::Index(index), || seed.deserialize(Strict(item))).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Fields<'a> {
    fields: serde_json::map::Iter<'a>,
    value: Option<(&'a str, &'a Value)>,
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.fields.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| Error::custom("a value was read before its key"))?;
        within(Segment::Key(key), || seed.deserialize(Strict(value)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

pub struct Strict<'a>(pub &'a Value);

/// The largest magnitude an `f64` holds exactly as an integer; beyond it `28.0`-style
/// numbers are no longer exact, so they stay floats (and an integer field refuses them).
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// The integer an integer-valued number such as `28.0` or `1e3` stands for, as JSON
/// Schema's `integer` reads it; `None` for a fraction, or a number too large to be exact.
pub fn integer_value(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() <= EXACT_F64).then_some(f as i64)
}

fn number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        match integer_value(f) {
            Some(i) => visitor.visit_i64(i),
            None => visitor.visit_f64(f),
        }
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(Unexpected::Signed)
            .unwrap_or_else(|| Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => number(n, visitor),
            Value::String(s) if s.contains('\0') => Err(Error::custom(
                "must not contain the NUL character (\\u0000)",
            )),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut seq = Items {
                    items: items.iter(),
                    index: 0,
                };
                let value = visitor.visit_seq(&mut seq)?;
                match seq.items.len() {
                    0 => Ok(value),
                    left => Err(Error::custom(
                        Msg::new("expected %{expected} items, not %{count}")
                            .arg("expected", items.len() - left)
                            .arg("count", items.len()),
                    )),
                }
            }
            Value::Object(fields) => visitor.visit_map(Fields {
                fields: fields.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Only an object is a struct or a map: an array's positions are not field names.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    /// Enums are sent by name (`"plumbing"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            other => Err(Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct identifier ignored_any
    }
}
