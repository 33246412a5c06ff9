//! The platform's shared behaviour: probes, problem+json for every failure, the spec.

mod common;

use actix_web::http::Method;
use common::TestApp;
use serde_json::json;

#[actix_web::test]
async fn probes_answer_without_authentication() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/healthz").send().await.expect(200)["status"], "ok");
    assert_eq!(
        app.get("/readyz").send().await.expect(200)["status"],
        "ready"
    );
}

#[actix_web::test]
async fn unknown_route_is_a_problem_404_and_wrong_method_a_405_with_allow() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/no-such-thing").send().await;
    assert!(res.header("x-request-id").is_some());
    assert_eq!(res.expect(404)["detail"], "route not found");

    let res = app.call(Method::DELETE, "/api/v1/units/1").send().await;
    assert_eq!(res.header("allow"), Some("GET, PATCH"));
    res.expect(405);
}

#[actix_web::test]
async fn request_id_is_echoed_when_sane_and_replaced_when_not() {
    let app = TestApp::new().await;
    let res = app
        .get("/healthz")
        .header("x-request-id", "abc-123")
        .send()
        .await;
    assert_eq!(res.header("x-request-id"), Some("abc-123"));
    let res = app
        .get("/healthz")
        .header("x-request-id", "<script>")
        .send()
        .await;
    let id = res.header("x-request-id").unwrap();
    assert_ne!(id, "<script>");
    assert!(id.len() >= 12);
}

#[actix_web::test]
async fn malformed_json_wrong_types_and_unknown_fields_are_precise() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;

    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .raw(b"{\"site_id\": 1,", "application/json")
        .send()
        .await;
    assert!(res.expect(400)["detail"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));

    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .json(json!({"site_id": "one", "building": "9", "entrance": "1", "room": "1"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_id"]);

    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .json(json!({"site_id": 1, "building": "9", "entrance": "1", "room": "1", "colour": "red"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["colour"]);

    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .raw(b"site_id=1", "application/x-www-form-urlencoded")
        .send()
        .await;
    res.expect(415);

    // Nothing was created by any of the rejected requests.
    let page = app
        .get("/api/v1/units?building=9")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let huge = "x".repeat(100 * 1024);
    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .json(json!({"site_id": 1, "building": huge, "entrance": "1", "room": "1"}))
        .send()
        .await;
    res.expect(413);
}

#[actix_web::test]
async fn bad_path_ids_and_query_values_are_400() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    // Ids are digits: `abc` names no route; an id too large for an integer does not parse.
    app.get("/api/v1/units/abc")
        .token(&butler)
        .send()
        .await
        .expect(404);
    app.get("/api/v1/units/99999999999999999999")
        .token(&butler)
        .send()
        .await
        .expect(400);
    app.get("/api/v1/users?role=janitor")
        .token(&butler)
        .send()
        .await
        .expect(400);
    app.get("/api/v1/units?limit=ten")
        .token(&butler)
        .send()
        .await
        .expect(400);
    assert_eq!(
        app.get("/api/v1/units?limit=0")
            .token(&butler)
            .send()
            .await
            .invalid_fields(),
        ["limit"]
    );
    assert_eq!(
        app.get("/api/v1/units?cursor=garbage")
            .token(&butler)
            .send()
            .await
            .invalid_fields(),
        ["cursor"]
    );
}

#[actix_web::test]
async fn swagger_ui_and_the_spec_are_served_offline() {
    let app = TestApp::new().await;
    let res = app.get("/docs").send().await;
    assert_eq!(res.status.as_u16(), 308);
    let res = app.get("/docs/").send().await;
    assert_eq!(res.status.as_u16(), 200);
    assert!(res.body.as_str().unwrap().contains("Swagger UI"));
    let spec = app.get("/api-docs/openapi.json").send().await.expect(200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
}

/// The committed spec is the contract: regenerate it with
/// `cargo run -- openapi > openapi/openapi.json` when this fails.
#[test]
fn committed_openapi_spec_is_current() {
    let generated: serde_json::Value =
        serde_json::from_str(&propdesk::openapi().to_pretty_json().unwrap()).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json exists"),
    )
    .unwrap();
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

/// Every lifecycle action has its `POST .../{id}/<action>` route in the published spec, so
/// a new action cannot be added to a state machine without a way to take it. A visit that
/// finds the complainant dissatisfied shares the `visit` route; the system's own steps
/// (counting a merged duplicate in, the quiet-week close) are taken by `merge` and the sweep.
#[test]
fn every_lifecycle_action_has_its_route() {
    use propdesk::complaints::model::ComplaintAction;
    use propdesk::tickets::model::TicketAction;
    let spec = serde_json::to_value(propdesk::openapi()).unwrap();
    let missing = |records: &str, actions: &[&str]| -> Vec<String> {
        actions
            .iter()
            .map(|a| format!("/api/v1/{records}/{{id}}/{}", a.replace('_', "-")))
            .filter(|path| spec["paths"][path]["post"].is_null())
            .collect()
    };
    let tickets: Vec<&str> = TicketAction::ALL.iter().map(|a| a.as_str()).collect();
    let complaints: Vec<&str> = ComplaintAction::ALL
        .iter()
        .filter(|a| {
            !matches!(
                a,
                ComplaintAction::VisitDissatisfied
                    | ComplaintAction::MergeIn
                    | ComplaintAction::CloseQuiet
            )
        })
        .map(|a| a.as_str())
        .collect();
    assert_eq!(tickets.len(), 19);
    assert_eq!(missing("tickets", &tickets), Vec::<String>::new());
    assert_eq!(missing("complaints", &complaints), Vec::<String>::new());
    assert!(!missing("complaints", &["no_such_action"]).is_empty());
}

#[test]
fn every_secured_route_declares_bearer_auth_and_problem_responses() {
    let spec = serde_json::to_value(propdesk::openapi()).unwrap();
    let mut secured = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let public = path.starts_with("/healthz")
                || path.starts_with("/readyz")
                || [
                    "/api/v1/auth/login",
                    "/api/v1/auth/refresh",
                    "/api/v1/auth/logout",
                ]
                .contains(&path.as_str());
            if !public {
                secured += 1;
                // A route open to API keys also names the permission it needs of one.
                let mut schemes = vec![json!({"bearer": []})];
                if let Some(needed) =
                    propdesk::access::Permission::needed(&method.to_uppercase(), path)
                {
                    schemes.push(json!({"api_key": [needed.as_str()]}));
                }
                assert_eq!(op["security"], json!(schemes), "{method} {path}");
                assert!(
                    op["responses"]["401"].is_object(),
                    "{method} {path} lacks 401"
                );
            }
            assert!(
                op["responses"]["500"].is_object(),
                "{method} {path} lacks 500"
            );
        }
    }
    assert!(secured > 20);
}

#[test]
fn both_migration_folders_hold_the_same_versions() {
    let list = |dir: &str| {
        let mut names: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("postgres"));
}

/// A request that finds no database connection free in time is told to come back (503 with
/// `Retry-After`), promptly, and keeps nothing; on SQLite the readers answer meanwhile.
#[actix_web::test]
async fn a_request_that_finds_no_connection_in_time_is_a_503_with_retry_after() {
    let app = TestApp::with_config(|config| {
        config.db_pool.size = 1;
        config.db_pool.wait = std::time::Duration::from_millis(200);
    })
    .await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    let held = app.state.pool.get().unwrap();
    let res = app
        .post("/api/v1/tickets")
        .token(&butler)
        .json(
            json!({"unit_id": unit, "category": "lift", "priority": "urgent",
                     "contact_phone": "13700137000", "description": "Lift stuck"}),
        )
        .send()
        .await;
    assert_eq!(res.header("retry-after"), Some("1"));
    assert_eq!(res.expect(503)["type"], "/problems/unavailable");
    drop(held);
    let list = app
        .get("/api/v1/tickets")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(list["items"], json!([]), "the refused report kept nothing");
}

/// A connection the database dropped (a restart, an operator's kill) fails one request and
/// is then replaced, not handed out again. PostgreSQL only: SQLite has no server to drop it.
#[actix_web::test]
async fn a_connection_the_database_dropped_is_replaced_after_one_failure() {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let app = TestApp::with_config(|config| config.db_pool.size = 1).await;
    let url = app.state.config.database_url.clone();
    if propdesk::db::Backend::of(&url) != propdesk::db::Backend::Postgres {
        return;
    }
    let butler = app.token("butler").await;
    let pool = app.state.pool.clone();
    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let pid = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        diesel::sql_query("SELECT pg_backend_pid() AS pid")
            .get_result::<Pid>(&mut **conn)
            .unwrap()
            .pid
    })
    .await
    .unwrap();
    let mut admin = PgConnection::establish(&url).unwrap();
    diesel::sql_query(format!("SELECT pg_terminate_backend({pid})"))
        .execute(&mut admin)
        .unwrap();
    let list = |butler: String| {
        let app = &app;
        async move { app.get("/api/v1/tickets").token(&butler).send().await }
    };
    list(butler.clone()).await.expect(500);
    list(butler).await.expect(200);
}
