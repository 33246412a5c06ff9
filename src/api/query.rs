//! Query strings. Unlike `actix_web::web::Query`, a parameter is read as its schema in the
//! spec reads it: an integer may be written `28.0` or `1e3` (JSON Schema's `integer`
//! admits integer-valued numbers, and generated clients send them), and a problem names its
//! parameter. Whatever does not parse is a 400.

use std::borrow::Cow;
use std::future::{ready, Ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::value::{Error, MapDeserializer};
use serde::de::{DeserializeOwned, Error as _, IntoDeserializer, Unexpected, Visitor};
use serde::{forward_to_deserialize_any, Deserializer};

use crate::error::AppError;
use crate::i18n::Msg;

pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let pairs: Vec<(Cow<str>, Cow<str>)> = form_urlencoded::parse(query.as_bytes()).collect();
    let params = MapDeserializer::<_, Error>::new(
        pairs
            .iter()
            .map(|(name, value)| (name.as_ref(), Param(value.as_ref()))),
    );
    serde_path_to_error::deserialize(params).map_err(|err| {
        let name = err.path().to_string();
        AppError::BadRequest(
            Msg::new("invalid query string: %{name}: %{error}")
                .arg("name", name)
                .term(
                    "error",
                    crate::json::translatable(&err.into_inner().to_string()),
                ),
        )
    })
}

/// One parameter's value, read as the type its field asks for.
struct Param<'a>(&'a str);

impl<'de> IntoDeserializer<'de, Error> for Param<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Param<'de> {
    fn integer<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.0.parse::<i64>().ok().or_else(|| {
            self.0
                .parse::<f64>()
                .ok()
                .and_then(crate::json::integer_value)
        });
        match value {
            Some(i) => visitor.visit_i64(i),
            None => Err(Error::invalid_value(Unexpected::Str(self.0), &visitor)),
        }
    }
}

macro_rules! integers {
    ($($method:ident)+) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.integer(visitor)
        }
    )+};
}

impl<'de> Deserializer<'de> for Param<'de> {
    type Error = Error;

    /// PostgreSQL cannot store NUL, so no text that could reach it may hold one.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.contains('\0') {
            return Err(Error::custom("must not contain the NUL character (%00)"));
        }
        visitor.visit_borrowed_str(self.0)
    }

    integers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64);

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(Error::invalid_value(Unexpected::Str(other), &visitor)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.parse::<f64>() {
            Ok(f) if f.is_finite() => visitor.visit_f64(f),
            _ => Err(Error::invalid_value(Unexpected::Str(self.0), &visitor)),
        }
    }

    /// A parameter that is present has a value, even an empty one.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Enums are sent by name (`status=open`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    /// A parameter of another extractor (the page's, the filter's) is not this one's to judge.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        i128 u128 f32 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Filter {
        site_id: Option<i64>,
        year: Option<i32>,
        active: Option<bool>,
        building: Option<String>,
    }

    fn message(query: &str) -> String {
        match parse::<Filter>(query) {
            Err(AppError::BadRequest(message)) => message.to_string(),
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn integer_valued_numbers_are_integers() {
        let filter: Filter = parse("site_id=28.0&year=2e3").unwrap();
        assert_eq!(filter.site_id, Some(28));
        assert_eq!(filter.year, Some(2000));
        let filter: Filter = parse("site_id=-3").unwrap();
        assert_eq!(filter.site_id, Some(-3));
    }

    #[test]
    fn what_does_not_parse_names_its_parameter() {
        assert!(message("site_id=1.5").starts_with("invalid query string: site_id:"));
        assert!(message("site_id=inf").contains("site_id"));
        assert!(message("year=99999999999").contains("year"));
        assert!(message("active=yes").contains("active"));
        assert!(message("building=a%00b").contains("NUL"));
        assert!(message("site_id=1&site_id=2").contains("duplicate"));
    }

    #[test]
    fn texts_stay_as_written_and_unknown_parameters_are_ignored() {
        let filter: Filter = parse("building=007&colour=blue").unwrap();
        assert_eq!(filter.building.as_deref(), Some("007"));
        assert_eq!(filter.site_id, None);
    }
}
