//! A site's working calendar: managers edit the week and the special days, staff read them,
//! other sites' calendars do not exist, bad input changes nothing, and the working clock
//! that deadlines use follows what was entered.

mod common;

use actix_web::http::Method;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestApp;
use serde_json::{json, Value};

fn calendar(site_id: i64) -> String {
    format!("/api/v1/sites/{site_id}/calendar")
}

fn weekly_hours(site_id: i64) -> String {
    format!("/api/v1/sites/{site_id}/calendar/weekly-hours")
}

fn day(site_id: i64, date: &str) -> String {
    format!("/api/v1/sites/{site_id}/calendar/days/{date}")
}

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> common::Response {
    app.call(Method::PUT, path)
        .token(token)
        .json(body)
        .send()
        .await
}

async fn get(app: &TestApp, token: &str, path: &str) -> common::Response {
    app.get(path).token(token).send().await
}

async fn delete(app: &TestApp, token: &str, path: &str) -> common::Response {
    app.call(Method::DELETE, path).token(token).send().await
}

fn dates(calendar: &Value) -> Vec<&str> {
    calendar["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn managers_edit_the_week_and_the_days_and_staff_read_them() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let butler = app.token("butler").await;
    let engineer = app.token("engineer").await;

    // Nothing set: the default week.
    let cal = get(&app, &butler, &calendar(app.site_id)).await.expect(200);
    assert_eq!(cal["time_zone"], "Asia/Shanghai");
    assert_eq!(cal["weekly_hours"]["configured"], false);
    let spans = cal["weekly_hours"]["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 10);
    assert_eq!(
        spans[0],
        json!({"weekday": 1, "starts": "08:30", "ends": "12:00"})
    );
    assert_eq!(
        spans[9],
        json!({"weekday": 5, "starts": "13:30", "ends": "17:30"})
    );
    assert_eq!(cal["days"], json!([]));

    let week = put(
        &app,
        &manager,
        &weekly_hours(app.site_id),
        json!({"spans": [
            {"weekday": 6, "starts": "09:00", "ends": "12:00"},
            {"weekday": 1, "starts": "13:00", "ends": "18:00"},
            {"weekday": 1, "starts": "09:00", "ends": "12:00"},
        ]}),
    )
    .await
    .expect(200);
    assert_eq!(
        week,
        json!({"configured": true, "spans": [
            {"weekday": 1, "starts": "09:00", "ends": "12:00"},
            {"weekday": 1, "starts": "13:00", "ends": "18:00"},
            {"weekday": 6, "starts": "09:00", "ends": "12:00"},
        ]})
    );

    for (date, kind, name) in [
        ("2027-01-01", "holiday", "New Year 元旦"),
        ("2026-10-01", "holiday", "National Day"),
        ("2026-10-10", "working_day", "National Day make-up 调休上班"),
    ] {
        let set = put(
            &app,
            &manager,
            &day(app.site_id, date),
            json!({"kind": kind, "name": name}),
        )
        .await
        .expect(200);
        assert_eq!(set, json!({"date": date, "kind": kind, "name": name}));
    }
    // Setting a date again replaces it.
    put(
        &app,
        &manager,
        &day(app.site_id, "2026-10-01"),
        json!({"kind": "holiday", "name": "National Day 国庆节"}),
    )
    .await
    .expect(200);

    let cal = get(
        &app,
        &engineer,
        &format!("{}?year=2026", calendar(app.site_id)),
    )
    .await
    .expect(200);
    assert_eq!(cal["weekly_hours"], week);
    assert_eq!(dates(&cal), ["2026-10-01", "2026-10-10"]);
    assert_eq!(cal["days"][0]["name"], "National Day 国庆节");
    assert_eq!(cal["days"][1]["kind"], "working_day");

    let res = delete(&app, &manager, &day(app.site_id, "2027-01-01")).await;
    assert_eq!(res.status.as_u16(), 204);
    delete(&app, &manager, &day(app.site_id, "2027-01-01"))
        .await
        .expect(404);
    let cal = get(&app, &butler, &calendar(app.site_id)).await.expect(200);
    assert_eq!(dates(&cal), ["2026-10-01", "2026-10-10"]);
}

/// Tries every edit of the site's calendar with `token`; each must answer `status` (204
/// for the delete that succeeds).
async fn every_edit_answers(app: &TestApp, token: &str, site_id: i64, status: u16) {
    let week = json!({"spans": [{"weekday": 1, "starts": "09:00", "ends": "17:00"}]});
    let new_year = day(site_id, "2027-01-01");
    put(app, token, &weekly_hours(site_id), week)
        .await
        .expect(status);
    put(
        app,
        token,
        &new_year,
        json!({"kind": "holiday", "name": "Closed"}),
    )
    .await
    .expect(status);
    let deleted = if status == 200 { 204 } else { status };
    delete(app, token, &new_year).await.expect(deleted);
}

#[actix_web::test]
async fn only_the_sites_managers_edit_and_other_sites_do_not_exist() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    let river_manager = app.site_manager("river.manager", &[other.site_id]).await;

    // Staff read but do not edit; residents do neither.
    let butler = app.token("butler").await;
    every_edit_answers(&app, &butler, app.site_id, 403).await;
    let resident = app.token("resident").await;
    get(&app, &resident, &calendar(app.site_id))
        .await
        .expect(403);

    // Another site's manager or butler finds no such site.
    every_edit_answers(&app, &river_manager, app.site_id, 404).await;
    let river_butler = app.token("butler.river").await;
    get(&app, &river_butler, &calendar(app.site_id))
        .await
        .expect(404);

    // Their own site is theirs to edit, and nothing of it reaches the first site.
    every_edit_answers(&app, &river_manager, other.site_id, 200).await;
    let cal = get(&app, &butler, &calendar(app.site_id)).await.expect(200);
    assert_eq!(cal["weekly_hours"]["configured"], false);
    assert_eq!(cal["days"], json!([]));
}

#[actix_web::test]
async fn bad_calendars_name_their_fields_and_change_nothing() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;

    let res = put(
        &app,
        &manager,
        &weekly_hours(app.site_id),
        json!({"spans": [
            {"weekday": 8, "starts": "08:30", "ends": "12:00"},
            {"weekday": 1, "starts": "8:30", "ends": "12:00"},
            {"weekday": 2, "starts": "14:00", "ends": "13:00"},
            {"weekday": 3, "starts": "08:30", "ends": "12:00"},
            {"weekday": 3, "starts": "11:30", "ends": "17:30"},
        ]}),
    )
    .await;
    assert_eq!(
        res.invalid_fields(),
        [
            "spans[0].weekday",
            "spans[1].starts",
            "spans[2].ends",
            "spans[4]"
        ]
    );
    for (body, field) in [
        (json!({"spans": []}), "spans"),
        (json!({}), "spans"),
        (
            // The missing field itself, not just the item that lacks it.
            json!({"spans": [{"weekday": 1, "starts": "08:30"}]}),
            "spans[0].ends",
        ),
    ] {
        let res = put(&app, &manager, &weekly_hours(app.site_id), body).await;
        assert_eq!(res.invalid_fields(), [field]);
    }

    let new_year = day(app.site_id, "2027-01-01");
    let res = put(
        &app,
        &manager,
        &new_year,
        json!({"kind": "day_off", "name": "New Year"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["kind"]);
    let res = put(
        &app,
        &manager,
        &new_year,
        json!({"kind": "holiday", "name": ""}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["name"]);
    for bad in ["2026-02-30", "tomorrow"] {
        put(
            &app,
            &manager,
            &day(app.site_id, bad),
            json!({"kind": "holiday", "name": "Nope"}),
        )
        .await
        .expect(400);
        delete(&app, &manager, &day(app.site_id, bad))
            .await
            .expect(400);
    }
    let res = get(
        &app,
        &manager,
        &format!("{}?year=1800", calendar(app.site_id)),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["year"]);
    get(
        &app,
        &manager,
        &format!("{}?year=next", calendar(app.site_id)),
    )
    .await
    .expect(400);

    let cal = get(&app, &manager, &calendar(app.site_id))
        .await
        .expect(200);
    assert_eq!(cal["weekly_hours"]["configured"], false);
    assert_eq!(cal["days"], json!([]));
}

/// A Shanghai wall-clock time.
fn shanghai(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

// R-CMP-5
#[actix_web::test]
async fn the_working_clock_follows_the_calendar_managers_enter() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    for d in 1..=7 {
        put(
            &app,
            &manager,
            &day(app.site_id, &format!("2026-10-0{d}")),
            json!({"kind": "holiday", "name": "National Day 国庆节"}),
        )
        .await
        .expect(200);
    }
    put(
        &app,
        &manager,
        &day(app.site_id, "2026-10-10"),
        json!({"kind": "working_day", "name": "调休上班"}),
    )
    .await
    .expect(200);

    let pool = app.state.pool.clone();
    let site_id = app.site_id.into();
    let calendar = actix_web::web::block(move || {
        let from = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        propdesk::calendar::service::load(&mut pool.get().unwrap(), site_id, from)
    })
    .await
    .unwrap()
    .unwrap();
    let tz = chrono_tz::Asia::Shanghai;
    let eight_hours =
        |from: &str| calendar.add_working_time(tz, shanghai(from), Duration::hours(8));
    // The default week's hours, the holiday week skipped, the make-up Saturday worked.
    assert_eq!(
        eight_hours("2026-09-30 16:30"),
        shanghai("2026-10-08 17:00")
    );
    assert_eq!(
        eight_hours("2026-10-09 16:00"),
        shanghai("2026-10-10 16:30")
    );
    assert!(!calendar.is_working_time(tz, shanghai("2026-10-01 10:00")));
    assert!(calendar.is_working_time(tz, shanghai("2026-10-10 10:00")));
}
