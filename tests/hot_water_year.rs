//! A year of one unit's hot water, end to end over HTTP: meter, four quarterly campaigns,
//! a meter replaced, a tariff change, prepayments, renewal notice, arrears, limited and
//! stopped supply, dunning, payment, restored supply and the quarters' reports.

mod common;

use common::hot_water::*;
use common::{Desk, Response, TestApp};
use serde_json::{json, Value};

/// Moves the clock to 10:00 on `date` in Shanghai (the demo site's time zone); fresh
/// tokens, since access tokens expire.
async fn morning(app: &TestApp, date: &str) -> Desk {
    local_morning(app, date);
    Desk::of(app).await
}

async fn read_meter(app: &TestApp, token: &str, unit: i64, litres: i64) -> Value {
    let call = app.post(&path(unit, "/readings")).token(token);
    call.json(json!({"litres": litres}))
        .send()
        .await
        .expect(201)
}

/// The quarter's campaign totals: [metered, read, missing, flagged].
async fn campaign(app: &TestApp, token: &str, quarter: &str) -> [i64; 4] {
    let url = format!("/api/v1/sites/1/hot-water/campaigns/{quarter}");
    let progress = app.get(&url).token(token).send().await.expect(200);
    ["metered", "read", "missing", "flagged"].map(|k| progress["totals"][k].as_i64().unwrap())
}

fn of_kind(notices: &[(String, String)], kind: &str) -> Vec<String> {
    notices
        .iter()
        .filter(|(k, _)| k == kind)
        .map(|(_, m)| m.clone())
        .collect()
}

async fn dun(app: &TestApp, token: &str, unit: i64, step: &str) -> Response {
    let call = app.post(&path(unit, "/dunning/steps")).token(token);
    call.json(json!({"step": step})).send().await
}

async fn report(app: &TestApp, token: &str, quarter: &str) -> Value {
    let url = format!("/api/v1/sites/1/hot-water/reports/{quarter}");
    app.get(&url).token(token).send().await.expect(200)
}

// R-HW-2 R-HW-3 R-HW-4 R-HW-5 R-HW-6 R-HW-7
#[actix_web::test]
async fn a_year_of_one_units_hot_water() {
    let app = TestApp::new().await;
    let unit = app.unit_id("1-1-101").await;
    let desk = Desk::of(&app).await;
    // The owner's archive, where the letters will be filed.
    let owner = app.user_id(&desk.resident).await;
    let archive = app
        .post("/api/v1/archives")
        .token(&desk.butler)
        .json(json!({"unit_id": unit, "owner_id": owner}))
        .send()
        .await
        .expect(201);
    let archive = format!("/api/v1/archives/{}", archive["id"]);
    // The site's settings are the defaults the README states: a renewal notice below
    // 50.00 yuan, supply limited after 30 days in arrears, a stop proposed 15 days later.
    let settings = app.get("/api/v1/sites/1/hot-water/settings");
    let settings = settings.token(&desk.butler).send().await.expect(200);
    assert_eq!(
        [
            "renewal_threshold_fen",
            "limit_after_days",
            "stop_after_days"
        ]
        .map(|k| settings[k].as_i64().unwrap()),
        [5_000, 30, 15]
    );

    // 2026-11-23: the manager sets the first tariff, 20.00 yuan a tonne (2 fen a litre),
    // from tomorrow.
    let tariffs = "/api/v1/sites/1/hot-water/tariffs";
    let call = app.post(tariffs).token(&desk.manager);
    call.json(flat("2026-11-24", 2_000))
        .send()
        .await
        .expect(201);

    // 2026-11-24: the meter is registered, and the resident prepays 200.00 yuan; the
    // desk's screen retries the payment with its key: one payment, one receipt.
    let desk = morning(&app, "2026-11-24").await;
    let body = json!({"serial_number": "HW-101-A", "installed_on": "2026-11-24",
                      "initial_litres": 0});
    let call = app.post(&path(unit, "/meters")).token(&desk.butler);
    let first_meter = call.json(body).send().await.expect(201);
    let prepay = || {
        app.post(&path(unit, "/payments"))
            .token(&desk.butler)
            .header("Idempotency-Key", "desk-101-2026-11-24")
            .json(json!({"amount_fen": 20_000, "method": "card"}))
            .send()
    };
    let paid = prepay().await.expect(201);
    assert_eq!(paid["receipt_number"], "RS-2026-000001");
    let again = prepay().await;
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(again.expect(201), paid);
    assert_eq!(entries(&app, &desk.butler, unit).await.len(), 1);
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 20_000);

    // 2026-Q4, read on 27 December: 4 000 litres over the 33 days since the installation,
    // all under the first tariff: 4 000 × 2 = 8 000 fen. Balance 20 000 − 8 000 = 12 000.
    let desk = morning(&app, "2026-12-27").await;
    assert_eq!(campaign(&app, &desk.butler, "2026-Q4").await, [1, 0, 1, 0]);
    let q4 = read_meter(&app, &desk.engineer, unit, 4_000).await;
    assert_eq!(
        (q4["in_window"].as_bool(), q4["usage_litres"].as_i64()),
        (Some(true), Some(4_000))
    );
    assert_eq!(campaign(&app, &desk.butler, "2026-Q4").await, [1, 1, 0, 0]);
    assert_eq!(
        charges(&app, &desk.butler, unit).await,
        [("2026-11-24".into(), "2026-12-27".into(), 4_000, -8_000)]
    );
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 12_000);
    // Still above 50.00 yuan: no renewal notice.
    assert!(hot_water_notices(&app, &desk.resident).await.is_empty());

    // 2027-01-10: a second prepayment of 140.00 yuan (balance 26 000), and a new tariff,
    // 30.00 yuan a tonne (3 fen a litre), set ahead of the day it takes effect, mid-quarter.
    let desk = morning(&app, "2027-01-10").await;
    let paid = pay(&app, &desk.butler, unit, 14_000).await;
    assert_eq!(paid["receipt_number"], "RS-2027-000001");
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 26_000);
    let call = app.post(tariffs).token(&desk.manager);
    call.json(flat("2027-02-15", 3_000))
        .send()
        .await
        .expect(201);
    let listed = app
        .get(tariffs)
        .token(&desk.butler)
        .send()
        .await
        .expect(200);
    let from: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["effective_from"].as_str().unwrap())
        .collect();
    assert_eq!(from, ["2026-11-24", "2027-02-15"]);

    // 2027-Q1, read on 27 March: 9 000 litres over the 90 days since 27 December, split
    // on 15 February by days: 50 days under the first tariff (9 000 × 50/90 = 5 000 L ×
    // 2 = 10 000 fen) and 40 under the second (4 000 L × 3 = 12 000 fen): 22 000 fen.
    // Balance 26 000 − 22 000 = 4 000, below the 5 000 threshold: the renewal notice.
    let desk = morning(&app, "2027-03-27").await;
    assert_eq!(campaign(&app, &desk.butler, "2027-Q1").await, [1, 0, 1, 0]);
    let q1 = read_meter(&app, &desk.engineer, unit, 13_000).await;
    assert_eq!(
        (q1["usage_litres"].as_i64(), q1["flagged"].as_bool()),
        (Some(9_000), Some(false))
    );
    assert_eq!(campaign(&app, &desk.butler, "2027-Q1").await, [1, 1, 0, 0]);
    assert_eq!(
        charges(&app, &desk.butler, unit).await[1..],
        [
            ("2026-12-27".into(), "2027-02-15".into(), 5_000, -10_000),
            ("2027-02-15".into(), "2027-03-27".into(), 4_000, -12_000),
        ]
    );
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 4_000);
    let renewal = of_kind(
        &hot_water_notices(&app, &desk.resident).await,
        "hot_water_renewal",
    );
    assert_eq!(renewal.len(), 1, "{renewal:?}");
    assert!(
        renewal[0].contains("unit 1-1-101 is 40.00 yuan, below 50.00 yuan"),
        "{renewal:?}"
    );

    // 2027-05-10: the meter is replaced. The old one counted 1 200 litres since March
    // (14 200 − 13 000), charged now at 3 fen: 3 600 fen; the new one starts at 500.
    // Balance 4 000 − 3 600 = 400: low already, so no second notice.
    let desk = morning(&app, "2027-05-10").await;
    let body = json!({"meter_id": first_meter["id"], "final_litres": 14_200,
                      "serial_number": "HW-101-B", "installed_on": "2027-05-10",
                      "initial_litres": 500});
    let call = app.post(&path(unit, "/meters/replace")).token(&desk.butler);
    let new_meter = call.json(body).send().await.expect(201);
    let meters = app
        .get(&path(unit, "/meters"))
        .token(&desk.butler)
        .send()
        .await;
    let meters = meters.expect(200);
    assert_eq!(meters[0]["id"], new_meter["id"]);
    assert_eq!(
        (
            meters[1]["removed_on"].as_str(),
            meters[1]["final_litres"].as_i64()
        ),
        (Some("2027-05-10"), Some(14_200))
    );
    assert_eq!(
        charges(&app, &desk.butler, unit).await[3..],
        [("2027-03-27".into(), "2027-05-10".into(), 1_200, -3_600)]
    );
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 400);

    // 2027-Q2, read on 27 June from the new meter: 3 500 litres, 3 000 since its 500 (below
    // the old meter's figures, across the replacement): 3 000 × 3 = 9 000 fen. Balance
    // 400 − 9 000 = −8 600: arrears from today.
    let desk = morning(&app, "2027-06-27").await;
    assert_eq!(campaign(&app, &desk.butler, "2027-Q2").await, [1, 0, 1, 0]);
    let q2 = read_meter(&app, &desk.engineer, unit, 3_500).await;
    assert_eq!(
        (q2["meter_id"].clone(), q2["usage_litres"].as_i64()),
        (new_meter["id"].clone(), Some(3_000))
    );
    assert_eq!(campaign(&app, &desk.butler, "2027-Q2").await, [1, 1, 0, 0]);
    assert_eq!(
        charges(&app, &desk.butler, unit).await[4..],
        [("2027-05-10".into(), "2027-06-27".into(), 3_000, -9_000)]
    );
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, -8_600);
    let status = supply(&app, &desk.resident, unit).await;
    assert_eq!(
        (status["status"].as_str(), status["arrears_since"].as_str()),
        (Some("normal"), Some("2027-06-27"))
    );

    // 30 days in arrears on 27 July, not on the 26th: supply limited, the resident told.
    morning(&app, "2027-07-26").await;
    assert_eq!(sweep(&app).await, 0);
    let desk = morning(&app, "2027-07-27").await;
    assert_eq!(sweep(&app).await, 1);
    let status = supply(&app, &desk.resident, unit).await;
    assert_eq!(
        (status["status"].as_str(), status["status_since"].as_str()),
        (Some("limited"), Some("2027-07-27"))
    );

    // Dunning: the desk asks the reason on 28 July (31 days of 8 600 fen at 0.03 % a day:
    // 8 600 × 31 × 3 / 10 000 = 79.98, a late fee of 80 fen) ...
    let desk = morning(&app, "2027-07-28").await;
    let ladder = dun(&app, &desk.butler, unit, "ask_reason")
        .await
        .expect(201);
    assert_eq!(
        (ladder["next_step"].as_str(), ladder["next_due"].as_str()),
        (Some("reminder_letter"), Some("2027-08-04"))
    );
    let step = &ladder["steps"][0];
    assert_eq!(
        (step["arrears_fen"].as_i64(), step["late_fee_fen"].as_i64()),
        (Some(8_600), Some(80))
    );
    // ... the reminder letter is due 7 days later, on 4 August (38 days: 8 600 × 38 × 3 /
    // 10 000 = 98.04, 98 fen) ...
    morning(&app, "2027-08-03").await;
    let early = dun(&app, &app.token("butler").await, unit, "reminder_letter").await;
    early.expect_precondition("dunning_step_not_due");
    let desk = morning(&app, "2027-08-04").await;
    let ladder = dun(&app, &desk.butler, unit, "reminder_letter")
        .await
        .expect(201);
    let step = &ladder["steps"][1];
    assert_eq!(
        (step["arrears_fen"].as_i64(), step["late_fee_fen"].as_i64()),
        (Some(8_600), Some(98))
    );
    let letter = step["letter"].as_str().unwrap();
    assert!(letter.starts_with("Reminder letter (提示函)"), "{letter}");
    assert!(
        letter.contains("owner of unit 1-1-101")
            && letter.contains("since 2027-06-27, 86.00 yuan on 2027-08-04"),
        "{letter}"
    );
    // ... and the dunning letter 7 days after that, on 11 August (45 days: 8 600 × 45 × 3 /
    // 10 000 = 116.1, 116 fen), not before.
    let call = dun(&app, &desk.butler, unit, "dunning_letter").await;
    call.expect_precondition("dunning_step_not_due");
    let desk = morning(&app, "2027-08-11").await;
    let ladder = dun(&app, &desk.butler, unit, "dunning_letter")
        .await
        .expect(201);
    let step = &ladder["steps"][2];
    assert_eq!(
        (step["arrears_fen"].as_i64(), step["late_fee_fen"].as_i64()),
        (Some(8_600), Some(116))
    );
    let letter = step["letter"].as_str().unwrap();
    assert!(letter.starts_with("Dunning letter (催缴函)"), "{letter}");
    assert!(
        letter.contains("86.00 yuan of hot water is unpaid since 2027-06-27")
            && letter.contains("1.16 yuan on 2027-08-11"),
        "{letter}"
    );
    // The resident was sent both letters, and reads the ladder.
    let letters = of_kind(
        &hot_water_notices(&app, &desk.resident).await,
        "hot_water_dunning",
    );
    assert_eq!(letters.len(), 2, "{letters:?}");
    assert!(letters[0].starts_with("Reminder letter") && letters[0].contains("86.00 yuan"));
    assert!(letters[1].starts_with("Dunning letter") && letters[1].contains("86.00 yuan"));
    // Both are filed in the owner's archive, as handed over, in Chinese; the owner reads
    // them there too.
    for token in [&desk.butler, &desk.resident] {
        let catalogue = app.get(&archive).token(token).send().await.expect(200);
        let filed: Vec<(&str, &str)> = catalogue["catalogue"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["doc_type"] == "hot_water_dunning")
            .map(|d| (d["title"].as_str().unwrap(), d["summary"].as_str().unwrap()))
            .collect();
        assert_eq!(filed.len(), 2, "{catalogue}");
        assert_eq!(filed[0].0, "提示函 Reminder letter 2027-08-04");
        assert_eq!(filed[1].0, "催缴函 Dunning letter 2027-08-11");
        assert!(
            filed[1].1.contains("86.00") && filed[1].1.contains("1.16"),
            "{}",
            filed[1].1
        );
        assert!(!filed[1].1.contains("Dunning letter"), "{}", filed[1].1);
    }
    let seen = app
        .get(&path(unit, "/dunning"))
        .token(&desk.resident)
        .send()
        .await;
    let steps: Vec<String> = seen.expect(200)["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(steps, ["ask_reason", "reminder_letter", "dunning_letter"]);

    // 15 days after the limit, the same 11 August: a stop is proposed; a butler cannot
    // approve it, a manager does.
    assert_eq!(sweep(&app).await, 1);
    assert_eq!(
        supply(&app, &desk.manager, unit).await["status"],
        "stop_proposed"
    );
    let call = app.post(&path(unit, "/supply/stop")).token(&desk.butler);
    assert_eq!(call.send().await.expect(403)["type"], "/problems/forbidden");
    assert_eq!(
        supply(&app, &desk.manager, unit).await["status"],
        "stop_proposed"
    );
    let call = app.post(&path(unit, "/supply/stop")).token(&desk.manager);
    let stopped = call.send().await.expect(200);
    assert_eq!(
        (stopped["status"].as_str(), stopped["status_since"].as_str()),
        (Some("stopped"), Some("2027-08-11"))
    );
    // The quarter's report lists the stopped supply and the arrears, 45 days old.
    let q3 = report(&app, &desk.butler, "2027-Q3").await;
    assert_eq!(
        q3["supply"],
        json!([{"unit_id": unit, "unit": "1-1-101", "status": "stopped",
                "status_since": "2027-08-11", "balance_fen": -8_600}])
    );
    let bucket = |b: &Value| [b["accounts"].as_i64(), b["arrears_fen"].as_i64()];
    assert_eq!(bucket(&q3["arrears"]["days_31_90"]), [Some(1), Some(8_600)]);
    assert_eq!(bucket(&q3["arrears"]["total"]), [Some(1), Some(8_600)]);

    // 2027-08-12: the resident pays 300.00 yuan: balance −8 600 + 30 000 = 21 400. Supply
    // is restored and the ladder ends.
    let desk = morning(&app, "2027-08-12").await;
    let paid = pay(&app, &desk.butler, unit, 30_000).await;
    assert_eq!(paid["receipt_number"], "RS-2027-000002");
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 21_400);
    let status = supply(&app, &desk.resident, unit).await;
    assert_eq!(
        (status["status"].as_str(), &status["arrears_since"]),
        (Some("normal"), &Value::Null)
    );
    let history: Vec<[&str; 3]> = status["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| ["action", "from_status", "to_status"].map(|k| s[k].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [
            ["limit", "normal", "limited"],
            ["propose_stop", "limited", "stop_proposed"],
            ["stop", "stop_proposed", "stopped"],
            ["restore", "stopped", "normal"],
        ]
    );
    let told = of_kind(
        &hot_water_notices(&app, &desk.resident).await,
        "hot_water_supply",
    );
    assert_eq!(told.len(), 4, "{told:?}");
    for (message, says) in told
        .iter()
        .zip(["limited", "proposed", "stopped", "restored"])
    {
        assert!(message.contains(says), "{message}");
    }
    let ended = app
        .get(&path(unit, "/dunning"))
        .token(&desk.butler)
        .send()
        .await;
    let ended = ended.expect(200);
    assert_eq!(
        (ended["ended_on"].as_str(), &ended["next_step"]),
        (Some("2027-08-12"), &Value::Null)
    );
    let open = app
        .get("/api/v1/sites/1/hot-water/dunning")
        .token(&desk.butler);
    assert_eq!(open.send().await.expect(200), json!([]));

    // 2027-Q3: the engineer reads the meter on 25 September in a basement and again on the
    // 27th with the resident watching; the handheld syncs both on the 28th. 2 700 litres
    // over 90 days and 100 over 2, at 3 fen: 8 100 + 300 fen. Balance 21 400 − 8 400 =
    // 13 000, above the threshold.
    let desk = morning(&app, "2027-09-28").await;
    assert_eq!(campaign(&app, &desk.butler, "2027-Q3").await, [1, 0, 1, 0]);
    let item = |key: &str, litres: i64, read_on: &str| {
        json!({"idempotency_key": key, "unit_id": unit, "action": "read_meter",
               "body": {"litres": litres, "read_on": read_on}})
    };
    let batch = json!({"items": [
        item("hh-101-2027-09-25", 6_200, "2027-09-25"),
        item("hh-101-2027-09-27", 6_300, "2027-09-27"),
    ]});
    let sync = || {
        app.post("/api/v1/sync/batch")
            .token(&desk.engineer)
            .json(batch.clone())
            .send()
    };
    let first = sync().await.expect(200);
    let outcomes = |answer: &Value| -> Vec<(String, Value)> {
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["outcome"].as_str().unwrap().to_owned(),
                    r["reading"]["id"].clone(),
                )
            })
            .collect()
    };
    let applied = outcomes(&first);
    assert!(applied[0].1.is_i64() && applied[1].1.is_i64() && applied[0].1 != applied[1].1);
    assert_eq!(
        applied.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>(),
        ["applied", "applied"]
    );
    let usages: Vec<Option<i64>> = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reading"]["usage_litres"].as_i64())
        .collect();
    assert_eq!(usages, [Some(2_700), Some(100)]);
    assert_eq!(campaign(&app, &desk.butler, "2027-Q3").await, [1, 1, 0, 0]);
    let charged = charges(&app, &desk.butler, unit).await;
    assert_eq!(
        charged[5..],
        [
            ("2027-06-27".into(), "2027-09-25".into(), 2_700, -8_100),
            ("2027-09-25".into(), "2027-09-27".into(), 100, -300),
        ]
    );
    // Each charge names its reading; the replaced meter's last litres name none.
    let charged_readings: Vec<Value> = entries(&app, &desk.butler, unit)
        .await
        .iter()
        .rev()
        .filter(|e| e["kind"] == "charge")
        .map(|e| e["reading_id"].clone())
        .collect();
    assert_eq!(
        charged_readings,
        [
            q4["id"].clone(),
            q1["id"].clone(),
            q1["id"].clone(),
            Value::Null,
            q2["id"].clone(),
            applied[0].1.clone(),
            applied[1].1.clone(),
        ]
    );
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 13_000);
    // The handheld did not hear back and sends the batch again: both items are replayed,
    // the same readings; nothing is read or charged twice.
    let listed_before = entries(&app, &desk.butler, unit).await;
    let replayed = outcomes(&sync().await.expect(200));
    assert_eq!(
        replayed,
        [
            ("replayed".to_owned(), applied[0].1.clone()),
            ("replayed".to_owned(), applied[1].1.clone()),
        ]
    );
    assert_eq!(entries(&app, &desk.butler, unit).await, listed_before);
    assert_eq!(balance_is_the_sum(&app, &desk.butler, unit).await, 13_000);
    let readings = app
        .get(&path(unit, "/readings"))
        .token(&desk.butler)
        .send()
        .await;
    let litres: Vec<i64> = readings.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["litres"].as_i64().unwrap())
        .collect();
    assert_eq!(litres, [6_300, 6_200, 3_500, 13_000, 4_000]);

    // The year's ledger: three payments (20 000 + 14 000 + 30 000 = 64 000) and seven
    // charges (8 000 + 10 000 + 12 000 + 3 600 + 9 000 + 8 100 + 300 = 51 000): 13 000.
    let listed = entries(&app, &desk.resident, unit).await;
    let kinds = |kind: &str| listed.iter().filter(|e| e["kind"] == kind).count();
    assert_eq!(
        (kinds("payment"), kinds("charge"), listed.len()),
        (3, 7, 10)
    );
    assert_eq!(balance_is_the_sum(&app, &desk.resident, unit).await, 13_000);
    // One renewal notice all year: the balance stayed low until the payment, and has
    // stayed above 50.00 yuan since.
    let renewal = of_kind(
        &hot_water_notices(&app, &desk.resident).await,
        "hot_water_renewal",
    );
    assert_eq!(renewal.len(), 1, "{renewal:?}");

    // R-HW-7: the quarters' collection rates, collected / billed in basis points, half up:
    // 2026-Q4: 20 000 / 8 000 = 250 %                          → 25 000
    // 2027-Q1: 14 000 / (10 000 + 12 000) = 63.636… %          →  6 364
    // 2027-Q2: 0 / (3 600 + 9 000)                              →      0
    // 2027-Q3: 30 000 / (8 100 + 300) = 357.142… %             → 35 714
    for (quarter, billed, collected, rate) in [
        ("2026-Q4", 8_000, 20_000, 25_000),
        ("2027-Q1", 22_000, 14_000, 6_364),
        ("2027-Q2", 12_600, 0, 0),
        ("2027-Q3", 8_400, 30_000, 35_714),
    ] {
        let figures = report(&app, &desk.manager, quarter).await;
        assert_eq!(
            [
                "billed_fen",
                "collected_fen",
                "refunded_fen",
                "adjusted_fen",
                "collection_rate_bp"
            ]
            .map(|k| figures[k].as_i64()),
            [Some(billed), Some(collected), Some(0), Some(0), Some(rate)],
            "{quarter}: {figures}"
        );
        // Nothing owed, no supply held back, now the arrears are paid.
        assert_eq!(
            bucket(&figures["arrears"]["total"]),
            [Some(0), Some(0)],
            "{quarter}"
        );
        assert_eq!(figures["supply"], json!([]), "{quarter}");
    }
}
