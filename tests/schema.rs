//! The database guards its enum columns: every column that stores a Rust enum's text has a
//! CHECK list (a trigger on SQLite where the column predates it) equal to that enum's
//! values, in both migration folders, and the database refuses a value outside it.

mod common;

use common::TestApp;
use diesel::connection::SimpleConnection;

/// The migrations of one folder, oldest first, as one text.
fn migrations(folder: &str) -> String {
    let dir = format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut versions: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    versions.sort();
    versions
        .iter()
        .map(|v| std::fs::read_to_string(v.join("up.sql")).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The quoted values of the first `IN (...)` list at or after `from`.
fn in_list(sql: &str, from: usize) -> Vec<String> {
    let start = from + sql[from..].find("IN (").expect("an IN list") + "IN (".len();
    let end = start + sql[start..].find(')').expect("the list ends");
    sql[start..end]
        .split(',')
        .map(|v| v.trim().trim_matches('\'').to_owned())
        .collect()
}

/// The values `table.column` may hold: a constraint (or trigger) named
/// `<table>_<column>_check` added by a later migration, else the CHECK on the column's line
/// of its CREATE TABLE. `None` when the column has no list.
fn allowed(sql: &str, table: &str, column: &str) -> Option<Vec<String>> {
    // The last definition counts: a later migration may redefine the list (PostgreSQL
    // drops and adds the constraint, SQLite rebuilds the table).
    let name = format!("{table}_{column}_check");
    let constraint = [
        // `ADD CONSTRAINT`, or a column added with its named constraint.
        format!("CONSTRAINT {name} "),
        format!("CREATE TRIGGER {name}_insert "),
    ]
    .iter()
    .filter_map(|definition| sql.rfind(definition.as_str()))
    .max();
    let create = sql.rfind(&format!("CREATE TABLE {table} ("));
    if let Some(at) = constraint.filter(|at| create.is_none_or(|c| *at > c)) {
        return Some(in_list(sql, at));
    }
    let create = create?;
    let body = &sql[create..create + sql[create..].find("\n);")?];
    let line_at = body.find(&format!("\n    {column} "))?;
    let line_end = body[line_at + 1..]
        .find(",\n")
        .map_or(body.len(), |e| line_at + 1 + e);
    body[line_at..line_end]
        .contains("CHECK")
        .then(|| in_list(body, line_at))
}

fn texts<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| as_str(*v).to_owned()).collect()
}

/// Every enum column, with the values of the Rust enum it stores.
fn enum_columns() -> Vec<(&'static str, &'static str, Vec<String>)> {
    use propdesk::access::{Permission, Role};
    use propdesk::archives::loans::LoanStatus;
    use propdesk::archives::*;
    use propdesk::calendar::DayKind;
    use propdesk::complaints::model::*;
    use propdesk::hot_water::{EntryKind, PaymentMethod, SupplyStatus};
    use propdesk::i18n::Language;
    use propdesk::keys::{
        DepositStatus, Gender, HandoffKind, HolderKind, IncidentKind, KeyKind, KeyLoanStatus,
        KeyStatus,
    };
    use propdesk::outbox::{DeliveryStatus, EndpointStatus, EventType};
    use propdesk::tickets::model::*;
    use propdesk::timeline::Subject;
    use propdesk::users::model::Relation;
    use propdesk::visits::{Satisfaction, VisitMethod};
    vec![
        ("users", "role", texts(Role::ALL, Role::as_str)),
        ("users", "language", texts(Language::ALL, Language::as_str)),
        (
            "hot_water_entries",
            "kind",
            texts(EntryKind::ALL, EntryKind::as_str),
        ),
        (
            "hot_water_entries",
            "method",
            texts(PaymentMethod::ALL, PaymentMethod::as_str),
        ),
        (
            "hot_water_supply",
            "status",
            texts(SupplyStatus::ALL, SupplyStatus::as_str),
        ),
        (
            "api_key_permissions",
            "permission",
            texts(Permission::ALL, Permission::as_str),
        ),
        (
            "webhook_endpoints",
            "status",
            texts(EndpointStatus::ALL, EndpointStatus::as_str),
        ),
        (
            "webhook_subscriptions",
            "event_type",
            texts(EventType::ALL, EventType::as_str),
        ),
        (
            "outbox_events",
            "event_type",
            texts(EventType::ALL, EventType::as_str),
        ),
        (
            "webhook_deliveries",
            "status",
            texts(DeliveryStatus::ALL, DeliveryStatus::as_str),
        ),
        (
            "archives",
            "status",
            texts(ArchiveStatus::ALL, ArchiveStatus::as_str),
        ),
        (
            "archives",
            "close_reason",
            texts(CloseReason::ALL, CloseReason::as_str),
        ),
        (
            "archive_people",
            "relation",
            texts(PersonRelation::ALL, PersonRelation::as_str),
        ),
        (
            "archive_signatures",
            "party",
            texts(Party::ALL, Party::as_str),
        ),
        (
            "archive_loans",
            "status",
            texts(LoanStatus::ALL, LoanStatus::as_str),
        ),
        (
            "archive_reads",
            "what",
            texts(ReadWhat::ALL, ReadWhat::as_str),
        ),
        ("archive_flags", "flag", texts(Flag::ALL, Flag::as_str)),
        ("unit_keys", "kind", texts(KeyKind::ALL, KeyKind::as_str)),
        (
            "unit_keys",
            "status",
            texts(KeyStatus::ALL, KeyStatus::as_str),
        ),
        (
            "unit_keys",
            "holder_kind",
            texts(HolderKind::ALL, HolderKind::as_str),
        ),
        (
            "key_handoffs",
            "kind",
            texts(HandoffKind::ALL, HandoffKind::as_str),
        ),
        (
            "key_handoffs",
            "from_kind",
            texts(HolderKind::ALL, HolderKind::as_str),
        ),
        (
            "key_handoffs",
            "to_kind",
            texts(HolderKind::ALL, HolderKind::as_str),
        ),
        (
            "key_loans",
            "status",
            texts(KeyLoanStatus::ALL, KeyLoanStatus::as_str),
        ),
        (
            "key_deposits",
            "status",
            texts(DepositStatus::ALL, DepositStatus::as_str),
        ),
        (
            "key_deposits",
            "collector_gender",
            texts(Gender::ALL, Gender::as_str),
        ),
        (
            "key_incidents",
            "kind",
            texts(IncidentKind::ALL, IncidentKind::as_str),
        ),
        (
            "key_incidents",
            "holder_kind",
            texts(HolderKind::ALL, HolderKind::as_str),
        ),
        (
            "unit_memberships",
            "relation",
            texts(Relation::ALL, Relation::as_str),
        ),
        (
            "timeline_entries",
            "subject",
            texts(Subject::ALL, Subject::as_str),
        ),
        (
            "notifications",
            "subject",
            texts(Subject::ALL, Subject::as_str),
        ),
        (
            "attachments",
            "subject",
            texts(Subject::ALL, Subject::as_str),
        ),
        (
            "attachments",
            "stage",
            texts(propdesk::files::Stage::ALL, propdesk::files::Stage::as_str),
        ),
        (
            "attachments",
            "content_type",
            texts(
                propdesk::files::MediaType::ALL,
                propdesk::files::MediaType::as_str,
            ),
        ),
        (
            "notifications",
            "kind",
            texts(
                propdesk::notifications::Kind::ALL,
                propdesk::notifications::Kind::as_str,
            ),
        ),
        (
            "notifications",
            "delivered_via",
            texts(
                propdesk::notifications::DeliveredVia::ALL,
                propdesk::notifications::DeliveredVia::as_str,
            ),
        ),
        (
            "follow_up_visits",
            "subject",
            texts(Subject::ALL, Subject::as_str),
        ),
        (
            "follow_up_visits",
            "method",
            texts(VisitMethod::ALL, VisitMethod::as_str),
        ),
        (
            "follow_up_visits",
            "satisfaction",
            texts(Satisfaction::ALL, Satisfaction::as_str),
        ),
        (
            "tickets",
            "priority",
            texts(Priority::ALL, Priority::as_str),
        ),
        (
            "tickets",
            "suggested_priority",
            texts(Priority::ALL, Priority::as_str),
        ),
        ("tickets", "channel", texts(Channel::ALL, Channel::as_str)),
        ("tickets", "route", texts(Route::ALL, Route::as_str)),
        (
            "tickets",
            "proposed_route",
            texts(Route::ALL, Route::as_str),
        ),
        (
            "tickets",
            "status",
            texts(TicketStatus::ALL, TicketStatus::as_str),
        ),
        (
            "tickets",
            "category",
            texts(Category::ALL, Category::as_str),
        ),
        (
            "tickets",
            "charge_status",
            texts(ChargeStatus::ALL, ChargeStatus::as_str),
        ),
        (
            "tickets",
            "acceptance",
            texts(Acceptance::ALL, Acceptance::as_str),
        ),
        (
            "calendar_days",
            "kind",
            texts(DayKind::ALL, DayKind::as_str),
        ),
        (
            "standard_replies",
            "subject",
            texts(ComplaintSubject::ALL, ComplaintSubject::as_str),
        ),
        (
            "complaints",
            "complainant_kind",
            texts(ComplainantKind::ALL, ComplainantKind::as_str),
        ),
        (
            "complaints",
            "channel",
            texts(ComplaintChannel::ALL, ComplaintChannel::as_str),
        ),
        (
            "complaints",
            "class",
            texts(ComplaintClass::ALL, ComplaintClass::as_str),
        ),
        ("complaints", "nature", texts(Nature::ALL, Nature::as_str)),
        (
            "complaints",
            "communication_kind",
            texts(CommunicationKind::ALL, CommunicationKind::as_str),
        ),
        (
            "complaints",
            "subject",
            texts(ComplaintSubject::ALL, ComplaintSubject::as_str),
        ),
        (
            "complaints",
            "department",
            texts(Department::ALL, Department::as_str),
        ),
        (
            "complaints",
            "status",
            texts(ComplaintStatus::ALL, ComplaintStatus::as_str),
        ),
        (
            "complaints",
            "responsibility",
            texts(Responsibility::ALL, Responsibility::as_str),
        ),
        (
            "complaints",
            "escalation",
            texts(Escalation::ALL, Escalation::as_str),
        ),
        (
            "complaints",
            "root_cause",
            texts(RootCause::ALL, RootCause::as_str),
        ),
        (
            "complaints",
            "opinion",
            texts(Satisfaction::ALL, Satisfaction::as_str),
        ),
        (
            "complaints",
            "visit_exemption",
            texts(VisitExemption::ALL, VisitExemption::as_str),
        ),
        (
            "complaints",
            "closure_reason",
            texts(ClosureReason::ALL, ClosureReason::as_str),
        ),
        (
            "complaint_messages",
            "kind",
            texts(MessageKind::ALL, MessageKind::as_str),
        ),
    ]
}

#[test]
fn every_enum_column_allows_exactly_its_enums_values_in_both_folders() {
    for folder in ["sqlite", "postgres"] {
        let sql = migrations(folder);
        for (table, column, values) in enum_columns() {
            let listed = allowed(&sql, table, column)
                .unwrap_or_else(|| panic!("{folder}: {table}.{column} has no CHECK list"));
            assert_eq!(listed, values, "{folder}: {table}.{column}");
        }
    }
}

#[test]
fn the_reader_finds_lists_in_create_table_and_in_later_constraints() {
    let sql = "CREATE TABLE t (\n    id BIGINT,\n    a TEXT CHECK (a IN ('x', 'y')),\n    \
               b TEXT NOT NULL\n);\nALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b IN ('p'));";
    assert_eq!(allowed(sql, "t", "a"), Some(vec!["x".into(), "y".into()]));
    assert_eq!(allowed(sql, "t", "b"), Some(vec!["p".into()]));
    assert_eq!(allowed(sql, "t", "id"), None);
    // Redefined later: by a new constraint, or by a rebuilt table.
    let redefined = format!(
        "{sql}\nALTER TABLE t DROP CONSTRAINT t_b_check;\n\
         ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b IN ('p', 'q'));"
    );
    assert_eq!(
        allowed(&redefined, "t", "b"),
        Some(vec!["p".into(), "q".into()])
    );
    let rebuilt = format!(
        "{sql}\nALTER TABLE t RENAME TO t_old;\nCREATE TABLE t (\n    \
         b TEXT CHECK (b IN ('r'))\n);"
    );
    assert_eq!(allowed(&rebuilt, "t", "b"), Some(vec!["r".into()]));
}

/// The lists are enforced, not only written down: on either database a value outside the
/// enum is refused and the row keeps its value.
#[actix_web::test]
async fn the_database_refuses_a_status_outside_the_enum() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let ticket = app
        .post("/api/v1/tickets")
        .token(&resident)
        .json(serde_json::json!({
            "unit_id": unit, "category": "electrical", "priority": "general",
            "description": "Socket sparks", "contact_phone": "13800138000"
        }))
        .send()
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let pool = app.state.pool.clone();
    let refused = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        let update = conn.batch_execute(&format!(
            "UPDATE tickets SET status = 'lost' WHERE id = {ticket}"
        ));
        let category = conn.batch_execute(&format!(
            "UPDATE tickets SET category = 'plumbing' WHERE id = {ticket}"
        ));
        (update.is_err(), category.is_err())
    })
    .await
    .unwrap();
    assert_eq!(refused, (true, true));
    let after = app
        .get(&format!("/api/v1/tickets/{ticket}"))
        .token(&resident)
        .send()
        .await
        .expect(200);
    assert_eq!(after["status"], "reported");
    assert_eq!(after["category"], "electrical");
}
