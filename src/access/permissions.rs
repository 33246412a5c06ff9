//! What a machine client (an API key) may do. A key's account is a butler of the key's
//! sites, so the role guards and the site scoping of people apply to it unchanged; on top,
//! each route open to keys needs one permission, read here from the route's first segment
//! and method, and every other route is closed to keys. The spec states the same
//! permission per operation, from this function.

use crate::text_enum;

text_enum! {
    /// A permission granted to an API key.
    pub enum Permission {
        /// Sites and units: to find the ids the other routes take.
        DirectoryRead = "directory_read",
        TicketsRead = "tickets_read",
        /// Report repairs for residents and take the desk's actions on tickets.
        TicketsWrite = "tickets_write",
        ComplaintsRead = "complaints_read",
        ComplaintsWrite = "complaints_write",
        /// Keys and their handoffs, read only.
        KeysRead = "keys_read",
        /// Report hot-water payments (`POST /hot-water/payment-reports`), each signed with
        /// the key's signing secret.
        HotWaterPayments = "hot_water_payments",
    }
}

impl Permission {
    /// The permission `method` on the route `path` (a template or a request path, with or
    /// without `/api/v1`) needs of an API key; `None` where keys may not call it at all:
    /// accounts and sessions, people, notifications, archives (personal data), calendars,
    /// the keys themselves, webhooks and the handheld's sync.
    pub fn needed(method: &str, path: &str) -> Option<Permission> {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let reads = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
        match (segments.as_slice(), reads) {
            (["tickets", ..], true) => Some(Permission::TicketsRead),
            (["tickets", ..], false) => Some(Permission::TicketsWrite),
            (["complaints", ..], true) => Some(Permission::ComplaintsRead),
            (["complaints", ..], false) => Some(Permission::ComplaintsWrite),
            // The directory itself, not what hangs under a unit (its people, its notices).
            (["sites" | "units"] | ["sites" | "units", _], true) => Some(Permission::DirectoryRead),
            (["keys" | "key-handoffs", ..] | ["units", _, "keys"], true) => {
                Some(Permission::KeysRead)
            }
            (["hot-water", "payment-reports"], false) => Some(Permission::HotWaterPayments),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_needs_the_permission_of_its_capability_and_method() {
        assert_eq!(
            Permission::needed("GET", "/api/v1/tickets/{id}"),
            Some(Permission::TicketsRead)
        );
        assert_eq!(
            Permission::needed("POST", "/api/v1/tickets/{id:[0-9]+}/dispatch"),
            Some(Permission::TicketsWrite)
        );
        assert_eq!(
            Permission::needed("GET", "/complaints"),
            Some(Permission::ComplaintsRead)
        );
        assert_eq!(
            Permission::needed("GET", "/api/v1/units/{id}"),
            Some(Permission::DirectoryRead)
        );
        assert_eq!(
            Permission::needed("GET", "/api/v1/units/{id}/keys"),
            Some(Permission::KeysRead)
        );
        assert_eq!(
            Permission::needed("GET", "/api/v1/units/{id}/members"),
            None
        );
        assert_eq!(
            Permission::needed("GET", "/api/v1/sites/{id}/calendar"),
            None
        );
        // Writes to the directory, people, archives and the keys' own routes stay closed.
        assert_eq!(
            Permission::needed("POST", "/api/v1/units/{id}/move-in"),
            None
        );
        assert_eq!(Permission::needed("GET", "/api/v1/users"), None);
        assert_eq!(Permission::needed("GET", "/api/v1/archives/{id}"), None);
        assert_eq!(Permission::needed("POST", "/api/v1/keys/{id}/lend"), None);
        assert_eq!(Permission::needed("GET", "/api/v1/api-keys"), None);
        assert_eq!(
            Permission::needed("POST", "/api/v1/hot-water/payment-reports"),
            Some(Permission::HotWaterPayments)
        );
        // A key that reports payments does not record the desk's payments or read ledgers.
        assert_eq!(
            Permission::needed("POST", "/api/v1/units/{id}/hot-water/payments"),
            None
        );
        assert_eq!(
            Permission::needed("GET", "/api/v1/units/{id}/hot-water"),
            None
        );
    }
}
