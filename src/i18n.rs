//! Messages in the reader's language: English or Simplified Chinese.
//!
//! A message is written once, in English, where it arises ([`Msg`]); that English text is
//! also its key in the catalog (`locales/zh-CN.yml`, read by `rust-i18n` at build time), as
//! gettext does. It is translated only when it is shown: a problem's `title`, `detail` and
//! field messages in the language the request asked for (`Accept-Language`, English by
//! default), a notice in the language on its recipient's account. Field names, problem
//! `type`s and enum values are never translated: clients switch on them.

use std::borrow::Cow;
use std::fmt;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AcceptLanguage, Header, Preference};
use actix_web::middleware::Next;
use serde::{Serialize, Serializer};

use crate::text_enum;

text_enum! {
    /// A language messages are shown in.
    #[derive(Default)]
    pub enum Language {
        #[default]
        En = "en",
        /// Simplified Chinese.
        ZhCn = "zh-CN",
    }
}

impl Language {
    /// The first language of `Accept-Language` that propdesk speaks: any Chinese is read
    /// as Simplified Chinese, the only Chinese it has; no header, or none it speaks, is
    /// English. A malformed header is not worth refusing a request for.
    pub fn negotiate(req: &ServiceRequest) -> Language {
        let Ok(accepted) = AcceptLanguage::parse(req) else {
            return Language::En;
        };
        accepted
            .ranked()
            .into_iter()
            .find_map(|preference| match preference {
                Preference::Any => Some(Language::En),
                Preference::Specific(tag) => match tag.primary_language() {
                    "zh" => Some(Language::ZhCn),
                    "en" => Some(Language::En),
                    _ => None,
                },
            })
            .unwrap_or_default()
    }
}

tokio::task_local! {
    /// The language of the request being served.
    static REQUESTED: Language;
}

/// The language the request being served asked for; English outside a request.
pub fn requested() -> Language {
    REQUESTED.try_with(|language| *language).unwrap_or_default()
}

/// Serves the request in the language it asks for: every problem is rendered while the
/// request is served (actix turns a handler's error into its response there, and the
/// middlewares inside this one answer theirs themselves), so in that language.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let language = Language::negotiate(&req);
    REQUESTED.scope(language, next.call(req)).await
}

/// A message for people: English, with `%{name}` placeholders for its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// The English text, and the catalog's key.
    text: Cow<'static, str>,
    args: Vec<(&'static str, Arg)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    /// A value shown as it is: a number, a date, a ticket number, a field name.
    Verbatim(String),
    /// A word of the catalog: a record's name, a role.
    Term(Msg),
}

impl Msg {
    pub const fn new(text: &'static str) -> Self {
        Msg {
            text: Cow::Borrowed(text),
            args: Vec::new(),
        }
    }

    /// A text made at run time, such as a library's message; translated if the catalog
    /// has it (a message of ours that travelled as a string), shown as it is otherwise.
    pub fn from_text(text: String) -> Self {
        Msg {
            text: Cow::Owned(text),
            args: Vec::new(),
        }
    }

    /// Fills `%{name}` with `value`, as it is.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((name, Arg::Verbatim(value.to_string())));
        self
    }

    /// Fills `%{name}` with a word of the catalog, translated with the message.
    pub fn term(mut self, name: &'static str, term: impl Into<Msg>) -> Self {
        self.args.push((name, Arg::Term(term.into())));
        self
    }

    /// The English text with its placeholders: the catalog's key.
    pub fn key(&self) -> &str {
        &self.text
    }

    pub fn render(&self, language: Language) -> String {
        let template = match language {
            Language::En => Cow::Borrowed(self.key()),
            other => rust_i18n::t!(self.key(), locale = other.as_str()),
        };
        if self.args.is_empty() {
            return template.into_owned();
        }
        let names: Vec<&str> = self.args.iter().map(|(name, _)| *name).collect();
        let values: Vec<String> = self
            .args
            .iter()
            .map(|(_, arg)| match arg {
                Arg::Verbatim(value) => value.clone(),
                Arg::Term(term) => term.render(language),
            })
            .collect();
        rust_i18n::replace_patterns(&template, &names, &values)
    }
}

impl From<&'static str> for Msg {
    fn from(text: &'static str) -> Self {
        Msg::new(text)
    }
}

/// English: for logs, and for errors outside a request.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// For `FromStr` errors that clap shows.
impl std::error::Error for Msg {}

/// In the language of the request being served.
impl Serialize for Msg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render(requested()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_translated_with_its_arguments() {
        let msg = Msg::new("%{thing} not found").term("thing", "ticket");
        assert_eq!(msg.render(Language::En), "ticket not found");
        assert_eq!(msg.render(Language::ZhCn), "未找到工单");
        let msg = Msg::new("must be at most %{max} characters (this has %{count})")
            .arg("max", 5)
            .arg("count", 7);
        assert_eq!(msg.render(Language::ZhCn), "最多 5 个字符（现有 7 个）");
    }

    #[test]
    fn a_text_the_catalog_lacks_is_shown_as_it_is() {
        let msg = Msg::from_text("expected i64".to_owned());
        assert_eq!(msg.render(Language::ZhCn), "expected i64");
    }
}
