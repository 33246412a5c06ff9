//! Messages in the reader's language (src/i18n.rs): problems follow `Accept-Language`,
//! notices their recipient's account, and the catalog (`locales/zh-CN.yml`) has every
//! message the code writes and nothing it no longer does.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::TestApp;
use serde_json::json;

// ---------------------------------------------------------------------------------------
// The catalog against the source.

/// The translations, by English key.
fn catalog() -> HashMap<String, String> {
    let path = format!("{}/locales/zh-CN.yml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (key, value) = line
                .split_once("\": ")
                .unwrap_or_else(|| panic!("not a `\"key\": value` line: {line}"));
            (unquote(&format!("{key}\"")), unquote(value))
        })
        .collect()
}

/// A YAML double-quoted scalar's text.
fn unquote(quoted: &str) -> String {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not double-quoted: {quoted}"));
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Lit(String),
    Word(String),
    Punct(char),
}

/// The source as string literals (their text), words (paths such as `AppError::field`
/// included) and punctuation; comments dropped.
fn tokens(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || (c == 'r' && matches!(next, Some('"' | '#'))) {
            let (text, end) = literal(&chars, i);
            out.push(Token::Lit(text));
            i = end;
        } else if c == '\'' {
            // A char literal ('x', '\n'), or a lifetime ('static).
            i += if next == Some('\\') {
                chars[i + 2..].iter().position(|&c| c == '\'').unwrap() + 3
            } else if chars.get(i + 2) == Some(&'\'') {
                3
            } else {
                1
            };
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || (chars[i] == ':' && chars.get(i + 1) == Some(&':'))
                    || (chars[i] == ':' && i > 0 && chars[i - 1] == ':'))
            {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            if !c.is_whitespace() {
                out.push(Token::Punct(c));
            }
            i += 1;
        }
    }
    out
}

/// The text of the string literal at `start` (plain or raw), and where it ends.
fn literal(chars: &[char], start: usize) -> (String, usize) {
    if chars[start] == 'r' {
        let hashes = chars[start + 1..].iter().take_while(|&&c| c == '#').count();
        let open = start + 1 + hashes + 1;
        let close: String = std::iter::once('"')
            .chain("#".repeat(hashes).chars())
            .collect();
        let rest: String = chars[open..].iter().collect();
        let len = rest.find(&close).unwrap();
        return (
            rest[..len].to_owned(),
            open + rest[..len].chars().count() + close.len(),
        );
    }
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars[i] {
            '"' => return (text, i + 1),
            '\\' => {
                match chars[i + 1] {
                    // A line continuation drops the newline and the next line's indent.
                    '\n' => {
                        i += 2;
                        while chars[i].is_whitespace() {
                            i += 1;
                        }
                        continue;
                    }
                    'n' => text.push('\n'),
                    other => text.push(other),
                }
                i += 2;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
}

/// Where a message or a word of the catalog is written: a call (by the last segment of its
/// path) and which of its arguments holds it.
const MESSAGE_ARGUMENTS: &[(&str, usize)] = &[
    ("Msg::new", 0),
    ("term", 1),
    ("check", 2),
    ("AppError::field", 1),
    ("AppError::precondition", 1),
    ("AppError::BadRequest", 0),
    ("AppError::Unauthorized", 0),
    ("AppError::Forbidden", 0),
    ("AppError::NotFound", 0),
    ("AppError::MethodNotAllowed", 0),
    ("AppError::StaleVersion", 0),
    ("AppError::InvalidTransition", 0),
    ("AppError::Duplicate", 0),
    ("AppError::UnsupportedMediaType", 0),
    ("Error::custom", 0),
    ("E::custom", 0),
    ("Err", 0),
    ("one_field", 1),
    ("no_work_photos", 1),
    ("listed_site", 3),
    ("listed_site_or_all", 3),
    ("intake::channel", 4),
];

/// The arguments of the call whose `(` is at `open`, each as its tokens.
fn arguments(tokens: &[Token], open: usize) -> Vec<&[Token]> {
    let mut args = Vec::new();
    let (mut depth, mut start) = (0, open + 1);
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    args.push(&tokens[start..i]);
                    return args;
                }
            }
            Token::Punct(',') if depth == 1 => {
                args.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    args
}

/// The literals of an argument outside the calls in it: `"text"`, `"text".into()`, each
/// arm of an `if` or a `match`; not `Msg::new("...").arg("name", ...)`'s `"name"`.
fn outside_calls(argument: &[Token]) -> Vec<&String> {
    let mut depth = 0;
    let mut texts = Vec::new();
    for token in argument {
        match token {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth -= 1,
            Token::Lit(text) if depth == 0 => texts.push(text),
            _ => {}
        }
    }
    texts
}

/// Every message the source writes as a literal where a message goes, with its file.
fn messages_in(file: &str, src: &str, found: &mut BTreeSet<(String, String)>) {
    let tokens = tokens(src);
    for (i, token) in tokens.iter().enumerate() {
        let Token::Word(word) = token else { continue };
        if tokens.get(i + 1) != Some(&Token::Punct('(')) {
            continue;
        }
        let called = |call: &str| word == call || word.ends_with(&format!("::{call}"));
        let Some((_, index)) = MESSAGE_ARGUMENTS.iter().find(|(call, _)| called(call)) else {
            continue;
        };
        let Some(argument) = arguments(&tokens, i + 1).get(*index).copied() else {
            continue;
        };
        // `Err(...)` holds messages only as a plain literal (a check's reason).
        let texts = match (word.as_str(), argument) {
            ("Err", [Token::Lit(text), ..]) => vec![text],
            ("Err", _) => Vec::new(),
            _ => outside_calls(argument),
        };
        for text in texts {
            found.insert((text.clone(), file.to_owned()));
        }
    }
    // A field's message (`FieldError`), why a caller is slowed down (`TooManyRequests`), and
    // what a lifecycle's record is called.
    for window in tokens.windows(3) {
        if let [Token::Word(word), Token::Punct(':'), Token::Lit(text)] = window {
            if word == "message" || word == "reason" {
                found.insert((text.clone(), file.to_owned()));
            }
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        if token == &Token::Word("NOUN".into()) {
            let value = tokens[i..]
                .iter()
                .take_while(|t| **t != Token::Punct(';'))
                .find_map(|t| match t {
                    Token::Lit(text) => Some(text),
                    _ => None,
                });
            if let Some(text) = value {
                found.insert((text.clone(), file.to_owned()));
            }
        }
    }
}

fn rust_files(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `src` without its `#[cfg(test)]` items, wherever they stand in the file.
fn without_tests(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut kept = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i..].starts_with(&marker) {
            kept.push(chars[i]);
            i += 1;
            continue;
        }
        // Skip to the item's closing brace, past strings and comments that hold braces.
        let mut depth = 0;
        while i < chars.len() {
            match chars[i] {
                '"' => i = literal(&chars, i).1,
                'r' if matches!(chars.get(i + 1), Some('"' | '#')) => i = literal(&chars, i).1,
                '/' if chars.get(i + 1) == Some(&'/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '{' => {
                    depth += 1;
                    i += 1;
                }
                '}' => {
                    depth -= 1;
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => i += 1,
            }
        }
    }
    kept
}

/// Each source file without its unit tests, whose texts are not shown to anyone.
fn sources() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = without_tests(&std::fs::read_to_string(&path).unwrap());
            let name = path.strip_prefix(root).unwrap().display().to_string();
            (name, text)
        })
        .collect()
}

/// Messages and words the code passes on in variables rather than as literals where a
/// message goes: serde's messages, and the roles.
fn passed_on() -> Vec<&'static str> {
    use propdesk::access::Role;
    let roles = Role::ALL.iter().map(|role| role.as_str());
    propdesk::json::SERDE_MESSAGES
        .iter()
        .copied()
        .chain(roles)
        .collect()
}

#[test]
fn every_message_has_its_chinese_and_every_translation_its_message() {
    let catalog = catalog();
    let mut found = BTreeSet::new();
    let sources = sources();
    for (file, src) in &sources {
        messages_in(file, src, &mut found);
    }
    assert!(
        found.len() > 200,
        "the scan found only {} messages",
        found.len()
    );
    let missing: Vec<_> = found
        .iter()
        .filter(|(text, _)| !catalog.contains_key(text))
        .map(|(text, file)| format!("{file}: {text:?}"))
        .chain(
            passed_on()
                .into_iter()
                .filter(|text| !catalog.contains_key(*text))
                .map(|text| format!("passed on: {text:?}")),
        )
        .collect();
    assert!(
        missing.is_empty(),
        "no translation for:\n{}",
        missing.join("\n")
    );

    // A translation keeps its message's placeholders, and is Chinese.
    for (key, chinese) in &catalog {
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split("%{")
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
                .collect()
        };
        assert_eq!(placeholders(key), placeholders(chinese), "{key}");
        assert!(
            chinese
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "not Chinese: {key}: {chinese}"
        );
    }

    // Nothing stale: every key is still a literal of the source.
    let literals: BTreeSet<String> = sources
        .iter()
        .flat_map(|(_, src)| tokens(src))
        .filter_map(|token| match token {
            Token::Lit(text) => Some(text),
            _ => None,
        })
        .collect();
    let stale: Vec<_> = catalog.keys().filter(|k| !literals.contains(*k)).collect();
    assert!(stale.is_empty(), "translations of no message: {stale:?}");
}

// ---------------------------------------------------------------------------------------
// Over HTTP.

#[actix_web::test]
async fn an_error_is_answered_in_chinese_for_accept_language_zh_cn() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    // A stranger's ticket: 404, in Chinese; the type stays the same in every language.
    let chinese = app
        .get("/api/v1/tickets/999999")
        .token(&resident)
        .header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
        .send()
        .await;
    assert_eq!(chinese.header("content-language"), Some("zh-CN"));
    assert_eq!(chinese.header("vary"), Some("Accept-Language"));
    let problem = chinese.expect(404);
    assert_eq!(problem["type"], "/problems/not-found");
    assert_eq!(problem["title"], "未找到");
    assert_eq!(problem["detail"], "未找到工单");

    // No header, or a language propdesk does not speak: English.
    for accept in [None, Some("fr-FR, de;q=0.5")] {
        let mut call = app.get("/api/v1/tickets/999999").token(&resident);
        if let Some(accept) = accept {
            call = call.header("Accept-Language", accept);
        }
        let english = call.send().await;
        assert_eq!(english.header("content-language"), Some("en"));
        let problem = english.expect(404);
        assert_eq!(problem["title"], "Not found");
        assert_eq!(problem["detail"], "ticket not found");
    }

    // English preferred over Chinese by quality.
    let english = app
        .get("/api/v1/tickets/999999")
        .token(&resident)
        .header("Accept-Language", "zh;q=0.3, en-GB;q=0.9")
        .send()
        .await
        .expect(404);
    assert_eq!(english["detail"], "ticket not found");
}

async fn ticket_count(app: &TestApp, token: &str) -> usize {
    let page = app.get("/api/v1/tickets").token(token).send().await;
    page.expect(200)["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn validation_messages_are_chinese_with_their_fields_unchanged() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let tickets_before = ticket_count(&app, &resident).await;
    let problem = app
        .post("/api/v1/tickets")
        .token(&resident)
        .header("Accept-Language", "zh-CN")
        .json(json!({
            "unit_id": unit, "category": "water_supply", "priority": "whenever",
            "description": "x".repeat(5000), "contact_phone": "12"
        }))
        .send()
        .await
        .expect(422);
    assert_eq!(problem["type"], "/problems/validation");
    assert_eq!(problem["title"], "验证失败");
    let messages: HashMap<&str, &str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    // The fields keep their names; the enum's values stay as the API spells them. An
    // unknown value stops the reading: it comes after the fields out of their bounds.
    assert!(
        messages["priority"].starts_with("未知的取值 `whenever`"),
        "{messages:?}"
    );
    assert!(messages["priority"].contains("`urgent`"), "{messages:?}");
    assert_eq!(messages["description"], "最多 2000 个字符（现有 5000 个）");
    assert!(
        messages["contact_phone"].contains("5-20 位数字"),
        "{messages:?}"
    );
    assert_eq!(problem["detail"], format!("{} 个字段无效", messages.len()));
    // Refused in any language: nothing was written.
    let tickets_after = ticket_count(&app, &resident).await;
    assert_eq!(tickets_before, tickets_after);
}

#[actix_web::test]
async fn notices_follow_the_language_on_the_recipients_account() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let engineer = app.token("engineer").await;
    let butler = app.token("butler").await;
    // The resident reads Chinese (the app's setting); the engineer keeps English.
    let me = app
        .patch("/api/v1/me")
        .token(&resident)
        .json(json!({"language": "zh-CN"}))
        .send()
        .await
        .expect(200);
    assert_eq!(me["user"]["language"], "zh-CN");
    let refused = app
        .patch("/api/v1/me")
        .token(&resident)
        .json(json!({"language": "fr"}))
        .send()
        .await;
    assert_eq!(refused.invalid_fields(), ["language"]);
    let me = app
        .get("/api/v1/me")
        .token(&resident)
        .send()
        .await
        .expect(200);
    assert_eq!(me["user"]["language"], "zh-CN");

    let engineer_id = app.user_id(&engineer).await;
    let unit = app.unit_id("1-1-101").await;
    let ticket = app
        .post("/api/v1/tickets")
        .token(&resident)
        .json(json!({
            "unit_id": unit, "category": "water_supply", "priority": "general",
            "description": "No water in the kitchen", "contact_phone": "13800138000"
        }))
        .send()
        .await
        .expect(201);
    let number = ticket["number"].as_str().unwrap().to_owned();
    let dispatch = json!({"engineer_ids": [engineer_id], "lead_id": engineer_id});
    app.action(
        &butler,
        "tickets",
        ticket["id"].as_i64().unwrap(),
        "dispatch",
        dispatch,
    )
    .await
    .expect(200);

    let message = |token: String| {
        let app = &app;
        async move {
            // The request's own language does not change a notice already written.
            let page = app
                .get("/api/v1/me/notifications")
                .token(&token)
                .header("Accept-Language", "en")
                .send()
                .await
                .expect(200);
            page["items"][0]["message"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(
        message(resident.clone()).await,
        format!("{number}：已为您的报修派工")
    );
    let to_engineer = message(engineer.clone()).await;
    assert!(
        to_engineer.starts_with(&format!("{number}: a work order for you, to be fixed by ")),
        "{to_engineer}"
    );

    // A butler sets the language of a resident registered at the desk.
    let resident2 = app.token("resident2").await;
    let resident2_id = app.user_id(&resident2).await;
    let changed = app
        .patch(&format!("/api/v1/users/{resident2_id}"))
        .token(&butler)
        .json(json!({"language": "zh-CN"}))
        .send()
        .await
        .expect(200);
    assert_eq!(changed["language"], "zh-CN");
}
