//! Helpers for the complaint tests: which 409 a refusal is. Conflicts are distinct problem
//! types (`src/error.rs`), so a test that expects one names it, and a refusal for another
//! reason (a stale version instead of a missing precondition) fails the test.

use serde_json::Value;

use super::Response;

/// Asserts a 409 of the problem type `/problems/{kind}` (`stale-version`,
/// `invalid-transition`, `duplicate`), which carries no `code`; returns the body.
pub fn conflict(response: Response, kind: &str) -> Value {
    let body = response.expect(409);
    assert_eq!(body["type"], format!("/problems/{kind}"), "body: {body}");
    assert!(body.get("code").is_none(), "no code on {kind}: {body}");
    body
}

/// Asserts a 409 `/problems/precondition-failed` whose `code` is `code`; returns the body.
pub fn precondition(response: Response, code: &str) -> Value {
    let body = response.expect(409);
    assert_eq!(
        body["type"], "/problems/precondition-failed",
        "body: {body}"
    );
    assert_eq!(body["code"], code, "body: {body}");
    body
}

/// The texts said to the complainant, oldest first, as a complaint view lists them.
pub fn told(view: &Value) -> Vec<String> {
    view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "reply")
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}
