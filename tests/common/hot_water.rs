//! Reading and moving a unit's hot water, for the hot-water tests.

use serde_json::{json, Value};

use super::TestApp;

pub fn path(unit: i64, rest: &str) -> String {
    format!("/api/v1/units/{unit}/hot-water{rest}")
}

pub async fn pay(app: &TestApp, token: &str, unit: i64, amount: i64) -> Value {
    let body = json!({"amount_fen": amount, "method": "cash"});
    let call = app.post(&path(unit, "/payments")).token(token).json(body);
    call.send().await.expect(201)
}

/// The unit's account: its balance and how many entries it has.
pub async fn account(app: &TestApp, token: &str, unit: i64) -> Value {
    let call = app.get(&path(unit, "")).token(token);
    call.send().await.expect(200)
}

pub async fn balance(app: &TestApp, token: &str, unit: i64) -> i64 {
    account(app, token, unit).await["balance_fen"]
        .as_i64()
        .unwrap()
}

/// Every entry of the unit, newest first, read page by page.
pub async fn entries(app: &TestApp, token: &str, unit: i64) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let url = path(unit, &format!("/entries?limit=100{cursor}"));
        let page = app.get(&url).token(token).send().await.expect(200);
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return items,
        }
    }
}

pub fn sum(entries: &[Value]) -> i64 {
    entries
        .iter()
        .map(|e| e["amount_fen"].as_i64().unwrap())
        .sum()
}

/// R-HW-3: the balance the account reports is the sum of the entries it lists, and it
/// counts them all; the balance.
pub async fn balance_is_the_sum(app: &TestApp, token: &str, unit: i64) -> i64 {
    let listed = entries(app, token, unit).await;
    let account = account(app, token, unit).await;
    assert_eq!(
        account["balance_fen"].as_i64(),
        Some(sum(&listed)),
        "{listed:?}"
    );
    assert_eq!(account["entries"].as_i64(), Some(listed.len() as i64));
    sum(&listed)
}

/// Moves the clock to 10:00 on `date` in Shanghai, the demo site's time zone.
pub fn local_morning(app: &TestApp, date: &str) {
    let at = chrono::DateTime::parse_from_rfc3339(&format!("{date}T10:00:00+08:00")).unwrap();
    app.clock
        .advance(at.with_timezone(&chrono::Utc) - app.clock_now());
}

pub fn flat(from: &str, fen_per_cubic_metre: i64) -> Value {
    json!({"effective_from": from,
           "tiers": [{"up_to_litres": null, "fen_per_cubic_metre": fen_per_cubic_metre}]})
}

/// The unit's charges, oldest first: (period_from, period_to, usage_litres, amount_fen).
pub async fn charges(app: &TestApp, token: &str, unit: i64) -> Vec<(String, String, i64, i64)> {
    let mut listed = entries(app, token, unit).await;
    listed.reverse();
    listed
        .iter()
        .filter(|e| e["kind"] == "charge")
        .map(|e| {
            (
                e["period_from"].as_str().unwrap().to_owned(),
                e["period_to"].as_str().unwrap().to_owned(),
                e["usage_litres"].as_i64().unwrap(),
                e["amount_fen"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The hot-water notices the caller has, oldest first: (kind, message).
pub async fn hot_water_notices(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let page = app.get("/api/v1/me/notifications?limit=100").token(token);
    let mut notices: Vec<(String, String)> = page.send().await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"].as_str().unwrap().starts_with("hot_water_"))
        .map(|n| {
            (
                n["kind"].as_str().unwrap().into(),
                n["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    notices.reverse();
    notices
}

pub async fn supply(app: &TestApp, token: &str, unit: i64) -> Value {
    let call = app.get(&path(unit, "/supply")).token(token);
    call.send().await.expect(200)
}

pub async fn sweep(app: &TestApp) -> usize {
    propdesk::hot_water::supply::advance(&app.state)
        .await
        .unwrap()
}
