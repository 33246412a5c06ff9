//! Helpers for the ticket tests: which kind of 409 an answer is.

use serde_json::Value;

use super::Response;

impl Response {
    /// Asserts a 409 problem of this kind (`stale-version`, `invalid-transition`,
    /// `duplicate`) and returns the body.
    pub fn expect_conflict(self, kind: &str) -> Value {
        let body = self.expect(409);
        assert_eq!(body["type"], format!("/problems/{kind}"), "body: {body}");
        body
    }

    /// Asserts a 409 `/problems/precondition-failed` with this `code` and returns the body.
    pub fn expect_precondition(self, code: &str) -> Value {
        let body = self.expect_conflict("precondition-failed");
        assert_eq!(body["code"], code, "body: {body}");
        body
    }
}
