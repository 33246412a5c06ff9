//! Hot water (src/hot_water/): each unit's account and its append-only ledger, payments
//! with receipt numbers per site and year, refunds and adjustments.

mod common;

use common::hot_water::*;
use common::{all, TestApp};
use serde_json::{json, Value};

// R-HW-3
#[actix_web::test]
async fn the_balance_is_the_sum_of_entries_that_are_never_changed() {
    let app = TestApp::new().await;
    let (butler, manager) = (app.token("butler").await, app.token("manager").await);
    let unit = app.unit_id("1-1-101").await;
    // A unit without entries has an empty account.
    let empty = app
        .get(&path(unit, ""))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(
        (empty["balance_fen"].as_i64(), empty["entries"].as_i64()),
        (Some(0), Some(0))
    );

    pay(&app, &butler, unit, 20_000).await;
    pay(&app, &butler, unit, 5_050).await;
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 25_050);
    let debit = json!({"direction": "debit", "amount_fen": 1_500, "reason": "Q3 usage re-billed"});
    let adjusted = app
        .post(&path(unit, "/adjustments"))
        .token(&manager)
        .json(debit);
    let adjusted = adjusted.send().await.expect(201);
    assert_eq!(adjusted["amount_fen"], -1_500);
    assert_eq!(adjusted["kind"], "adjustment");
    let refund = json!({"amount_fen": 3_000, "method": "transfer", "reason": "Moving out"});
    let refunded = app
        .post(&path(unit, "/refunds"))
        .token(&manager)
        .json(refund);
    assert_eq!(refunded.send().await.expect(201)["amount_fen"], -3_000);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 20_550);
    let listed = entries(&app, &butler, unit).await;
    let kinds: Vec<&str> = listed.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["refund", "adjustment", "payment", "payment"]);

    // The database itself refuses to change or remove an entry, whoever asks.
    let id = listed[3]["id"].as_i64().unwrap();
    let pool = app.state.pool.clone();
    let postgres = app.state.config.database_url.starts_with("postgres");
    let refused = actix_web::web::block(move || {
        use diesel::connection::SimpleConnection;
        let mut conn = pool.get().unwrap();
        let update = conn.batch_execute(&format!(
            "UPDATE hot_water_entries SET amount_fen = 1 WHERE id = {id}"
        ));
        let delete = conn.batch_execute(&format!("DELETE FROM hot_water_entries WHERE id = {id}"));
        // Replacing a row, each database's way, is a change too; so is moving an account.
        let replace = conn.batch_execute(&if postgres {
            format!(
                "INSERT INTO hot_water_entries SELECT * FROM hot_water_entries WHERE id = {id} \
                 ON CONFLICT (id) DO UPDATE SET amount_fen = 5"
            )
        } else {
            format!(
                "INSERT OR REPLACE INTO hot_water_entries (id, account_id, site_id, kind, \
                 amount_fen, reason, recorded_by, created_at) SELECT id, account_id, site_id, \
                 'adjustment', 5, 'x', recorded_by, created_at FROM hot_water_entries \
                 WHERE id = {id}"
            )
        });
        let account = conn.batch_execute("UPDATE hot_water_accounts SET unit_id = unit_id + 1");
        // SQLite's trigger refuses a replacing insert as a unique violation: a 409, had a
        // request ever made one.
        let replace_status = replace
            .err()
            .map(|e| propdesk::error::AppError::from(e).problem().status);
        let refused = [update.is_err(), delete.is_err(), account.is_err()];
        (refused, replace_status)
    })
    .await
    .unwrap();
    assert_eq!(refused.0, [true; 3]);
    assert!(refused.1.is_some(), "the replacing insert is refused");
    if !postgres {
        assert_eq!(refused.1, Some(409));
    }
    assert_eq!(entries(&app, &butler, unit).await, listed);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 20_550);
}

// R-HW-7
#[actix_web::test]
async fn receipts_are_numbered_per_site_and_local_year_without_gaps() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    let other = app.unit_id("2-1-201").await;
    let receipt = |entry: Value| entry["receipt_number"].as_str().unwrap().to_owned();
    assert_eq!(
        receipt(pay(&app, &butler, unit, 100).await),
        "RS-2026-000001"
    );
    assert_eq!(
        receipt(pay(&app, &butler, other, 100).await),
        "RS-2026-000002"
    );
    // A refused payment takes no number.
    let refused = app
        .post(&path(unit, "/payments"))
        .token(&butler)
        .json(json!({"amount_fen": 0, "method": "cash"}));
    assert_eq!(refused.send().await.invalid_fields(), ["amount_fen"]);
    assert_eq!(
        receipt(pay(&app, &butler, unit, 100).await),
        "RS-2026-000003"
    );
    // Each site counts its own.
    let site = app.other_site().await;
    let manager = app.token("manager").await;
    assert_eq!(
        receipt(pay(&app, &manager, site.unit_id, 100).await),
        "RS-2026-000001"
    );
    // 00:30 on 1 January in Shanghai is the new year's, though still 2026 in UTC.
    let now = app.clock_now();
    let new_year = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 31, 16, 30, 0);
    app.clock.advance(new_year.unwrap() - now);
    let butler = app.token("butler").await;
    let first = pay(&app, &butler, unit, 100).await;
    assert!(first["created_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-31"));
    assert_eq!(receipt(first), "RS-2027-000001");
    // Only payments have receipts.
    let listed = entries(&app, &butler, unit).await;
    assert!(listed
        .iter()
        .all(|e| e["kind"] == "payment" && e["receipt_number"].is_string()));
}

// R-HW-4 R-HW-7
#[actix_web::test]
async fn a_payment_retried_with_its_idempotency_key_is_recorded_once() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    let send = || {
        app.post(&path(unit, "/payments"))
            .token(&butler)
            .header("Idempotency-Key", "pay-101-2026-12-09")
            .json(json!({"amount_fen": 20_000, "method": "card"}))
            .send()
    };
    let first = send().await;
    assert_eq!(first.header("Idempotent-Replayed"), None);
    let first = first.expect(201);
    let again = send().await;
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(again.expect(201), first);
    assert_eq!(entries(&app, &butler, unit).await.len(), 1);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 20_000);
}

// R-HW-3 R-HW-7
#[actix_web::test]
async fn fifty_simultaneous_payments_and_debits_end_with_the_exact_sum() {
    let app = TestApp::new().await;
    let (butler, manager) = (app.token("butler").await, app.token("manager").await);
    let unit = app.unit_id("1-1-101").await;
    let calls: Vec<_> = (0..50)
        .map(|i| {
            let (token, rest, body) = if i % 5 == 4 {
                let body = json!({"direction": "debit", "amount_fen": 700 + i, "reason": "usage"});
                (&manager, "/adjustments", body)
            } else {
                (
                    &butler,
                    "/payments",
                    json!({"amount_fen": 1_000 + i, "method": "cash"}),
                )
            };
            app.post(&path(unit, rest)).token(token).json(body).send()
        })
        .collect();
    let answers = all(calls).await;
    let mut expected = 0;
    let mut receipts = Vec::new();
    for (i, answer) in answers.into_iter().enumerate() {
        let entry = answer.expect(201);
        expected += entry["amount_fen"].as_i64().unwrap();
        let i = i as i64;
        if i % 5 == 4 {
            assert_eq!(entry["amount_fen"], -(700 + i));
        } else {
            assert_eq!(entry["amount_fen"], 1_000 + i);
            receipts.push(entry["receipt_number"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(entries(&app, &butler, unit).await.len(), 50);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, expected);
    receipts.sort();
    let numbered: Vec<String> = (1..=40).map(|n| format!("RS-2026-{n:06}")).collect();
    assert_eq!(receipts, numbered, "each number once, none skipped");
}

#[actix_web::test]
async fn residents_read_their_own_accounts_and_only_the_desk_moves_money() {
    let app = TestApp::new().await;
    let (butler, manager) = (app.token("butler").await, app.token("manager").await);
    let (resident, resident2) = (app.token("resident").await, app.token("resident2").await);
    let engineer = app.token("engineer").await;
    let unit = app.unit_id("1-1-101").await;
    pay(&app, &butler, unit, 8_800).await;
    assert_eq!(balance(&app, &resident, unit).await, 8_800);
    assert_eq!(entries(&app, &resident, unit).await.len(), 1);
    // Another resident's unit does not exist for them.
    for rest in ["", "/entries"] {
        let other = app.get(&path(unit, rest)).token(&resident2).send().await;
        assert_eq!(other.expect(404)["type"], "/problems/not-found");
    }
    let payment = json!({"amount_fen": 100, "method": "cash"});
    for token in [&resident, &engineer] {
        let call = app
            .post(&path(unit, "/payments"))
            .token(token)
            .json(payment.clone());
        assert_eq!(call.send().await.expect(403)["type"], "/problems/forbidden");
    }
    let credit = json!({"direction": "credit", "amount_fen": 100, "reason": "goodwill"});
    let call = app
        .post(&path(unit, "/adjustments"))
        .token(&butler)
        .json(credit);
    call.send().await.expect(403);
    // Another site's manager sees no such unit.
    let site = app.other_site().await;
    let stranger = app.site_manager("manager.river", &[site.site_id]).await;
    let call = app
        .post(&path(unit, "/payments"))
        .token(&stranger)
        .json(payment);
    call.send().await.expect(404);
    assert_eq!(balance_is_the_sum(&app, &manager, unit).await, 8_800);
}

#[actix_web::test]
async fn bad_amounts_and_methods_are_refused_and_leave_the_ledger_as_it_was() {
    let app = TestApp::new().await;
    let (butler, manager) = (app.token("butler").await, app.token("manager").await);
    let unit = app.unit_id("1-1-101").await;
    pay(&app, &butler, unit, 1_000).await;
    let before = entries(&app, &butler, unit).await;
    for (body, field) in [
        (json!({"amount_fen": -500, "method": "cash"}), "amount_fen"),
        (json!({"amount_fen": 12.5, "method": "cash"}), "amount_fen"),
        (json!({"amount_fen": "100", "method": "cash"}), "amount_fen"),
        (
            json!({"amount_fen": 10_000_000_001_i64, "method": "cash"}),
            "amount_fen",
        ),
        (json!({"amount_fen": 100, "method": "bitcoin"}), "method"),
        (json!({"amount_fen": 100}), "method"),
        (
            json!({"amount_fen": 100, "method": "cash", "currency": "USD"}),
            "currency",
        ),
    ] {
        let call = app
            .post(&path(unit, "/payments"))
            .token(&butler)
            .json(body.clone());
        assert_eq!(call.send().await.invalid_fields(), [field], "{body}");
    }
    let blank = json!({"direction": "credit", "amount_fen": 100, "reason": "  "});
    let call = app
        .post(&path(unit, "/adjustments"))
        .token(&manager)
        .json(blank);
    assert_eq!(call.send().await.invalid_fields(), ["reason"]);
    // A refund above the balance would turn prepaid money into arrears.
    let refund = json!({"amount_fen": 1_001, "method": "cash", "reason": "Moving out"});
    let call = app
        .post(&path(unit, "/refunds"))
        .token(&manager)
        .json(refund);
    let problem = call.send().await.expect(409);
    assert_eq!(problem["code"], "refund_over_balance");
    assert_eq!(entries(&app, &butler, unit).await, before);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 1_000);
}

#[actix_web::test]
async fn simultaneous_refunds_never_take_more_than_the_balance() {
    let app = TestApp::new().await;
    let (butler, manager) = (app.token("butler").await, app.token("manager").await);
    let unit = app.unit_id("1-1-101").await;
    pay(&app, &butler, unit, 1_000).await;
    let refund = json!({"amount_fen": 300, "method": "cash", "reason": "Moving out"});
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let call = app.post(&path(unit, "/refunds")).token(&manager);
            call.json(refund.clone()).send()
        })
        .collect();
    let statuses: Vec<u16> = all(calls).await.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 100);
}

#[actix_web::test]
async fn a_new_resident_reads_the_ledger_from_their_move_in_on() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    pay(&app, &butler, unit, 4_000).await;
    app.clock.advance(chrono::Duration::days(2));
    let butler = app.token("butler").await;
    let tenant = app
        .post("/api/v1/users")
        .token(&butler)
        .json(json!({
            "username": "tenant.wu", "display_name": "Wu Tenant", "role": "resident",
            "password": common::PASSWORD, "unit_id": unit, "relation": "tenant"
        }))
        .send()
        .await
        .expect(201);
    assert_eq!(tenant["role"], "resident");
    let tenant = app.token("tenant.wu").await;
    assert!(entries(&app, &tenant, unit).await.is_empty());
    pay(&app, &butler, unit, 1_000).await;
    let theirs = entries(&app, &tenant, unit).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["amount_fen"], 1_000);
    // The unit's account is one: its balance, and the earlier resident's history, stay.
    assert_eq!(balance(&app, &tenant, unit).await, 5_000);
    let resident = app.token("resident").await;
    assert_eq!(entries(&app, &resident, unit).await.len(), 2);
}

/// A refund that arrives while another movement of the account is being written waits for
/// it, then decides on the balance as it is after it: it never spends money twice.
#[actix_web::test]
async fn a_refund_waits_for_the_account_and_decides_on_the_balance_it_then_has() {
    let app = TestApp::new().await;
    let (butler, manager) = (app.token("butler").await, app.token("manager").await);
    let unit = app.unit_id("1-1-101").await;
    pay(&app, &butler, unit, 1_000).await;
    let manager_id = app.user_id(&manager).await;
    let pool = app.state.pool.clone();
    let postgres = app.state.config.database_url.starts_with("postgres");
    // Another writer takes the account (PostgreSQL: its row; SQLite: the write lock),
    // and refunds 800 at the counter a moment later.
    let counter = actix_web::web::block(move || {
        use diesel::connection::SimpleConnection;
        let mut conn = pool.get().unwrap();
        let account = format!("SELECT id FROM hot_water_accounts WHERE unit_id = {unit}");
        if postgres {
            conn.batch_execute(&format!("BEGIN; {account} FOR UPDATE"))?;
        } else {
            conn.batch_execute("BEGIN IMMEDIATE")?;
        }
        std::thread::sleep(std::time::Duration::from_millis(400));
        conn.batch_execute(&format!(
            "INSERT INTO hot_water_entries (account_id, site_id, kind, amount_fen, method, \
             reason, recorded_by, created_at) SELECT id, site_id, 'refund', -800, 'cash', \
             'at the counter', {manager_id}, opened_at FROM hot_water_accounts \
             WHERE unit_id = {unit}; COMMIT"
        ))
    });
    let refund = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        let body = json!({"amount_fen": 300, "method": "cash", "reason": "Moving out"});
        let call = app.post(&path(unit, "/refunds")).token(&manager).json(body);
        call.send().await
    };
    let (counter, refund) = common::both(counter, refund).await;
    counter.unwrap().unwrap();
    assert_eq!(refund.expect(409)["code"], "refund_over_balance");
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 200);
}

// ---------------------------------------------------------------------------------------
// Meters and readings.

async fn register_meter(app: &TestApp, token: &str, unit: i64, initial: i64) -> Value {
    let body = json!({"serial_number": format!("HW-{unit}"), "installed_on": "2026-01-01",
                      "initial_litres": initial});
    let call = app.post(&path(unit, "/meters")).token(token).json(body);
    call.send().await.expect(201)
}

/// A reading: 201 with the reading, or the problem.
async fn read_meter(app: &TestApp, token: &str, unit: i64, body: Value) -> common::Response {
    app.post(&path(unit, "/readings"))
        .token(token)
        .json(body)
        .send()
        .await
}

// R-HW-2
#[actix_web::test]
async fn readings_never_go_backwards_except_across_a_recorded_replacement() {
    let app = TestApp::new().await;
    let (butler, engineer) = (app.token("butler").await, app.token("engineer").await);
    let unit = app.unit_id("1-1-101").await;
    let problem = read_meter(&app, &engineer, unit, json!({"litres": 10}))
        .await
        .expect(409);
    assert_eq!(problem["code"], "no_meter");
    let future =
        json!({"serial_number": "HW-1", "installed_on": "2027-01-01", "initial_litres": 0});
    let call = app.post(&path(unit, "/meters")).token(&butler).json(future);
    assert_eq!(call.send().await.invalid_fields(), ["installed_on"]);
    let first = register_meter(&app, &butler, unit, 1_000).await;
    let again = json!({"serial_number": "HW-2", "installed_on": "2026-02-01", "initial_litres": 0});
    let call = app.post(&path(unit, "/meters")).token(&butler).json(again);
    assert_eq!(call.send().await.expect(409)["type"], "/problems/duplicate");

    // 23 November is outside the window: a reading then needs a reason, and says so.
    let refused = read_meter(&app, &engineer, unit, json!({"litres": 4_000})).await;
    assert_eq!(refused.invalid_fields(), ["reason"]);
    let body = json!({"litres": 4_000, "reason": "Tenant moves out"});
    let read = read_meter(&app, &engineer, unit, body).await.expect(201);
    assert_eq!(
        (read["in_window"].as_bool(), read["usage_litres"].as_i64()),
        (Some(false), Some(3_000))
    );
    assert_eq!(
        (read["quarter"].as_str(), read["read_on"].as_str()),
        (Some("2026-Q4"), Some("2026-11-23"))
    );
    // Below the previous figure: refused, nothing written.
    let body = json!({"litres": 3_999, "reason": "Dispute"});
    let lower = read_meter(&app, &engineer, unit, body).await;
    assert_eq!(lower.invalid_fields(), ["litres"]);
    // The bounds the spec states: 0 to 4 294 967 295 litres, whole.
    for litres in [json!(-1), json!(4_294_967_296_i64), json!(4_500.5)] {
        let body = json!({"litres": litres, "reason": "Dispute"});
        assert_eq!(
            read_meter(&app, &engineer, unit, body)
                .await
                .invalid_fields(),
            ["litres"]
        );
    }

    // The replacement records the old meter's final figure and the new one's first.
    let replacement = |final_litres: i64, installed_on: &str| {
        json!({"meter_id": first["id"], "final_litres": final_litres, "serial_number": "HW-NEW",
               "installed_on": installed_on, "initial_litres": 0})
    };
    let replace = |body: Value| {
        app.post(&path(unit, "/meters/replace"))
            .token(&butler)
            .json(body)
    };
    let low = replace(replacement(3_500, "2026-11-23")).send().await;
    assert_eq!(low.invalid_fields(), ["final_litres"]);
    // Not installed before the old meter's latest reading.
    let early = replace(replacement(4_200, "2026-11-22")).send().await;
    assert_eq!(early.invalid_fields(), ["installed_on"]);
    let new = replace(replacement(4_200, "2026-11-23"))
        .send()
        .await
        .expect(201);
    assert_eq!(new["serial_number"], "HW-NEW");
    // The same replacement sent again names a meter no longer in service: refused, so the
    // new meter is not retired and nothing is billed twice.
    let twice = replace(replacement(4_200, "2026-11-23")).send().await;
    twice.expect_precondition("meter_not_in_service");
    // A handheld that read the old meter, not knowing it was replaced: refused, not taken
    // for the new meter's figure; a meter of no such unit is an invalid field.
    let body = json!({"litres": 4_300, "reason": "Dispute", "meter_id": first["id"]});
    let stale = read_meter(&app, &engineer, unit, body).await;
    stale.expect_precondition("meter_not_in_service");
    let body = json!({"litres": 4_300, "reason": "Dispute", "meter_id": 999_999});
    let unknown = read_meter(&app, &engineer, unit, body).await;
    assert_eq!(unknown.invalid_fields(), ["meter_id"]);
    let meters = app
        .get(&path(unit, "/meters"))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(meters[0]["id"], new["id"]);
    assert_eq!(
        (
            meters[1]["removed_on"].as_str(),
            meters[1]["final_litres"].as_i64()
        ),
        (Some("2026-11-23"), Some(4_200))
    );
    // So the new meter's 300 litres are a reading, though below the old meter's.
    let body = json!({"litres": 300, "reason": "New meter checked"});
    let read = read_meter(&app, &engineer, unit, body).await.expect(201);
    assert_eq!(
        (read["meter_id"].clone(), read["usage_litres"].as_i64()),
        (new["id"].clone(), Some(300))
    );
    let page = app
        .get(&path(unit, "/readings"))
        .token(&butler)
        .send()
        .await
        .expect(200);
    let litres: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["litres"].as_i64().unwrap())
        .collect();
    assert_eq!(litres, [300, 4_000]);
    // Residents read their own unit's meters; they do not read meters.
    let resident = app.token("resident").await;
    app.get(&path(unit, "/meters"))
        .token(&resident)
        .send()
        .await
        .expect(200);
    let call = read_meter(&app, &resident, unit, json!({"litres": 400, "reason": "x"})).await;
    call.expect(403);
}

// R-HW-2
#[actix_web::test]
async fn a_quarters_campaign_counts_read_missing_and_flagged_units_per_building() {
    let app = TestApp::new().await;
    let (butler, engineer) = (app.token("butler").await, app.token("engineer").await);
    let (first, second) = (app.unit_id("1-1-101").await, app.unit_id("2-1-201").await);
    register_meter(&app, &butler, first, 0).await;
    register_meter(&app, &butler, second, 0).await;
    // Two earlier usages of 1 000 litres make the first unit's usual.
    for litres in [1_000, 2_000] {
        let body = json!({"litres": litres, "reason": "Quarterly reading, late"});
        read_meter(&app, &engineer, first, body).await.expect(201);
    }
    local_morning(&app, "2026-12-26");
    let (butler, engineer) = (app.token("butler").await, app.token("engineer").await);
    let read = read_meter(&app, &engineer, first, json!({"litres": 9_000}))
        .await
        .expect(201);
    assert_eq!(
        (read["in_window"].as_bool(), read["flagged"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(read["reason"], Value::Null);

    let campaign = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q4")
        .token(&engineer)
        .send()
        .await
        .expect(200);
    assert_eq!(
        (
            campaign["window_from"].as_str(),
            campaign["window_to"].as_str()
        ),
        (Some("2026-12-25"), Some("2026-12-30"))
    );
    let tally =
        |t: &Value| ["metered", "read", "missing", "flagged"].map(|k| t[k].as_i64().unwrap());
    assert_eq!(tally(&campaign["totals"]), [2, 1, 1, 1]);
    let buildings = campaign["buildings"].as_array().unwrap();
    assert_eq!(buildings.len(), 2);
    assert_eq!(
        (
            buildings[0]["building"].as_str(),
            tally(&buildings[0]["tally"])
        ),
        (Some("1"), [1, 1, 0, 1])
    );
    assert_eq!(
        (
            buildings[1]["building"].as_str(),
            tally(&buildings[1]["tally"])
        ),
        (Some("2"), [1, 0, 1, 0])
    );
    // The second unit read in the window too: nothing missing.
    read_meter(&app, &engineer, second, json!({"litres": 800}))
        .await
        .expect(201);
    let campaign = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q4")
        .token(&butler)
        .send()
        .await;
    assert_eq!(tally(&campaign.expect(200)["totals"]), [2, 2, 0, 1]);
    // Readings out of the window do not count for the campaign of the third quarter.
    let q3 = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q3")
        .token(&butler)
        .send()
        .await;
    assert_eq!(tally(&q3.expect(200)["totals"]), [2, 0, 2, 0]);
    let resident = app.token("resident").await;
    let call = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q4")
        .token(&resident);
    call.send().await.expect(403);
    let bad = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q5")
        .token(&butler)
        .send()
        .await;
    assert_eq!(bad.expect(400)["type"], "/problems/bad-request");
}

// ---------------------------------------------------------------------------------------
// Tariffs and the charges readings make.

async fn add_tariff(app: &TestApp, token: &str, body: Value) -> common::Response {
    app.post("/api/v1/sites/1/hot-water/tariffs")
        .token(token)
        .json(body)
        .send()
        .await
}

// R-HW-3
#[actix_web::test]
async fn tariffs_take_effect_from_a_later_day_and_are_never_rewritten() {
    let app = TestApp::new().await;
    let (manager, butler) = (app.token("manager").await, app.token("butler").await);
    // Today is 2026-11-23 in Shanghai: a tariff from today or before would re-price usage.
    for day in ["2026-11-20", "2026-11-23"] {
        let problem = add_tariff(&app, &manager, flat(day, 2500)).await;
        assert_eq!(problem.invalid_fields(), ["effective_from"]);
    }
    let tariff = add_tariff(&app, &manager, flat("2026-11-24", 2500))
        .await
        .expect(201);
    assert_eq!(tariff["tiers"][0]["fen_per_cubic_metre"], 2500);
    let again = add_tariff(&app, &manager, flat("2026-11-24", 9900)).await;
    again.expect_conflict("duplicate");
    // Tiers: thresholds rising, only the last unbounded, one to five, prices in reason.
    let tiers = |tiers: Value| json!({"effective_from": "2027-01-01", "tiers": tiers});
    let tier =
        |up_to: Value, price: i64| json!({"up_to_litres": up_to, "fen_per_cubic_metre": price});
    for bad in [
        tiers(json!([])),
        tiers(json!([tier(json!(5000), 2500)])),
        tiers(json!([tier(json!(null), 2500), tier(json!(null), 3000)])),
        tiers(json!([
            tier(json!(5000), 2500),
            tier(json!(4000), 3000),
            tier(json!(null), 1)
        ])),
        tiers(json!([tier(json!(null), 1_000_001)])),
        tiers(json!((1..=6)
            .map(|i| tier(json!(i * 1000), 1))
            .collect::<Vec<_>>())),
    ] {
        let problem = add_tariff(&app, &manager, bad).await;
        assert_eq!(problem.invalid_fields(), ["tiers"]);
    }
    let bad = add_tariff(
        &app,
        &manager,
        tiers(json!([tier(json!(0), 1), tier(json!(null), 2)])),
    );
    assert_eq!(bad.await.expect(422)["type"], "/problems/validation");
    // Managers set them; staff read them; residents neither.
    add_tariff(&app, &butler, flat("2027-01-01", 2500))
        .await
        .expect(403);
    let resident = app.token("resident").await;
    let call = app
        .get("/api/v1/sites/1/hot-water/tariffs")
        .token(&resident);
    call.send().await.expect(403);
    let listed = app
        .get("/api/v1/sites/1/hot-water/tariffs")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["effective_from"], "2026-11-24");

    // The database refuses to change, remove or replace a tariff or its tiers, whoever asks.
    let pool = app.state.pool.clone();
    let postgres = app.state.config.database_url.starts_with("postgres");
    let refused = actix_web::web::block(move || {
        use diesel::connection::SimpleConnection;
        let mut conn = pool.get().unwrap();
        // Refused by the triggers, which say so (not by some other rule).
        let refused_by_trigger = |result: diesel::QueryResult<()>| {
            result.is_err_and(|e| e.to_string().contains("never changed"))
        };
        let mut refused = [
            "UPDATE hot_water_tariffs SET effective_from = '2026-01-01'",
            "UPDATE hot_water_tariff_tiers SET fen_per_cubic_metre = 1",
            "DELETE FROM hot_water_tariff_tiers",
            "DELETE FROM hot_water_tariffs",
        ]
        .map(|sql| refused_by_trigger(conn.batch_execute(sql)))
        .to_vec();
        let replace = if postgres {
            "TRUNCATE hot_water_tariff_tiers"
        } else {
            "INSERT OR REPLACE INTO hot_water_tariff_tiers (id, tariff_id, up_to_litres, \
             fen_per_cubic_metre) SELECT id, tariff_id, up_to_litres, 1 FROM hot_water_tariff_tiers"
        };
        refused.push(refused_by_trigger(conn.batch_execute(replace)));
        refused
    })
    .await
    .unwrap();
    assert_eq!(refused, [true; 5]);
    let call = app.get("/api/v1/sites/1/hot-water/tariffs").token(&butler);
    assert_eq!(call.send().await.expect(200), listed);
}

async fn flagged_in_q4(app: &TestApp, token: &str) -> Option<i64> {
    let call = app.get("/api/v1/sites/1/hot-water/campaigns/2026-Q4");
    call.token(token).send().await.expect(200)["totals"]["flagged"].as_i64()
}

// R-HW-3
#[actix_web::test]
async fn readings_are_charged_by_days_under_each_tariff_and_flagged_ones_once_confirmed() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let unit = app.unit_id("1-1-101").await;
    let butler_id = app.user_id(&app.token("butler").await).await;
    let body = json!({"serial_number": "HW-7", "installed_on": "2026-11-01", "initial_litres": 0});
    let call = app.post(&path(unit, "/meters")).token(&manager).json(body);
    call.send().await.expect(201);
    add_tariff(&app, &manager, flat("2026-11-24", 2500))
        .await
        .expect(201);
    let tiered = json!({"effective_from": "2026-12-11", "tiers": [
        {"up_to_litres": 5000, "fen_per_cubic_metre": 3000},
        {"up_to_litres": null, "fen_per_cubic_metre": 6000}]});
    add_tariff(&app, &manager, tiered).await.expect(201);

    // 3 000 litres over the 30 days from the installation: the 23 days before the first
    // tariff cost nothing; 7 days' share (700 litres) at 25.00 yuan a tonne is 17.50 yuan.
    local_morning(&app, "2026-12-01");
    let engineer = app.token("engineer").await;
    let body = json!({"litres": 3_000, "reason": "Read before the resident travels"});
    read_meter(&app, &engineer, unit, body).await.expect(201);
    let butler = app.token("butler").await;
    assert_eq!(
        charges(&app, &butler, unit).await,
        [("2026-11-24".into(), "2026-12-01".into(), 700, -1750)]
    );

    // 6 000 litres over 25 days across the change on 11 December: 10 days under the flat
    // tariff (6 000 L × 25.00 × 10/25 = 60.00 yuan), 15 under the tiered one, whose 5 000
    // litres a month are 4 166⅔ over 25 days (4 166⅔ L at 30.00 and 1 833⅓ L at 60.00 =
    // 235.00 yuan, × 15/25 = 141.00 yuan).
    local_morning(&app, "2026-12-26");
    let engineer = app.token("engineer").await;
    let reading = read_meter(&app, &engineer, unit, json!({"litres": 9_000}))
        .await
        .expect(201);
    assert_eq!(reading["flagged"], false);
    let butler = app.token("butler").await;
    let charged = charges(&app, &butler, unit).await;
    assert_eq!(
        charged[1..],
        [
            ("2026-12-01".into(), "2026-12-11".into(), 2_400, -6_000),
            ("2026-12-11".into(), "2026-12-26".into(), 3_600, -14_100),
        ]
    );
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, -21_850);

    // Far above the usual (3 000 and 6 000 litres): taken, flagged, and not charged until
    // a butler confirms it.
    local_morning(&app, "2026-12-28");
    let engineer = app.token("engineer").await;
    let flagged = read_meter(&app, &engineer, unit, json!({"litres": 29_000}))
        .await
        .expect(201);
    assert_eq!(flagged["flagged"], true);
    let butler = app.token("butler").await;
    assert_eq!(charges(&app, &butler, unit).await.len(), 3);
    assert_eq!(flagged_in_q4(&app, &butler).await, Some(1));
    let confirm = |reading: &Value| {
        path(
            unit,
            &format!("/readings/{}/confirm", reading["id"].as_i64().unwrap()),
        )
    };
    let call = app.post(&confirm(&flagged)).token(&engineer);
    call.send().await.expect(403);
    let confirmed = app
        .post(&confirm(&flagged))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(confirmed["confirmed_by"], butler_id);
    // 2 days, 20 000 litres, all under the tiered tariff: 333⅓ L (2 days of 5 000 a
    // month) at 30.00 and the rest at 60.00 yuan a tonne.
    assert_eq!(
        charges(&app, &butler, unit).await[3..],
        [("2026-12-26".into(), "2026-12-28".into(), 20_000, -119_000)]
    );
    assert_eq!(flagged_in_q4(&app, &butler).await, Some(0));
    // Once only; a reading not flagged has nothing to confirm; another unit's is not found.
    for reading in [&flagged, &reading] {
        let again = app.post(&confirm(reading)).token(&butler).send().await;
        again.expect_precondition("nothing_to_confirm");
    }
    let other = app.unit_id("2-1-201").await;
    let elsewhere = format!("{}/{}/confirm", path(other, "/readings"), flagged["id"]);
    app.post(&elsewhere).token(&butler).send().await.expect(404);
    assert_eq!(charges(&app, &butler, unit).await.len(), 4);

    // A meter replaced: the litres it counted since its last reading are charged then.
    local_morning(&app, "2026-12-30");
    let butler = app.token("butler").await;
    let in_service = app.get(&path(unit, "/meters")).token(&butler).send().await;
    let body = json!({"meter_id": in_service.expect(200)[0]["id"], "final_litres": 29_500,
                      "serial_number": "HW-8",
                      "installed_on": "2026-12-30", "initial_litres": 0});
    let call = app
        .post(&path(unit, "/meters/replace"))
        .token(&butler)
        .json(body);
    call.send().await.expect(201);
    let listed = entries(&app, &butler, unit).await;
    assert_eq!(
        (
            listed[0]["amount_fen"].as_i64(),
            listed[0]["usage_litres"].as_i64(),
            &listed[0]["reading_id"]
        ),
        (Some(-2_000), Some(500), &Value::Null)
    );
    // The resident reads the charges of their unit, with periods and usage.
    let resident = app.token("resident").await;
    assert_eq!(charges(&app, &resident, unit).await.len(), 5);
    assert_eq!(
        balance_is_the_sum(&app, &resident, unit).await,
        -21_850 - 119_000 - 2_000
    );
}

// ---------------------------------------------------------------------------------------
// Renewal notices, limited and stopped supply.

async fn set_settings(app: &TestApp, token: &str, body: Value) -> common::Response {
    app.call(
        actix_web::http::Method::PUT,
        "/api/v1/sites/1/hot-water/settings",
    )
    .token(token)
    .json(body)
    .send()
    .await
}

async fn debit(app: &TestApp, token: &str, unit: i64, amount: i64) {
    let body = json!({"direction": "debit", "amount_fen": amount, "reason": "Usage billed late"});
    let call = app
        .post(&path(unit, "/adjustments"))
        .token(token)
        .json(body);
    call.send().await.expect(201);
}

// R-HW-4
#[actix_web::test]
async fn a_renewal_notice_goes_out_each_time_the_balance_falls_below_the_threshold() {
    let app = TestApp::new().await;
    let (manager, butler) = (app.token("manager").await, app.token("butler").await);
    let unit = app.unit_id("1-1-101").await;
    let settings = json!({"renewal_threshold_fen": 10_000, "limit_after_days": 3,
                          "stop_after_days": 2});
    set_settings(&app, &butler, settings.clone())
        .await
        .expect(403);
    let bad = json!({"renewal_threshold_fen": 10_000, "limit_after_days": 0,
                     "stop_after_days": 2});
    let problem = set_settings(&app, &manager, bad).await;
    assert_eq!(problem.invalid_fields(), ["limit_after_days"]);
    set_settings(&app, &manager, settings.clone())
        .await
        .expect(200);
    let call = app.get("/api/v1/sites/1/hot-water/settings").token(&butler);
    assert_eq!(
        call.send().await.expect(200)["renewal_threshold_fen"],
        10_000
    );

    let resident = app.token("resident").await;
    pay(&app, &butler, unit, 15_000).await;
    assert!(hot_water_notices(&app, &resident).await.is_empty());
    debit(&app, &manager, unit, 6_000).await;
    let notices = hot_water_notices(&app, &resident).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].0, "hot_water_renewal");
    assert!(notices[0].1.contains("1-1-101"), "{notices:?}");
    assert!(
        notices[0].1.contains("90.00 yuan, below 100.00 yuan"),
        "{notices:?}"
    );
    // Lower still: no second notice until the balance has been above the threshold again.
    debit(&app, &manager, unit, 1_000).await;
    assert_eq!(hot_water_notices(&app, &resident).await.len(), 1);
    pay(&app, &butler, unit, 5_000).await;
    debit(&app, &manager, unit, 4_000).await;
    let notices = hot_water_notices(&app, &resident).await;
    assert_eq!(notices.len(), 2);
    assert!(notices[1].1.contains("90.00 yuan"), "{notices:?}");
    // Another unit's resident is told nothing.
    let other = app.token("resident2").await;
    assert!(hot_water_notices(&app, &other).await.is_empty());
}

// R-HW-5
#[actix_web::test]
async fn supply_is_limited_in_arrears_stopped_only_when_approved_and_restored_by_payment() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let unit = app.unit_id("1-1-101").await;
    let settings = json!({"renewal_threshold_fen": 0, "limit_after_days": 3,
                          "stop_after_days": 2});
    set_settings(&app, &manager, settings).await.expect(200);
    debit(&app, &manager, unit, 5_000).await;
    let status = supply(&app, &manager, unit).await;
    assert_eq!(
        (status["status"].as_str(), status["arrears_since"].as_str()),
        (Some("normal"), Some("2026-11-23"))
    );
    assert_eq!(status["balance_fen"], -5_000);
    // No stop without a proposal.
    let stop = app
        .post(&path(unit, "/supply/stop"))
        .token(&manager)
        .send()
        .await;
    stop.expect_precondition("stop_not_proposed");
    assert_eq!(sweep(&app).await, 0);

    // Three days below zero: limited, once however often the sweep runs.
    local_morning(&app, "2026-11-26");
    assert_eq!(sweep(&app).await, 1);
    assert_eq!(sweep(&app).await, 0);
    let resident = app.token("resident").await;
    let status = supply(&app, &resident, unit).await;
    assert_eq!(
        (status["status"].as_str(), status["status_since"].as_str()),
        (Some("limited"), Some("2026-11-26"))
    );
    let notices = hot_water_notices(&app, &resident).await;
    assert_eq!(notices.last().unwrap().0, "hot_water_supply");
    assert!(notices.last().unwrap().1.contains("limited"), "{notices:?}");

    // Two more days unpaid: a stop is proposed to the managers, not made.
    local_morning(&app, "2026-11-27");
    assert_eq!(sweep(&app).await, 0);
    local_morning(&app, "2026-11-28");
    assert_eq!(sweep(&app).await, 1);
    let manager = app.token("manager").await;
    assert_eq!(
        supply(&app, &manager, unit).await["status"],
        "stop_proposed"
    );
    let told = hot_water_notices(&app, &manager).await;
    assert!(
        told.iter().any(|(_, m)| m.contains("A manager decides")),
        "{told:?}"
    );
    let butler = app.token("butler").await;
    let call = app.post(&path(unit, "/supply/stop")).token(&butler);
    call.send().await.expect(403);
    let stopped = app
        .post(&path(unit, "/supply/stop"))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(stopped["status"], "stopped");
    let again = app
        .post(&path(unit, "/supply/stop"))
        .token(&manager)
        .send()
        .await;
    again.expect_precondition("stop_not_proposed");

    // A payment short of the arrears changes nothing; one that clears them restores supply.
    pay(&app, &butler, unit, 3_000).await;
    assert_eq!(supply(&app, &butler, unit).await["status"], "stopped");
    pay(&app, &butler, unit, 2_000).await;
    let status = supply(&app, &butler, unit).await;
    assert_eq!(
        (status["status"].as_str(), &status["arrears_since"]),
        (Some("normal"), &Value::Null)
    );
    let history: Vec<(&str, &str, &str)> = status["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap(),
                s["from_status"].as_str().unwrap(),
                s["to_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("limit", "normal", "limited"),
            ("propose_stop", "limited", "stop_proposed"),
            ("stop", "stop_proposed", "stopped"),
            ("restore", "stopped", "normal"),
        ]
    );
    let resident = app.token("resident").await;
    // Each step told to the resident (after the renewal notice of the first debit).
    let steps: Vec<String> = hot_water_notices(&app, &resident)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "hot_water_supply")
        .map(|(_, message)| message)
        .collect();
    assert_eq!(steps.len(), 4, "{steps:?}");
    for (message, says) in steps
        .iter()
        .zip(["limited", "proposed", "stopped", "restored"])
    {
        assert!(message.contains(says), "{message}");
    }
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 0);
}

// ---------------------------------------------------------------------------------------
// Dunning.

async fn dun(app: &TestApp, token: &str, unit: i64, body: Value) -> common::Response {
    let call = app
        .post(&path(unit, "/dunning/steps"))
        .token(token)
        .json(body);
    call.send().await
}

// R-HW-6
#[actix_web::test]
async fn the_dunning_ladder_waits_for_a_valid_complaint_and_a_payment_ends_it() {
    let app = TestApp::new().await;
    let (manager, butler) = (app.token("manager").await, app.token("butler").await);
    let (unit, other) = (app.unit_id("1-1-101").await, app.unit_id("2-1-201").await);
    dun(&app, &butler, unit, json!({"step": "ask_reason"}))
        .await
        .expect_precondition("not_in_arrears");
    debit(&app, &manager, unit, 20_000).await;
    // The ladder opens by asking the reason.
    let letter_first = dun(&app, &butler, unit, json!({"step": "reminder_letter"})).await;
    letter_first.expect_precondition("dunning_step_not_next");
    let complaint = |unit: i64| {
        json!({"unit_id": unit, "channel": "phone", "subject": "other",
               "complainant": {"kind": "named", "name": "Ms Li", "phone": "13800138000"},
               "description": "Hot water lukewarm for a week"})
    };
    let call = app.post("/api/v1/complaints").token(&butler);
    let elsewhere = call.json(complaint(other)).send().await.expect(201);
    let call = app.post("/api/v1/complaints").token(&butler);
    let valid = call.json(complaint(unit)).send().await.expect(201);
    let ask = |complaint: &Value| {
        json!({"step": "ask_reason", "note": "Says the water was lukewarm",
               "complaint_id": complaint["id"]})
    };
    let refused = dun(&app, &butler, unit, ask(&elsewhere)).await;
    assert_eq!(refused.invalid_fields(), ["complaint_id"]);
    let call = dun(&app, &app.token("engineer").await, unit, ask(&valid)).await;
    call.expect(403);
    let ladder = dun(&app, &butler, unit, ask(&valid)).await.expect(201);
    assert_eq!(
        (
            ladder["paused"].as_bool(),
            ladder["next_step"].as_str(),
            ladder["next_due"].as_str()
        ),
        (Some(true), Some("reminder_letter"), Some("2026-11-30"))
    );
    assert_eq!(ladder["steps"][0]["letter"], Value::Null);

    // A week on, the complaint still open: the ladder waits; once it is resolved, it goes on.
    local_morning(&app, "2026-11-30");
    let (manager, butler) = (app.token("manager").await, app.token("butler").await);
    let reminder = json!({"step": "reminder_letter"});
    dun(&app, &butler, unit, reminder.clone())
        .await
        .expect_precondition("dunning_paused");
    let resolution =
        json!({"resolution": "Boiler valve replaced", "root_cause": "facility_function"});
    let id = valid["id"].as_i64().unwrap();
    app.action(&manager, "complaints", id, "resolve", resolution)
        .await
        .expect(200);
    let ladder = dun(&app, &butler, unit, reminder).await.expect(201);
    let step = &ladder["steps"][1];
    // 200.00 yuan owed for 7 days: a late fee of 0.42 yuan.
    assert_eq!(
        (step["arrears_fen"].as_i64(), step["late_fee_fen"].as_i64()),
        (Some(20_000), Some(42))
    );
    let letter = step["letter"].as_str().unwrap();
    assert!(letter.starts_with("Reminder letter (提示函)"), "{letter}");
    assert!(letter.contains("owner of unit 1-1-101"), "{letter}");
    assert!(
        letter.contains("200.00 yuan") && letter.contains("by 2026-12-07"),
        "{letter}"
    );
    // The resident is sent it, and reads it in Chinese if they ask so.
    let resident = app.token("resident").await;
    let sent = hot_water_notices(&app, &resident).await;
    assert_eq!(sent.last().unwrap().0, "hot_water_dunning");
    let call = app.get(&path(unit, "/dunning")).token(&resident);
    let chinese = call
        .header("Accept-Language", "zh-CN")
        .send()
        .await
        .expect(200);
    let letter = chinese["steps"][1]["letter"].as_str().unwrap();
    assert!(letter.starts_with("提示函 致房屋 1-1-101 业主"), "{letter}");
    // Each letter waits its 7 days.
    let dunning = json!({"step": "dunning_letter"});
    dun(&app, &butler, unit, dunning.clone())
        .await
        .expect_precondition("dunning_step_not_due");
    local_morning(&app, "2026-12-07");
    let butler = app.token("butler").await;
    let ladder = dun(&app, &butler, unit, dunning).await.expect(201);
    assert_eq!(ladder["steps"][2]["late_fee_fen"], 84);
    let open = app.get("/api/v1/sites/1/hot-water/dunning").token(&butler);
    let open = open.send().await.expect(200);
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(
        (open[0]["next_step"].as_str(), open[0]["next_due"].as_str()),
        (Some("urgent_letter"), Some("2026-12-14"))
    );

    // The payment that clears the arrears ends the ladder.
    pay(&app, &butler, unit, 20_000).await;
    let ended = app.get(&path(unit, "/dunning")).token(&butler).send().await;
    let ended = ended.expect(200);
    assert_eq!(
        (ended["ended_on"].as_str(), &ended["next_step"]),
        (Some("2026-12-07"), &Value::Null)
    );
    let open = app.get("/api/v1/sites/1/hot-water/dunning").token(&butler);
    assert_eq!(open.send().await.expect(200), json!([]));
    dun(&app, &butler, unit, json!({"step": "urgent_letter"}))
        .await
        .expect_precondition("not_in_arrears");
}

// ---------------------------------------------------------------------------------------
// Reports.

// R-HW-7
#[actix_web::test]
async fn the_quarters_report_sets_collected_against_billed_and_ages_the_arrears() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let (first, second) = (app.unit_id("1-1-101").await, app.unit_id("2-1-201").await);
    add_tariff(&app, &manager, flat("2026-11-24", 2500))
        .await
        .expect(201);
    local_morning(&app, "2026-11-24");
    let (manager, butler) = (app.token("manager").await, app.token("butler").await);
    for unit in [first, second] {
        let body = json!({"serial_number": format!("HW-{unit}"), "installed_on": "2026-11-24",
                          "initial_litres": 0});
        let call = app.post(&path(unit, "/meters")).token(&butler).json(body);
        call.send().await.expect(201);
    }
    pay(&app, &butler, first, 10_000).await;
    debit(&app, &manager, second, 3_000).await;
    // 32 days later, in the window: 4 000 and 2 000 litres at 25.00 yuan a tonne.
    local_morning(&app, "2026-12-26");
    let engineer = app.token("engineer").await;
    for (unit, litres) in [(first, 4_000), (second, 2_000)] {
        read_meter(&app, &engineer, unit, json!({"litres": litres}))
            .await
            .expect(201);
    }
    assert_eq!(sweep(&app).await, 1, "32 days in arrears: limited");

    let butler = app.token("butler").await;
    let report = app
        .get("/api/v1/sites/1/hot-water/reports/2026-Q4")
        .token(&butler)
        .send()
        .await
        .expect(200);
    let figures = [
        "billed_fen",
        "collected_fen",
        "refunded_fen",
        "adjusted_fen",
    ]
    .map(|k| report[k].as_i64().unwrap());
    assert_eq!(figures, [15_000, 10_000, 0, -3_000]);
    // 10 000 of 15 000: 66.67 %.
    assert_eq!(report["collection_rate_bp"], 6_667);
    assert_eq!(
        (report["first_day"].as_str(), report["last_day"].as_str()),
        (Some("2026-10-01"), Some("2026-12-31"))
    );
    // The second unit owes 3 000 + 5 000 fen, since 24 November: 32 days.
    let bucket = |b: &Value| (b["accounts"].as_i64(), b["arrears_fen"].as_i64());
    assert_eq!(bucket(&report["arrears"]["total"]), (Some(1), Some(8_000)));
    assert_eq!(
        bucket(&report["arrears"]["days_31_90"]),
        (Some(1), Some(8_000))
    );
    assert_eq!(bucket(&report["arrears"]["days_0_30"]), (Some(0), Some(0)));
    assert_eq!(
        report["supply"],
        json!([{"unit_id": second, "unit": "2-1-201", "status": "limited",
                "status_since": "2026-12-26", "balance_fen": -8_000}])
    );
    // A quarter with nothing billed has no rate.
    let call = app
        .get("/api/v1/sites/1/hot-water/reports/2026-Q3")
        .token(&butler);
    let q3 = call.send().await.expect(200);
    assert_eq!(
        (q3["billed_fen"].as_i64(), &q3["collection_rate_bp"]),
        (Some(0), &Value::Null)
    );

    // The ledger for the finance department: a row per entry, oldest first.
    let csv = app
        .get("/api/v1/sites/1/hot-water/ledger/2026-Q4")
        .token(&butler)
        .send()
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = String::from_utf8(csv.bytes).unwrap();
    // A byte-order mark first, so spreadsheets read the UTF-8.
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 5, "{text}");
    assert!(
        rows[0].starts_with("entry_id,recorded_at,unit,kind,amount_yuan"),
        "{text}"
    );
    assert!(rows[1].contains(",2026-11-24 10:00:00,1-1-101,payment,100.00,cash,RS-2026-"));
    assert!(rows[3].contains(",1-1-101,charge,-100.00,,,2026-11-24,2026-12-26,4000,,"));
    // Residents and engineers read neither.
    for who in ["resident", "engineer"] {
        let token = app.token(who).await;
        let call = app
            .get("/api/v1/sites/1/hot-water/reports/2026-Q4")
            .token(&token);
        call.send().await.expect(403);
        let call = app
            .get("/api/v1/sites/1/hot-water/ledger/2026-Q4")
            .token(&token);
        call.send().await.expect(403);
    }
}

// R-HW-2
#[actix_web::test]
async fn residents_are_told_of_the_quarters_reading_once_per_unit_before_the_window() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    for label in ["1-1-101", "2-1-201", "3-1-101"] {
        register_meter(&app, &butler, app.unit_id(label).await, 0).await;
    }
    let notify = |quarter: &str, token: &str| {
        let url = format!("/api/v1/sites/1/hot-water/campaigns/{quarter}/notices");
        app.post(&url).token(token)
    };
    let sent = notify("2026-Q4", &butler).send().await.expect(200);
    assert_eq!(
        (sent["noticed"].as_i64(), sent["noticed_before"].as_i64()),
        (Some(2), Some(0))
    );
    // No one lives in 3-1-101 with an account: the desk calls or writes.
    assert_eq!(sent["without_residents"], json!(["3-1-101"]));
    let resident = app.token("resident").await;
    let told = hot_water_notices(&app, &resident).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, "hot_water_reading");
    assert!(
        told[0]
            .1
            .contains("1-1-101 is read between 2026-12-25 and 2026-12-30"),
        "{told:?}"
    );
    // Once per unit and quarter.
    let again = notify("2026-Q4", &butler).send().await.expect(200);
    assert_eq!(
        (again["noticed"].as_i64(), again["noticed_before"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(hot_water_notices(&app, &resident).await.len(), 1);
    let call = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q4")
        .token(&butler);
    let totals = call.send().await.expect(200)["totals"].clone();
    assert_eq!(
        (totals["metered"].as_i64(), totals["noticed"].as_i64()),
        (Some(3), Some(2))
    );
    // Engineers read meters, they do not send the notices; a past window is too late.
    notify("2026-Q4", &app.token("engineer").await)
        .send()
        .await
        .expect(403);
    notify("2026-Q3", &butler)
        .send()
        .await
        .expect_precondition("reading_window_over");
    // Nor are next year's sent now, which would mark the units told too early.
    let early = notify("2027-Q1", &butler).send().await;
    early.expect_precondition("reading_notice_too_early");
}

// R-HW-2
#[actix_web::test]
async fn a_handheld_replays_readings_taken_offline_and_each_is_answered_and_recorded_once() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let (a, b) = (app.unit_id("1-1-101").await, app.unit_id("1-1-102").await);
    register_meter(&app, &butler, a, 1_000).await;
    register_meter(&app, &butler, b, 5_000).await;
    // Read in the window, in a basement; synced only on 2 January.
    local_morning(&app, "2027-01-02");
    let (butler, engineer) = (app.token("butler").await, app.token("engineer").await);
    let item = |key: &str, unit: i64, body: Value| json!({"idempotency_key": key, "unit_id": unit, "action": "read_meter", "body": body});
    let first = json!({"items": [
        item("hh-1", a, json!({"litres": 4_000, "read_on": "2026-12-27"})),
        item("hh-2", b, json!({"litres": 4_999, "read_on": "2026-12-27"})),
        {"idempotency_key": "hh-3", "action": "read_meter", "body": {"litres": 1}},
        {"idempotency_key": "hh-5", "action": "read_meter", "unit_id": b, "ticket_id": 1,
         "body": {"litres": 6_000}},
        // Read on a meter not the unit's.
        item("hh-6", b, json!({"litres": 6_000, "meter_id": 999_999})),
    ]});
    let sync = |body: Value| app.post("/api/v1/sync/batch").token(&engineer).json(body);
    let answer = sync(first).send().await.expect(200);
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["outcome"], "applied");
    assert_eq!(results[0]["status"], 201);
    let reading = &results[0]["reading"];
    // Dated the day it was read: in the window, the quarter it belongs to.
    assert_eq!(
        (reading["read_on"].as_str(), reading["quarter"].as_str()),
        (Some("2026-12-27"), Some("2026-Q4"))
    );
    assert_eq!(reading["in_window"], true);
    assert_eq!(reading["usage_litres"], 3_000);
    // Below the meter's figure: refused with the field, the others applied.
    assert_eq!(results[1]["outcome"], "refused");
    assert_eq!(results[1]["problem"]["errors"][0]["field"], "litres");
    assert_eq!(results[2]["outcome"], "refused");
    assert_eq!(results[2]["problem"]["errors"][0]["field"], "unit_id");
    assert_eq!(results[3]["problem"]["errors"][0]["field"], "ticket_id");
    assert_eq!(results[4]["status"], 422);
    assert_eq!(results[4]["problem"]["errors"][0]["field"], "meter_id");

    // The handheld did not hear back and sends the batch again, with the corrected
    // reading: the applied one is replayed, not read twice.
    let again = json!({"items": [
        item("hh-1", a, json!({"litres": 4_000, "read_on": "2026-12-27"})),
        item("hh-4", b, json!({"litres": 5_600, "read_on": "2026-12-28"})),
    ]});
    let answer = sync(again).send().await.expect(200);
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["outcome"], "replayed");
    assert_eq!(results[0]["reading"]["id"], reading["id"]);
    assert_eq!(results[1]["outcome"], "applied");
    // An item and the request sent alone are one request: the alone one is replayed.
    let alone = app
        .post(&path(b, "/readings"))
        .token(&engineer)
        .header("Idempotency-Key", "hh-4")
        .raw(
            br#"{"litres":5600,"read_on":"2026-12-28"}"#,
            "application/json",
        )
        .send()
        .await;
    assert_eq!(alone.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(alone.expect(201)["id"], results[1]["reading"]["id"]);
    // The same key with another reading is not the same request.
    let changed = json!({"items": [item("hh-1", a, json!({"litres": 4_100}))]});
    let answer = sync(changed).send().await.expect(200);
    assert_eq!(answer["results"][0]["outcome"], "refused");
    assert_eq!(answer["results"][0]["status"], 422);

    let listed = app
        .get(&path(a, "/readings"))
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let campaign = app
        .get("/api/v1/sites/1/hot-water/campaigns/2026-Q4")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert_eq!(campaign["totals"]["read"], 2, "{campaign}");

    // A day too old, before the meter's previous reading, or ahead, is refused by field.
    for read_on in ["2026-12-02", "2026-12-26", "2027-01-03"] {
        let body = json!({"litres": 6_000, "read_on": read_on, "reason": "Dispute"});
        let refused = read_meter(&app, &engineer, b, body).await;
        assert_eq!(refused.invalid_fields(), ["read_on"], "{read_on}");
    }
}

// ---------------------------------------------------------------------------------------
// Payments reported by payment systems.

/// A payment system's report to `unit`, signed with `signing_secret` at `signed_at`.
const PAYMENT_REPORTS: &str = "/api/v1/hot-water/payment-reports";

/// A payment system's report, signed with `signing_secret` at `signed_at`.
fn signed_report<'a>(
    app: &'a TestApp,
    key: &str,
    signing_secret: &str,
    idempotency_key: &str,
    signed_at: i64,
    body: &[u8],
) -> common::Call<'a> {
    let signature =
        propdesk::signing::signature(signing_secret, idempotency_key, signed_at, body).unwrap();
    app.post(PAYMENT_REPORTS)
        .header("X-Api-Key", key)
        .header("Idempotency-Key", idempotency_key)
        .header("Signature-Timestamp", &signed_at.to_string())
        .header("Signature", &signature)
        .raw(body, "application/json")
}

fn report_body(unit: i64, amount: i64, currency: &str, reference: &str) -> Vec<u8> {
    let body = json!({"unit_id": unit, "amount_fen": amount, "currency": currency,
                      "provider_reference": reference});
    serde_json::to_vec(&body).unwrap()
}

// R-HW-3 R-HW-7
#[actix_web::test]
async fn a_payment_system_reports_signed_payments_that_are_credited_once() {
    let app = TestApp::new().await;
    let (manager, butler) = (app.token("manager").await, app.token("butler").await);
    let (unit, unopened) = (app.unit_id("1-1-101").await, app.unit_id("1-1-102").await);
    let elsewhere = app.other_site().await;
    let create_key = |name: &str, permission: &str| {
        let body = json!({"name": name, "site_ids": [1], "permissions": [permission]});
        app.post("/api/v1/api-keys")
            .token(&manager)
            .json(body)
            .send()
    };
    let created = create_key("WeChat Pay 微信支付", "hot_water_payments")
        .await
        .expect(201);
    let key = created["api_key"].as_str().unwrap().to_owned();
    let secret = created["signing_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    pay(&app, &butler, unit, 1_000).await;
    let now = app.clock_now().timestamp();
    let report = |idempotency_key: &str, signed_at: i64, body: &[u8]| {
        signed_report(&app, &key, &secret, idempotency_key, signed_at, body)
    };

    // Credited as a transfer with the site's next receipt number and the reference.
    let first = report_body(unit, 20_000, "CNY", "WX-0001");
    let credited = report("r-1", now, &first).send().await.expect(201);
    assert_eq!(credited["method"], "transfer");
    assert_eq!(credited["provider_reference"], "WX-0001");
    assert!(credited["receipt_number"]
        .as_str()
        .unwrap()
        .starts_with("RS-2026-"));
    // Retried with its key: the first answer, nothing credited again.
    let retried = report("r-1", now, &first).send().await;
    assert_eq!(retried.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(retried.expect(201)["id"], credited["id"]);
    // Reported again under a new key, for whichever unit: the reference was credited.
    let again = report_body(unopened, 20_000, "CNY", "WX-0001");
    let again = report("r-2", now, &again).send().await.expect(409);
    assert_eq!(again["type"], "/problems/duplicate");
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 21_000);

    // Tampered with (another amount, another unit), replayed after the window, unsigned:
    // 401 bad-signature, only logged.
    let signature = propdesk::signing::signature(&secret, "r-3", now, &first).unwrap();
    for tampered in [
        report_body(unit, 90_000, "CNY", "WX-0002"),
        report_body(unopened, 20_000, "CNY", "WX-0002"),
    ] {
        let forged = app
            .post(PAYMENT_REPORTS)
            .header("X-Api-Key", &key)
            .header("Idempotency-Key", "r-3")
            .header("Signature-Timestamp", &now.to_string())
            .header("Signature", &signature)
            .raw(&tampered, "application/json")
            .send()
            .await
            .expect(401);
        assert_eq!(forged["type"], "/problems/bad-signature");
    }
    let late = report("r-4", now - 301, &report_body(unit, 500, "CNY", "WX-0003"));
    late.send().await.expect(401);
    let unsigned = app
        .post(PAYMENT_REPORTS)
        .header("X-Api-Key", &key)
        .header("Idempotency-Key", "r-5")
        .json(
            json!({"unit_id": unit, "amount_fen": 500, "currency": "CNY",
                     "provider_reference": "WX-0004"}),
        );
    unsigned.send().await.expect(401);
    // Signed but refused: kept for the desk, once however often it is retried.
    for _ in 0..2 {
        let dollars = report("r-6", now, &report_body(unit, 500, "USD", "WX-0005")).send();
        assert_eq!(dollars.await.invalid_fields(), ["currency"]);
    }
    let no_account = report("r-7", now, &report_body(unopened, 500, "CNY", "WX-0006"));
    no_account.send().await.expect(404);
    // A unit not the key's: 404 as for a unit that does not exist, only logged.
    let not_ours = report_body(elsewhere.unit_id, 500, "CNY", "WX-0007");
    report("r-8", now, &not_ours).send().await.expect(404);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 21_000);
    assert_eq!(balance(&app, &butler, unopened).await, 0);

    // Once the desk opens the account, the payment system's retry is credited, and the
    // desk's list says so: nothing to place by hand.
    pay(&app, &butler, unopened, 100).await;
    let retried = report("r-7", now, &report_body(unopened, 500, "CNY", "WX-0006"));
    let placed = retried.send().await.expect(201);
    assert_eq!(balance_is_the_sum(&app, &butler, unopened).await, 600);

    let refused = app
        .get("/api/v1/sites/1/hot-water/refused-payment-reports")
        .token(&butler)
        .send()
        .await
        .expect(200);
    let refused: Vec<(String, String, String, i64, Value)> = refused["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap().to_owned();
            (
                text("provider_reference"),
                text("problem"),
                text("idempotency_key"),
                r["unit_id"].as_i64().unwrap(),
                r["credited_entry_id"].clone(),
            )
        })
        .collect();
    let row = |reference: &str, problem: &str, key: &str, unit: i64, entry: &Value| {
        (
            reference.to_owned(),
            format!("/problems/{problem}"),
            key.to_owned(),
            unit,
            entry.clone(),
        )
    };
    assert_eq!(
        refused,
        [
            row("WX-0006", "not-found", "r-7", unopened, &placed["id"]),
            row("WX-0005", "validation", "r-6", unit, &Value::Null),
            row("WX-0001", "duplicate", "r-2", unopened, &credited["id"]),
        ]
    );

    // People record payments at the desk; a key without the permission cannot report.
    let people = app
        .post(PAYMENT_REPORTS)
        .token(&butler)
        .header("Idempotency-Key", "r-9")
        .raw(
            &report_body(unit, 500, "CNY", "WX-0008"),
            "application/json",
        );
    people.send().await.expect(403);
    let crm = create_key("CRM", "tickets_read").await.expect(201);
    assert_eq!(crm["signing_secret"], Value::Null);
    let crm_key = crm["api_key"].as_str().unwrap();
    let crm_report = signed_report(&app, crm_key, &secret, "r-10", now, &first);
    crm_report.send().await.expect(403);
    // Nor may the payment system read the ledger or take desk payments.
    let read = app.get(&path(unit, "")).header("X-Api-Key", &key).send();
    read.await.expect(403);
    assert_eq!(balance_is_the_sum(&app, &butler, unit).await, 21_000);
}
