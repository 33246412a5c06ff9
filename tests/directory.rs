//! Sites, units, people and memberships: who may do what (the README's permission matrix),
//! and object-level scoping — another site's or another resident's ids answer 404.

mod common;

use common::{Field, TestApp, PASSWORD};
use serde_json::{json, Value};

#[actix_web::test]
async fn company_wide_manager_opens_edits_and_closes_sites() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let site = app
        .post("/api/v1/sites")
        .token(&manager)
        .json(json!({"name": "Lakeside 湖畔", "address": "1 Lake Road"}))
        .send()
        .await
        .expect(201);
    assert_eq!(site["time_zone"], "Asia/Shanghai");
    let id = site["id"].as_i64().unwrap();

    let site = app
        .patch(&format!("/api/v1/sites/{id}"))
        .token(&manager)
        .json(json!({"address": null, "time_zone": "Asia/Urumqi"}))
        .send()
        .await
        .expect(200);
    assert_eq!(site.field("address"), &Value::Null);
    assert_eq!(site["time_zone"], "Asia/Urumqi");

    let res = app
        .post("/api/v1/sites")
        .token(&manager)
        .json(json!({"name": "Lakeside 湖畔"}))
        .send()
        .await;
    let taken = res.expect(409);
    assert_eq!(taken["type"], "/problems/duplicate");
    assert_eq!(taken["detail"], "a site with this name already exists");

    let site = app
        .post(&format!("/api/v1/sites/{id}/deactivate"))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(site["active"], false);
    // A closed site takes no new units.
    let closed = app
        .post("/api/v1/units")
        .token(&manager)
        .json(json!({"site_id": id, "building": "1", "entrance": "1", "room": "101"}))
        .send()
        .await
        .expect(409);
    assert_eq!(closed["type"], "/problems/precondition-failed");
    assert_eq!(closed["code"], "site_inactive");
    let active = app
        .get("/api/v1/sites?active=true")
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert!(active["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["id"] != id));
}

#[actix_web::test]
async fn site_validation_lists_every_bad_field() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let res = app
        .post("/api/v1/sites")
        .token(&manager)
        .json(json!({"name": "x".repeat(101), "time_zone": "Mars/Olympus"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["name", "time_zone"]);
}

#[actix_web::test]
async fn only_company_wide_managers_open_sites_and_residents_see_none() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    // A manager of one site only.
    let site_manager = app.site_manager("site.manager", &[app.site_id]).await;
    app.post("/api/v1/sites")
        .token(&site_manager)
        .json(json!({"name": "Not Allowed"}))
        .send()
        .await
        .expect(403);
    let sites = app
        .get("/api/v1/sites")
        .token(&site_manager)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = sites["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [app.site_id]);
    app.get(&format!("/api/v1/sites/{}", other.site_id))
        .token(&site_manager)
        .send()
        .await
        .expect(404);
    app.patch(&format!("/api/v1/sites/{}", other.site_id))
        .token(&site_manager)
        .json(json!({"name": "Taken Over"}))
        .send()
        .await
        .expect(404);

    let butler = app.token("butler").await;
    app.patch(&format!("/api/v1/sites/{}", app.site_id))
        .token(&butler)
        .json(json!({"name": "Renamed"}))
        .send()
        .await
        .expect(403);
    let resident = app.token("resident").await;
    app.get("/api/v1/sites")
        .token(&resident)
        .send()
        .await
        .expect(403);
}

#[actix_web::test]
async fn butler_keeps_units_of_their_site_only() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    let butler = app.token("butler").await;

    let unit = app
        .post("/api/v1/units")
        .token(&butler)
        .json(
            json!({"site_id": app.site_id, "building": "5", "entrance": "1", "room": "0501",
                     "floor_area_m2": 101.25, "handover_date": "2025-01-15"}),
        )
        .send()
        .await
        .expect(201);
    assert_eq!(unit["code"], "5-1-0501");
    assert_eq!(unit["floor_area_m2"], 101.25);
    let id = unit["id"].as_i64().unwrap();

    let dup = app
        .post("/api/v1/units")
        .token(&butler)
        .json(json!({"site_id": app.site_id, "building": "5", "entrance": "1", "room": "0501"}))
        .send()
        .await;
    let dup = dup.expect(409);
    assert_eq!(dup["type"], "/problems/duplicate");
    assert_eq!(
        dup["detail"],
        "this site already has a unit with that building, entrance and room"
    );

    let unit = app
        .patch(&format!("/api/v1/units/{id}"))
        .token(&butler)
        .json(json!({"handover_date": null, "floor_area_m2": 99}))
        .send()
        .await
        .expect(200);
    assert_eq!(unit.field("handover_date"), &Value::Null);
    assert_eq!(unit["floor_area_m2"], 99.0);

    // Another site's unit does not exist for this butler, nor may they add to that site.
    let other_unit = format!("/api/v1/units/{}", other.unit_id);
    app.get(&other_unit).token(&butler).send().await.expect(404);
    app.patch(&other_unit)
        .token(&butler)
        .json(json!({"room": "809"}))
        .send()
        .await
        .expect(404);
    app.post(&format!("{other_unit}/deactivate"))
        .token(&butler)
        .send()
        .await
        .expect(404);
    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .json(json!({"site_id": other.site_id, "building": "1", "entrance": "1", "room": "1"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_id"]);

    let listed = app
        .get("/api/v1/units?limit=100")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["site_id"] == app.site_id));

    let unit = app
        .post(&format!("/api/v1/units/{id}/deactivate"))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(unit["active"], false);
    let unit = app
        .post(&format!("/api/v1/units/{id}/reactivate"))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(unit["active"], true);
}

#[actix_web::test]
async fn unit_validation_rejects_bad_parts_and_areas_and_changes_nothing() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .json(json!({"site_id": app.site_id, "building": "3-A", "entrance": "", "room": "x".repeat(17),
                     "floor_area_m2": 12.345}))
        .send()
        .await;
    assert_eq!(
        res.invalid_fields(),
        ["building", "entrance", "floor_area_m2", "room"]
    );
    let res = app
        .post("/api/v1/units")
        .token(&butler)
        .json(
            json!({"site_id": app.site_id, "building": "1", "entrance": "1", "room": "1",
                     "handover_date": "2025-02-30"}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["handover_date"]);
    let page = app
        .get("/api/v1/units?limit=100")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(page["items"].as_array().unwrap().len(), 24);
}

#[actix_web::test]
async fn engineers_read_units_of_their_site_but_change_nothing() {
    let app = TestApp::new().await;
    let engineer = app.token("engineer").await;
    let unit = app.unit_id("1-1-101").await;
    app.get(&format!("/api/v1/units/{unit}"))
        .token(&engineer)
        .send()
        .await
        .expect(200);
    app.patch(&format!("/api/v1/units/{unit}"))
        .token(&engineer)
        .json(json!({"room": "999"}))
        .send()
        .await
        .expect(403);
    app.post("/api/v1/units")
        .token(&engineer)
        .json(json!({"site_id": app.site_id, "building": "9", "entrance": "9", "room": "9"}))
        .send()
        .await
        .expect(403);
    app.get("/api/v1/users")
        .token(&engineer)
        .send()
        .await
        .expect(403);
}

#[actix_web::test]
async fn a_resident_reaches_only_the_units_they_live_in() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let own = app.unit_id("1-1-101").await;
    let neighbour = app.unit_id("2-1-201").await;

    let units = app
        .get("/api/v1/units")
        .token(&resident)
        .send()
        .await
        .expect(200);
    let codes: Vec<&str> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1-1-101"]);
    app.get(&format!("/api/v1/units/{own}"))
        .token(&resident)
        .send()
        .await
        .expect(200);
    app.get(&format!("/api/v1/units/{neighbour}"))
        .token(&resident)
        .send()
        .await
        .expect(404);
    app.get(&format!("/api/v1/units/{own}/members"))
        .token(&resident)
        .send()
        .await
        .expect(403);
    app.get("/api/v1/users")
        .token(&resident)
        .send()
        .await
        .expect(403);

    let me = app
        .get("/api/v1/me")
        .token(&resident)
        .send()
        .await
        .expect(200);
    assert_eq!(me["units"][0]["unit"]["code"], "1-1-101");
    assert_eq!(me["units"][0]["relation"], "owner");
    assert_eq!(me["sites"], json!([]));
}

#[actix_web::test]
async fn unit_lists_page_with_an_opaque_cursor() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/units?limit=10".to_owned();
    loop {
        let page = app.get(&path).token(&butler).send().await.expect(200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 10);
        seen.extend(items.iter().map(|u| u["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/units?limit=10&cursor={cursor}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen.len(), 24);
    assert_eq!(seen, sorted);

    let capped = app
        .get("/api/v1/units?limit=1000")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(capped["items"].as_array().unwrap().len(), 24);
    let building = app
        .get("/api/v1/units?building=2&limit=100")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(building["items"].as_array().unwrap().len(), 8);
}

#[actix_web::test]
async fn butler_creates_residents_with_their_unit_but_no_staff() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-2-201").await;

    let user = app
        .post("/api/v1/users")
        .token(&butler)
        .json(json!({"username": "Zhao.Lei", "phone": "138-0013-8000", "display_name": "Zhao Lei 赵磊",
                     "role": "resident", "password": PASSWORD, "unit_id": unit, "relation": "family"}))
        .send()
        .await
        .expect(201);
    assert_eq!(user["username"], "zhao.lei");
    assert_eq!(user["phone"], "13800138000");
    let members = app
        .get(&format!("/api/v1/units/{unit}/members"))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(members[0]["display_name"], "Zhao Lei 赵磊");
    assert_eq!(members[0]["relation"], "family");
    assert_eq!(members[0]["current"], true);

    // Same username, any case: taken.
    let taken = app
        .post("/api/v1/users")
        .token(&butler)
        .json(
            json!({"username": "ZHAO.LEI", "display_name": "Copy", "role": "resident",
                     "password": PASSWORD, "unit_id": unit, "relation": "family"}),
        )
        .send()
        .await
        .expect(409);
    assert_eq!(taken["type"], "/problems/duplicate");
    assert_eq!(taken["detail"], "the username is already in use");

    app.post("/api/v1/users")
        .token(&butler)
        .json(
            json!({"username": "new.butler", "display_name": "New Butler", "role": "butler",
                     "password": PASSWORD, "site_ids": [app.site_id]}),
        )
        .send()
        .await
        .expect(403);

    let res = app
        .post("/api/v1/users")
        .token(&butler)
        .json(
            json!({"display_name": "", "role": "resident", "password": "short",
                     "phone": "12", "site_ids": [1.5]}),
        )
        .send()
        .await;
    // What the body's shape and bounds say is listed first, all of it (the wrong type last:
    // reading stops there) ...
    assert_eq!(
        res.invalid_fields(),
        ["display_name", "phone", "site_ids[0]"]
    );
    // ... then the rules that need the whole body.
    let res = app
        .post("/api/v1/users")
        .token(&butler)
        .json(json!({"display_name": "Wu", "role": "resident", "password": "short"}))
        .send()
        .await;
    assert_eq!(
        res.invalid_fields(),
        ["username", "password", "unit_id", "relation"]
    );

    let res = app
        .post("/api/v1/users")
        .token(&butler)
        .json(
            json!({"username": "x1", "display_name": "X", "role": "janitor", "password": PASSWORD}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["role"]);
}

#[actix_web::test]
async fn people_of_other_sites_are_invisible() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    let butler = app.token("butler").await;
    for id in [other.butler_id, other.resident_id] {
        app.get(&format!("/api/v1/users/{id}"))
            .token(&butler)
            .send()
            .await
            .expect(404);
        app.post(&format!("/api/v1/users/{id}/deactivate"))
            .token(&butler)
            .send()
            .await
            .expect(404);
    }
    let people = app
        .get("/api/v1/users?limit=100")
        .token(&butler)
        .send()
        .await
        .expect(200);
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"resident") && names.contains(&"engineer"));
    assert!(!names.contains(&"butler.river") && !names.contains(&"resident.river"));
    assert!(
        !names.contains(&"manager"),
        "company-wide managers belong to no site"
    );

    let residents = app
        .get("/api/v1/users?role=resident")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert!(residents["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["role"] == "resident"));

    // The resident of the other site cannot be linked to a unit here either.
    let unit = app.unit_id("3-2-202").await;
    let res = app
        .post(&format!("/api/v1/units/{unit}/members"))
        .token(&butler)
        .json(json!({"user_id": other.resident_id, "relation": "tenant"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["user_id"]);
}

#[actix_web::test]
async fn butlers_manage_residents_but_not_staff() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let manager = app.token("manager").await;
    let me = app
        .get("/api/v1/me")
        .token(&app.token("engineer").await)
        .send()
        .await
        .expect(200);
    let engineer_id = me["user"]["id"].as_i64().unwrap();
    app.patch(&format!("/api/v1/users/{engineer_id}"))
        .token(&butler)
        .json(json!({"display_name": "Renamed"}))
        .send()
        .await
        .expect(403);
    app.post(&format!("/api/v1/users/{engineer_id}/deactivate"))
        .token(&butler)
        .send()
        .await
        .expect(403);

    let resident = app
        .get("/api/v1/me")
        .token(&app.token("resident").await)
        .send()
        .await
        .expect(200);
    let resident_id = resident["user"]["id"].as_i64().unwrap();
    let user = app
        .patch(&format!("/api/v1/users/{resident_id}"))
        .token(&butler)
        .json(json!({"display_name": "Zhang Wei", "phone": "13700137000"}))
        .send()
        .await
        .expect(200);
    assert_eq!(user["phone"], "13700137000");
    // Clearing the only login name is refused and changes nothing.
    let res = app
        .patch(&format!("/api/v1/users/{resident_id}"))
        .token(&butler)
        .json(json!({"username": null, "phone": null}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["username"]);
    app.login_pair("resident", PASSWORD).await;

    // A forgotten password, reset by the desk: old sessions end, the new password works.
    let old = app.login_pair("resident", PASSWORD).await;
    app.post(&format!("/api/v1/users/{resident_id}/reset-password"))
        .token(&butler)
        .json(json!({"new_password": "temporary-pass-789"}))
        .send()
        .await
        .expect(200);
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": old["refresh_token"]}))
        .send()
        .await
        .expect(401);
    app.login_pair("resident", "temporary-pass-789").await;

    // Managers may move staff between sites; nobody deactivates themselves.
    let user = app
        .patch(&format!("/api/v1/users/{engineer_id}"))
        .token(&manager)
        .json(json!({"site_ids": []}))
        .send()
        .await;
    assert_eq!(user.invalid_fields(), ["site_ids"]);
    let manager_me = app
        .get("/api/v1/me")
        .token(&manager)
        .send()
        .await
        .expect(200);
    let manager_id = manager_me["user"]["id"].as_i64().unwrap();
    let own = app
        .post(&format!("/api/v1/users/{manager_id}/deactivate"))
        .token(&manager)
        .send()
        .await
        .expect(409);
    assert_eq!(own["code"], "own_account");
}

#[actix_web::test]
async fn memberships_start_and_end_and_ending_takes_effect_at_once() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let resident2 = app
        .get("/api/v1/me")
        .token(&app.token("resident2").await)
        .send()
        .await
        .expect(200);
    let resident2_id = resident2["user"]["id"].as_i64().unwrap();
    let unit = app.unit_id("3-1-102").await;

    let membership = app
        .post(&format!("/api/v1/units/{unit}/members"))
        .token(&butler)
        .json(json!({"user_id": resident2_id, "relation": "tenant"}))
        .send()
        .await
        .expect(201);
    assert_eq!(membership["start_date"], "2026-11-23");
    let membership_id = membership["id"].as_i64().unwrap();

    // Already a member: a second open membership is refused.
    let member = app
        .post(&format!("/api/v1/units/{unit}/members"))
        .token(&butler)
        .json(json!({"user_id": resident2_id, "relation": "family"}))
        .send()
        .await
        .expect(409);
    assert_eq!(member["code"], "already_member");

    let token = app.token("resident2").await;
    app.get(&format!("/api/v1/units/{unit}"))
        .token(&token)
        .send()
        .await
        .expect(200);

    let ended = app
        .post(&format!("/api/v1/memberships/{membership_id}/end"))
        .token(&butler)
        .json(json!({}))
        .send()
        .await
        .expect(200);
    assert_eq!(ended["current"], false);
    app.get(&format!("/api/v1/units/{unit}"))
        .token(&token)
        .send()
        .await
        .expect(404);
    let ended = app
        .post(&format!("/api/v1/memberships/{membership_id}/end"))
        .token(&butler)
        .json(json!({}))
        .send()
        .await
        .expect(409);
    assert_eq!(ended["code"], "membership_ended");

    // A lease that starts next month is not in force yet.
    let lease = app
        .post(&format!("/api/v1/units/{unit}/members"))
        .token(&butler)
        .json(json!({"user_id": resident2_id, "relation": "tenant", "start_date": "2026-12-01", "end_date": "2027-12-01"}))
        .send()
        .await
        .expect(201);
    assert_eq!(lease["current"], false);
    let res = app
        .post(&format!("/api/v1/units/{unit}/members"))
        .token(&butler)
        .json(json!({"user_id": 999999, "relation": "owner"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["user_id"]);
}

#[actix_web::test]
async fn staff_site_links_must_stay_within_the_managers_scope() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    let manager = app.token("manager").await;
    app.post("/api/v1/users")
        .token(&manager)
        .json(
            json!({"username": "site.manager", "display_name": "Site Manager", "role": "manager",
                     "password": PASSWORD, "site_ids": [app.site_id]}),
        )
        .send()
        .await
        .expect(201);
    let site_manager = app.token("site.manager").await;
    let res = app
        .post("/api/v1/users")
        .token(&site_manager)
        .json(
            json!({"username": "eng.two", "display_name": "Engineer Two", "role": "engineer",
                     "password": PASSWORD, "site_ids": [app.site_id, other.site_id]}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_ids[1]"]);
    let res = app
        .post("/api/v1/users")
        .token(&site_manager)
        .json(
            json!({"username": "boss.two", "display_name": "Boss Two", "role": "manager",
                     "password": PASSWORD}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_ids"]);
    let engineer = app
        .post("/api/v1/users")
        .token(&site_manager)
        .json(
            json!({"username": "eng.two", "display_name": "Engineer Two", "role": "engineer",
                     "password": PASSWORD, "site_ids": [app.site_id]}),
        )
        .send()
        .await
        .expect(201);
    assert_eq!(engineer["site_ids"], json!([app.site_id]));
    let token = app.token("eng.two").await;
    let me = app.get("/api/v1/me").token(&token).send().await.expect(200);
    assert_eq!(me["sites"][0]["name"], "Sunny Gardens 阳光花园");
}
