//! The spec and the server agree: what the published OpenAPI document says is what the
//! server accepts and answers (issue "the contract holds"). Schemathesis checks the same
//! at scale in `.ci/contract`; these tests pin each disagreement that was found.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::TestApp;
use serde_json::{json, Value};

/// `POST /api/v1/tickets` as `token`.
async fn report(app: &TestApp, token: &str, body: Value) -> common::Response {
    app.post("/api/v1/tickets")
        .token(token)
        .json(body)
        .send()
        .await
}

/// The tickets `token` sees: none were kept by a refused report.
async fn assert_no_tickets(app: &TestApp, token: &str) {
    let list = app
        .get("/api/v1/tickets")
        .token(token)
        .send()
        .await
        .expect(200);
    assert_eq!(list["items"], json!([]));
}

fn spec() -> Value {
    serde_json::to_value(propdesk::openapi()).unwrap()
}

fn operations(spec: &Value) -> Vec<(String, String, &Value)> {
    let mut all = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            all.push((method.to_uppercase(), path.clone(), op));
        }
    }
    all
}

/// Every Rust type deriving `ToSchema`, by the schema name it publishes (its own name, or
/// the one `#[schema(as = ...)]` gives it), with where it is declared.
fn schema_names(dir: &Path, found: &mut BTreeMap<String, Vec<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            schema_names(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut record = |name: &str, line: usize| {
            found
                .entry(name.to_owned())
                .or_default()
                .push(format!("{}:{line}", path.display()));
        };
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim_start();
            // Hand-written schemas (`impl ToSchema for Phone {}`), the amounts that
            // `bounded_amount!(Amount, 0)` declares and the text kinds that
            // `text_kind!(NoteText, 1000, ...)` declares.
            if let Some(rest) = line.strip_prefix("impl ToSchema for ") {
                record(rest.split_whitespace().next().unwrap_or_default(), i + 1);
                continue;
            }
            if let Some(rest) = line.strip_prefix("bounded_amount!(") {
                record(rest.split(',').next().unwrap_or_default(), i + 1);
                continue;
            }
            if line.starts_with("text_kind!(") {
                if let Some(kind) = lines[i + 1..].iter().find_map(|l| {
                    let l = l.trim_start();
                    (!l.starts_with("///")).then(|| l.split(',').next().unwrap_or_default())
                }) {
                    record(kind, i + 1);
                }
                continue;
            }
            if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            let mut renamed = None;
            for next in &lines[i + 1..] {
                let next = next.trim_start();
                if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                    renamed = rest.split([')', ',']).next().map(str::to_owned);
                }
                let declared = next
                    .strip_prefix("pub struct ")
                    .or_else(|| next.strip_prefix("pub enum "))
                    .or_else(|| next.strip_prefix("struct "))
                    .or_else(|| next.strip_prefix("enum "));
                if let Some(rest) = declared {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    record(&renamed.unwrap_or(name), i + 1);
                    break;
                }
            }
        }
    }
}

/// Two types under one schema name make the spec describe one of them wrongly (a ticket's
/// developer transfer was documented as the complaint action's `{note}` body).
#[test]
fn no_two_types_share_a_schema_name() {
    let mut found = BTreeMap::new();
    schema_names(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.len() > 50, "the scan found only {}", found.len());
    for name in [
        "DeveloperTransfer",
        "TransferToDeveloper",
        "Amount",
        "NoteText",
    ] {
        assert!(found.contains_key(name), "the scan missed {name}");
    }
    let shared: Vec<_> = found.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(shared.is_empty(), "schema names used twice: {shared:?}");

    let spec = spec();
    let transfer = &spec["components"]["schemas"]["DeveloperTransfer"]["properties"];
    assert!(transfer["slip"].is_object(), "{transfer}");
}

#[test]
fn operations_have_unique_ids_summaries_and_stated_security() {
    let spec = spec();
    let mut ids = BTreeMap::new();
    for (method, path, op) in operations(&spec) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        assert!(!id.is_empty(), "{method} {path} has no operationId");
        if let Some(other) = ids.insert(id.clone(), format!("{method} {path}")) {
            panic!("operationId {id} names both {other} and {method} {path}");
        }
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method} {path} has no summary"
        );
        assert!(
            op["security"].is_array(),
            "{method} {path} does not state its security"
        );
    }
    for public in [
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
    ] {
        assert_eq!(
            spec["paths"][public]["post"]["security"],
            json!([]),
            "{public}"
        );
    }
    assert_eq!(spec["paths"]["/healthz"]["get"]["security"], json!([]));
    assert!(spec["servers"][0]["url"].is_string());
    assert!(ids.contains_key("tickets_chase") && ids.contains_key("complaints_chase"));
}

/// The demo's password is for trying the demo, not for every reader of the spec.
#[test]
fn the_spec_shows_no_real_credentials() {
    let text = serde_json::to_string(&spec()).unwrap();
    assert!(!text.contains("demo-pass-123"));
}

#[actix_web::test]
async fn a_json_array_is_not_an_object() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let site = format!("/api/v1/sites/{}", app.site_id);
    let before = app.get(&site).token(&manager).send().await.expect(200);
    let res = app
        .patch(&site)
        .token(&manager)
        .json(json!(["Renamed by array", null, null]))
        .send()
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(
        app.get(&site).token(&manager).send().await.expect(200),
        before
    );

    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let res = report(
        &app,
        &resident,
        json!([
            unit,
            null,
            "water_supply",
            "urgent",
            null,
            "13800138000",
            "Leak"
        ]),
    )
    .await;
    assert_eq!(res.status, 422);
    assert_no_tickets(&app, &resident).await;
}

/// `null` for a required enum is well-formed JSON of the wrong type: a 422 on the field.
#[actix_web::test]
async fn null_for_a_required_enum_names_the_field() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    let res = report(
        &app,
        &resident,
        json!({"unit_id": unit, "category": null, "priority": "urgent",
                     "contact_phone": "13800138000", "description": "Leak"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["category"]);
    let res = app
        .post("/api/v1/complaints")
        .token(&butler)
        .json(json!({"unit_id": unit, "channel": "phone", "subject": null,
                     "complainant": {"kind": "named", "name": "Ms Li", "phone": "13800138000"},
                     "description": "Corridor not cleaned"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["subject"]);
}

/// PostgreSQL cannot store NUL in text; SQLite could. Both databases answer the same 422
/// and keep nothing.
#[actix_web::test]
async fn a_nul_character_is_refused_on_every_database() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let res = report(
        &app,
        &resident,
        json!({"unit_id": unit, "category": "water_supply", "priority": "urgent",
                     "contact_phone": "13800138000", "description": "Leak\u{0}under the sink"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["description"]);
    assert_no_tickets(&app, &resident).await;
}

/// JSON Schema's `integer` includes `28.0`; so does the server.
#[actix_web::test]
async fn an_integer_valued_number_is_an_integer() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let ticket = report(
        &app,
        &resident,
        json!({"unit_id": unit as f64, "category": "water_supply", "priority": "urgent",
                     "contact_phone": "13800138000", "description": "Leak"}),
    )
    .await
    .expect(201);
    assert_eq!(ticket["unit_id"], unit);
    let res = report(
        &app,
        &resident,
        json!({"unit_id": unit as f64 + 0.5, "category": "water_supply", "priority": "urgent",
                     "contact_phone": "13800138000", "description": "Leak"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["unit_id"]);

    // A query string reads its integers the same way.
    let list = app
        .get(&format!("/api/v1/tickets?unit_id={unit}.0"))
        .token(&resident)
        .send()
        .await
        .expect(200);
    assert_eq!(list["items"][0]["id"], ticket["id"]);
    let problem = app
        .get(&format!("/api/v1/tickets?unit_id={unit}.5"))
        .token(&resident)
        .send()
        .await
        .expect(400);
    assert!(
        problem["detail"].as_str().unwrap().contains("unit_id"),
        "{problem}"
    );
}

/// A fixed path is its own route: the wrong method there is a 405, not an id that does not
/// parse; a path whose id is not a number is no route at all.
#[actix_web::test]
async fn fixed_paths_do_not_fall_through_to_id_routes() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let res = app
        .get("/api/v1/complaints/close-quiet")
        .token(&manager)
        .send()
        .await;
    assert_eq!(res.header("allow"), Some("POST"));
    res.expect(405);
    let res = app
        .post("/api/v1/tickets/work-orders")
        .token(&manager)
        .json(json!({}))
        .send()
        .await;
    assert_eq!(res.header("allow"), Some("GET"));
    res.expect(405);
    app.get("/api/v1/complaints/first")
        .token(&manager)
        .send()
        .await
        .expect(404);
}

/// Money is bounded where it enters: 0 to 100 000 000 yuan, as the spec's `maximum` says.
#[actix_web::test]
async fn amounts_beyond_the_bound_are_refused() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let spec = spec();
    assert_eq!(
        spec["components"]["schemas"]["Amount"]["maximum"],
        10_000_000_000_i64
    );
    for price in [i64::MAX, 10_000_000_001, -1] {
        let res = app
            .post("/api/v1/fee-items")
            .token(&manager)
            .json(json!({"site_id": app.site_id, "name": "Gold tap", "price_fen": price}))
            .send()
            .await;
        assert_eq!(res.invalid_fields(), ["price_fen"], "{price}");
    }
    let items = app
        .get(&format!("/api/v1/fee-items?site_id={}", app.site_id))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(items.as_array().map(Vec::len), Some(0), "{items}");
    app.post("/api/v1/fee-items")
        .token(&manager)
        .json(json!({"site_id": app.site_id, "name": "Gold tap", "price_fen": 10_000_000_000_i64}))
        .send()
        .await
        .expect(201);
}

/// Reports for a site the caller does not work for answer 404, and the spec says so; the
/// routes that switch a record on or off document the 409 they answer.
#[actix_web::test]
async fn every_status_a_route_answers_is_documented() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    let butler = app.token("butler").await;
    let spec = spec();
    for (path, query) in [
        ("/api/v1/tickets/daily-board", ""),
        ("/api/v1/tickets/public-costs", "&month=2026-11"),
        ("/api/v1/complaints/daily-board", ""),
        ("/api/v1/complaints/weekly-summary", "&from=2026-11-23"),
        ("/api/v1/complaints/monthly-report", "&month=2026-11"),
        ("/api/v1/complaints/public-summary", "&month=2026-11"),
    ] {
        app.get(&format!("{path}?site_id={}{query}", other.site_id))
            .token(&butler)
            .send()
            .await
            .expect(404);
        assert!(
            spec["paths"][path]["get"]["responses"]["404"].is_object(),
            "{path} does not document its 404"
        );
    }
    for (method, path, op) in operations(&spec) {
        let switches = ["/deactivate", "/reactivate", "/reset-password"]
            .iter()
            .any(|end| path.ends_with(end));
        if switches {
            assert!(
                op["responses"]["409"].is_object(),
                "{method} {path} does not document its 409"
            );
        }
    }
}

/// A body naming a site that is not there is a 422 on `site_id`, as for a site of someone
/// else's: never a 404, which would say the route itself was not found.
#[actix_web::test]
async fn a_body_naming_no_site_is_a_field_error() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let res = app
        .post("/api/v1/complaints")
        .token(&manager)
        .json(
            json!({"site_id": 999_999, "channel": "phone", "subject": "service_quality",
                     "complainant": {"kind": "anonymous"}, "description": "Gate left open"}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_id"]);
    let res = report(
        &app,
        &manager,
        json!({"site_id": 999_999, "location": "Gate 2", "category": "public_facilities",
               "priority": "general", "contact_phone": "13800138000", "description": "Gate stuck"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["site_id"]);
}

/// Every `$ref` names a component the document defines: a type used only as a path
/// parameter is not collected by itself.
#[test]
fn every_reference_resolves() {
    fn walk(value: &Value, spec: &Value, missing: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let pointer = target.trim_start_matches('#');
                    if spec.pointer(pointer).is_none() {
                        missing.push(target.clone());
                    }
                }
                map.values().for_each(|v| walk(v, spec, missing));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, spec, missing)),
            _ => {}
        }
    }
    let spec = spec();
    let mut missing = Vec::new();
    walk(&spec, &spec, &mut missing);
    assert!(missing.is_empty(), "unresolved: {missing:?}");
}

/// Each board section the spec lists is a route the server answers (the route's pattern
/// and the section enum are written separately).
#[actix_web::test]
async fn every_documented_board_section_is_served() {
    let spec = spec();
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    for board in ["tickets", "complaints"] {
        let path = format!("/api/v1/{board}/daily-board/{{section}}");
        let sections = spec["paths"][&path]["get"]["parameters"][0]["schema"]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} lists its sections"))
            .clone();
        assert!(sections.len() >= 5);
        for section in sections {
            let section = section.as_str().unwrap();
            let page = app
                .get(&format!(
                    "/api/v1/{board}/daily-board/{section}?site_id={}",
                    app.site_id
                ))
                .token(&butler)
                .send()
                .await
                .expect(200);
            assert!(page["count"].is_i64(), "{board} {section}: {page}");
        }
    }
}
