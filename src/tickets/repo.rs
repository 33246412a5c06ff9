use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};

use super::model::{
    Acceptance, Category, Channel, ChargeStatus, DoneAt, DueAt, Priority, Route, TicketStatus,
    OPEN, OVERDUE_RULES,
};
use crate::access::{Reach, SiteScope};
use crate::db::schema::{
    notifications, ticket_engineers, ticket_materials, ticket_releases, tickets, users,
};
use crate::db::{AnyConnection, MultiBackend};
use crate::ids::{SiteId, TicketId, UnitId, UserId};
use crate::pagination::{self, PageRequest};
use crate::text_enum::{texts, NullableText};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: TicketId,
    pub site_id: SiteId,
    pub number: String,
    pub unit_id: Option<UnitId>,
    pub location: Option<String>,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    #[diesel(deserialize_as = String)]
    pub priority: Priority,
    #[diesel(deserialize_as = NullableText)]
    pub suggested_priority: Option<Priority>,
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    pub contact_phone: String,
    pub description: String,
    pub reporter_id: UserId,
    pub received_by: Option<UserId>,
    #[diesel(deserialize_as = String)]
    pub status: TicketStatus,
    #[diesel(deserialize_as = String)]
    pub route: Route,
    #[diesel(deserialize_as = String)]
    pub proposed_route: Route,
    pub route_reason: String,
    pub arrive_by: Option<NaiveDateTime>,
    pub fix_by: NaiveDateTime,
    pub visit_by: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub developer_slip: Option<String>,
    pub developer_due_at: Option<NaiveDateTime>,
    pub developer_acknowledged_at: Option<NaiveDateTime>,
    pub taken_over_at: Option<NaiveDateTime>,
    pub settlement_signed_at: Option<NaiveDateTime>,
    pub head_count: Option<i32>,
    pub labour_minutes: Option<i64>,
    pub result_note: Option<String>,
    pub charge_fen: Option<i64>,
    pub charge_item: Option<String>,
    #[diesel(deserialize_as = String)]
    pub charge_status: ChargeStatus,
    #[diesel(deserialize_as = NullableText)]
    pub acceptance: Option<Acceptance>,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub rework_count: i32,
    pub warranty_of: Option<TicketId>,
    pub free_of_charge: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = tickets)]
pub struct NewTicketRow {
    pub site_id: SiteId,
    pub number: String,
    pub unit_id: Option<UnitId>,
    pub location: Option<String>,
    #[diesel(serialize_as = String)]
    pub category: Category,
    #[diesel(serialize_as = String)]
    pub priority: Priority,
    #[diesel(serialize_as = NullableText)]
    pub suggested_priority: Option<Priority>,
    #[diesel(serialize_as = String)]
    pub channel: Channel,
    pub contact_phone: String,
    pub description: String,
    pub reporter_id: UserId,
    pub received_by: Option<UserId>,
    #[diesel(serialize_as = String)]
    pub status: TicketStatus,
    #[diesel(serialize_as = String)]
    pub route: Route,
    #[diesel(serialize_as = String)]
    pub proposed_route: Route,
    pub route_reason: String,
    pub arrive_by: Option<NaiveDateTime>,
    pub fix_by: NaiveDateTime,
    #[diesel(serialize_as = String)]
    pub charge_status: ChargeStatus,
    pub rework_count: i32,
    pub warranty_of: Option<TicketId>,
    pub free_of_charge: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns an action changes; `None` leaves a column alone, `Some(None)` clears it.
#[derive(AsChangeset, Default)]
#[diesel(table_name = tickets)]
pub struct TicketChange {
    #[diesel(serialize_as = String)]
    pub status: Option<TicketStatus>,
    #[diesel(serialize_as = String)]
    pub category: Option<Category>,
    #[diesel(serialize_as = String)]
    pub priority: Option<Priority>,
    #[diesel(serialize_as = String)]
    pub route: Option<Route>,
    pub arrive_by: Option<Option<NaiveDateTime>>,
    pub fix_by: Option<NaiveDateTime>,
    pub visit_by: Option<Option<NaiveDateTime>>,
    pub arrived_at: Option<Option<NaiveDateTime>>,
    pub completed_at: Option<Option<NaiveDateTime>>,
    pub accepted_at: Option<Option<NaiveDateTime>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub cancelled_at: Option<Option<NaiveDateTime>>,
    pub developer_slip: Option<Option<String>>,
    pub developer_due_at: Option<Option<NaiveDateTime>>,
    pub developer_acknowledged_at: Option<Option<NaiveDateTime>>,
    pub taken_over_at: Option<Option<NaiveDateTime>>,
    pub settlement_signed_at: Option<Option<NaiveDateTime>>,
    pub head_count: Option<Option<i32>>,
    pub labour_minutes: Option<Option<i64>>,
    pub result_note: Option<Option<String>>,
    pub charge_fen: Option<Option<i64>>,
    pub charge_item: Option<Option<String>>,
    #[diesel(serialize_as = String)]
    pub charge_status: Option<ChargeStatus>,
    #[diesel(serialize_as = NullableText)]
    pub acceptance: Option<Option<Acceptance>>,
    pub rating: Option<Option<i32>>,
    pub rating_comment: Option<Option<String>>,
    pub rework_count: Option<i32>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = ticket_materials)]
pub struct MaterialRow {
    pub ticket_id: TicketId,
    pub name: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
}

pub fn insert(conn: &mut AnyConnection, row: NewTicketRow) -> QueryResult<TicketRow> {
    diesel::insert_into(tickets::table)
        .values(row)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: TicketId) -> QueryResult<Option<TicketRow>> {
    tickets::table.find(id).first(conn).optional()
}

/// Applies the change only if the ticket is still at the version the action read: of two
/// racing actions one gets the row, the other `None` (a 409 for its caller).
pub fn apply(
    conn: &mut AnyConnection,
    id: TicketId,
    read_version: i64,
    change: TicketChange,
) -> QueryResult<Option<TicketRow>> {
    diesel::update(
        tickets::table
            .find(id)
            .filter(tickets::version.eq(read_version)),
    )
    .set(change)
    .get_result(conn)
    .optional()
}

/// Sets the ticket's engineers; those taken off it are released at `now` (the handheld's
/// sync finds the ticket by that), and one put back is no longer released.
pub fn set_engineers(
    conn: &mut AnyConnection,
    ticket_id: TicketId,
    engineers: &[(UserId, bool)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let before: Vec<UserId> = ticket_engineers::table
        .filter(ticket_engineers::ticket_id.eq(ticket_id))
        .select(ticket_engineers::engineer_id)
        .load(conn)?;
    diesel::delete(ticket_engineers::table.filter(ticket_engineers::ticket_id.eq(ticket_id)))
        .execute(conn)?;
    let kept: Vec<UserId> = engineers.iter().map(|(id, _)| *id).collect();
    diesel::delete(
        ticket_releases::table
            .filter(ticket_releases::ticket_id.eq(ticket_id))
            .filter(
                ticket_releases::engineer_id
                    .eq_any(before.iter().chain(&kept).copied().collect::<Vec<_>>()),
            ),
    )
    .execute(conn)?;
    for released in before.iter().filter(|id| !kept.contains(id)) {
        diesel::insert_into(ticket_releases::table)
            .values((
                ticket_releases::ticket_id.eq(ticket_id),
                ticket_releases::engineer_id.eq(released),
                ticket_releases::released_at.eq(now),
            ))
            .execute(conn)?;
    }
    for (engineer_id, lead) in engineers {
        diesel::insert_into(ticket_engineers::table)
            .values((
                ticket_engineers::ticket_id.eq(ticket_id),
                ticket_engineers::engineer_id.eq(engineer_id),
                ticket_engineers::lead.eq(lead),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// (ticket id, engineer id, name, lead) for the given tickets.
pub fn engineers_of(
    conn: &mut AnyConnection,
    ticket_ids: &[TicketId],
) -> QueryResult<Vec<(TicketId, UserId, String, bool)>> {
    ticket_engineers::table
        .inner_join(users::table)
        .filter(ticket_engineers::ticket_id.eq_any(ticket_ids.to_vec()))
        .order((
            ticket_engineers::ticket_id,
            ticket_engineers::lead.desc(),
            users::id,
        ))
        .select((
            ticket_engineers::ticket_id,
            users::id,
            users::display_name,
            ticket_engineers::lead,
        ))
        .load(conn)
}

pub fn add_materials(
    conn: &mut AnyConnection,
    ticket_id: TicketId,
    lines: &[(String, i64, i64)],
) -> QueryResult<()> {
    for (name, quantity, unit_price_fen) in lines {
        diesel::insert_into(ticket_materials::table)
            .values((
                ticket_materials::ticket_id.eq(ticket_id),
                ticket_materials::name.eq(name),
                ticket_materials::quantity.eq(quantity),
                ticket_materials::unit_price_fen.eq(unit_price_fen),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn materials_of(
    conn: &mut AnyConnection,
    ticket_ids: &[TicketId],
) -> QueryResult<Vec<MaterialRow>> {
    ticket_materials::table
        .filter(ticket_materials::ticket_id.eq_any(ticket_ids.to_vec()))
        .order(ticket_materials::id)
        .select(MaterialRow::as_select())
        .load(conn)
}

/// R-TKT-12: the latest company repair of this kind on the unit.
pub fn latest_company_repair(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    category: Category,
) -> QueryResult<Option<TicketRow>> {
    use TicketStatus as S;
    tickets::table
        .filter(tickets::unit_id.eq(unit_id))
        .filter(tickets::category.eq(category.as_str()))
        .filter(tickets::route.eq(Route::Engineering.as_str()))
        .filter(tickets::status.eq_any(texts(&[S::Completed, S::Accepted, S::Closed])))
        .filter(tickets::completed_at.is_not_null())
        .order(tickets::completed_at.desc())
        .first(conn)
        .optional()
}

/// The list filter in database terms.
#[derive(Debug, Clone, Default)]
pub struct TicketQuery {
    pub site_id: Option<SiteId>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub category: Option<Category>,
    pub route: Option<Route>,
    pub unit_id: Option<UnitId>,
    pub engineer_id: Option<UserId>,
    pub public_area: Option<bool>,
    /// Overdue at this instant.
    pub overdue_at: Option<NaiveDateTime>,
    pub created_from: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
    pub completed_from: Option<NaiveDateTime>,
    pub completed_before: Option<NaiveDateTime>,
    pub updated_since: Option<NaiveDateTime>,
    pub open_only: bool,
}

type Condition = Box<
    dyn BoxableExpression<
        tickets::table,
        <AnyConnection as Connection>::Backend,
        SqlType = Nullable<Bool>,
    >,
>;

/// R-TKT-4/11: overdue at `now`, in SQL: [`OVERDUE_RULES`], the table `model::is_overdue`
/// reads too, each rule a condition and the conditions or-ed.
fn overdue_at(now: NaiveDateTime) -> Condition {
    OVERDUE_RULES
        .iter()
        .map(|rule| {
            let past_due: Condition = match rule.due {
                DueAt::Arrive => Box::new(tickets::arrive_by.lt(now)),
                DueAt::Fix => Box::new(tickets::fix_by.lt(now).nullable()),
                DueAt::Developer => Box::new(tickets::developer_due_at.lt(now)),
                DueAt::Visit => Box::new(tickets::visit_by.lt(now)),
            };
            let late: Condition =
                Box::new(past_due.and(tickets::status.eq_any(texts(rule.statuses))));
            match rule.undone {
                None => late,
                Some(DoneAt::Arrived) => Box::new(late.and(tickets::arrived_at.is_null())),
                Some(DoneAt::Completed) => Box::new(late.and(tickets::completed_at.is_null())),
            }
        })
        .reduce(|either, or| Box::new(either.or(or)))
        .expect("at least one overdue rule")
}

/// The tickets within `reach` that match `q`.
fn matching(reach: Reach, q: TicketQuery) -> tickets::BoxedQuery<'static, MultiBackend> {
    let mut query = tickets::table.into_boxed();
    match reach {
        Reach::Sites(SiteScope::Only(sites)) => {
            query = query.filter(tickets::site_id.eq_any(sites))
        }
        Reach::Sites(SiteScope::All) => {}
        Reach::Units(units) => query = query.filter(tickets::unit_id.eq_any(units)),
    }
    if let Some(v) = q.site_id {
        query = query.filter(tickets::site_id.eq(v));
    }
    if let Some(v) = q.status {
        query = query.filter(tickets::status.eq(v.as_str()));
    }
    if let Some(v) = q.priority {
        query = query.filter(tickets::priority.eq(v.as_str()));
    }
    if let Some(v) = q.route {
        query = query.filter(tickets::route.eq(v.as_str()));
    }
    if let Some(v) = q.category {
        query = query.filter(tickets::category.eq(v.as_str()));
    }
    if let Some(v) = q.unit_id {
        query = query.filter(tickets::unit_id.eq(v));
    }
    if let Some(v) = q.engineer_id {
        let assigned = tickets::id.eq_any(
            ticket_engineers::table
                .filter(ticket_engineers::engineer_id.eq(v))
                .select(ticket_engineers::ticket_id),
        );
        query = match q.updated_since {
            // A sync also learns of the tickets the engineer was taken off since: their
            // engineers no longer name them, so the handheld drops them.
            Some(since) => query.filter(
                assigned.or(tickets::id.eq_any(
                    ticket_releases::table
                        .filter(ticket_releases::engineer_id.eq(v))
                        .filter(ticket_releases::released_at.ge(since))
                        .select(ticket_releases::ticket_id),
                )),
            ),
            None => query.filter(assigned),
        };
    }
    match q.public_area {
        Some(true) => query = query.filter(tickets::location.is_not_null()),
        Some(false) => query = query.filter(tickets::unit_id.is_not_null()),
        None => {}
    }
    if q.open_only {
        query = query.filter(tickets::status.eq_any(texts(OPEN)));
    }
    if let Some(now) = q.overdue_at {
        query = query.filter(overdue_at(now));
    }
    if let Some(v) = q.created_from {
        query = query.filter(tickets::created_at.ge(v));
    }
    if let Some(v) = q.created_before {
        query = query.filter(tickets::created_at.lt(v));
    }
    if let Some(v) = q.completed_from {
        query = query.filter(tickets::completed_at.ge(v));
    }
    if let Some(v) = q.completed_before {
        query = query.filter(tickets::completed_at.lt(v));
    }
    if let Some(v) = q.updated_since {
        query = query.filter(tickets::updated_at.ge(v));
    }
    query
}

/// Newest first, `limit` rows after the cursor. A reach of several sites or units is read
/// one site or unit at a time, each through its index, and merged: one query over all of
/// them would sort every row they hold.
pub fn list(
    conn: &mut AnyConnection,
    reach: Reach,
    q: TicketQuery,
    page: PageRequest,
) -> QueryResult<Vec<TicketRow>> {
    let parts: Vec<TicketQuery> = match &reach {
        Reach::Sites(SiteScope::Only(sites)) if sites.len() > 1 && q.site_id.is_none() => sites
            .iter()
            .map(|site| TicketQuery {
                site_id: Some(*site),
                ..q.clone()
            })
            .collect(),
        Reach::Units(units) if units.len() > 1 && q.unit_id.is_none() => units
            .iter()
            .map(|unit| TicketQuery {
                unit_id: Some(*unit),
                ..q.clone()
            })
            .collect(),
        _ => return one_page(conn, reach, q, page),
    };
    let pages = parts
        .into_iter()
        .map(|part| one_page(conn, reach.clone(), part, page))
        .collect::<QueryResult<_>>()?;
    Ok(pagination::newest_of(pages, page, |r: &TicketRow| r.id))
}

fn one_page(
    conn: &mut AnyConnection,
    reach: Reach,
    q: TicketQuery,
    page: PageRequest,
) -> QueryResult<Vec<TicketRow>> {
    let sync = q.updated_since.is_some();
    let mut query = matching(reach, q);
    if let Some(after) = page.after_id {
        query = query.filter(tickets::id.lt(after));
    }
    query = if sync {
        // `+id` is no column, so no index can give this order: SQLite then reads the range
        // of `tickets_site_updated` that changed and sorts those few rows, where it would
        // otherwise walk (site_id, id) newest first through the site's unchanged tickets.
        query.order(diesel::dsl::sql::<BigInt>("+tickets.id").desc())
    } else {
        query.order(tickets::id.desc())
    };
    query.limit(page.fetch()).load(conn)
}

/// How many tickets a list with this filter holds, all pages together.
pub fn count(conn: &mut AnyConnection, reach: Reach, q: TicketQuery) -> QueryResult<i64> {
    matching(reach, q).count().get_result(conn)
}

/// The statuses of an engineer's open work. Work orders name them literally in SQL, not as
/// bound parameters, so that the planner can prove the query stays within the partial index
/// `tickets_work_orders`, whose `WHERE` lists the same statuses in the same order.
pub const WORK_ORDER: &[TicketStatus] = &[
    TicketStatus::Dispatched,
    TicketStatus::OnSite,
    TicketStatus::Rework,
];

/// `tickets.status IN ('a', 'b')` with the statuses as literals; they are program
/// constants, never input.
fn status_among(statuses: &[TicketStatus]) -> diesel::expression::SqlLiteral<Bool> {
    let quoted: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    diesel::dsl::sql(&format!("tickets.status IN ({})", quoted.join(", ")))
}

/// A site's open work orders whose fix-by falls in `(after, until]` and whose engineers
/// were not warned of it yet, soonest first: a range of `tickets_work_orders`.
pub fn due_unwarned(
    conn: &mut AnyConnection,
    site_id: SiteId,
    after: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<TicketRow>> {
    let warned = notifications::table
        .filter(notifications::subject.eq(crate::timeline::Subject::Ticket.as_str()))
        .filter(notifications::subject_id.eq(tickets::id))
        .filter(notifications::kind.eq(crate::notifications::Kind::DeadlineNear.as_str()));
    tickets::table
        .filter(tickets::site_id.eq(site_id))
        .filter(status_among(WORK_ORDER))
        .filter(tickets::fix_by.gt(after))
        .filter(tickets::fix_by.le(until))
        .filter(diesel::dsl::not(diesel::dsl::exists(warned)))
        .order((tickets::fix_by.asc(), tickets::id.asc()))
        .limit(limit)
        .load::<TicketRow>(conn)
}

/// An engineer's open work orders on `sites`, the most pressing first: each site's open work
/// in deadline order (`tickets_work_orders`), checked for the engineer's assignment, so
/// neither the engineer's closed history nor other sites' open work is read. Several sites
/// are read one at a time and merged, as the lists are.
pub fn work_orders_of(
    conn: &mut AnyConnection,
    engineer_id: UserId,
    sites: &SiteScope,
    limit: i64,
) -> QueryResult<Vec<TicketRow>> {
    let of_sites = |conn: &mut AnyConnection, site: Option<SiteId>| {
        let mut query = tickets::table
            .filter(status_among(WORK_ORDER))
            .filter(diesel::dsl::exists(
                ticket_engineers::table
                    .filter(ticket_engineers::ticket_id.eq(tickets::id))
                    .filter(ticket_engineers::engineer_id.eq(engineer_id)),
            ))
            .into_boxed();
        if let Some(site) = site {
            query = query.filter(tickets::site_id.eq(site));
        }
        query
            .order((tickets::fix_by.asc(), tickets::id.asc()))
            .limit(limit)
            .load::<TicketRow>(conn)
    };
    let SiteScope::Only(sites) = sites else {
        return of_sites(conn, None);
    };
    let mut rows = Vec::new();
    for site in sites {
        rows.extend(of_sites(conn, Some(*site))?);
    }
    rows.sort_by_key(|r| (r.fix_by, r.id));
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sqlite_plans;

    fn plan_of(read: impl FnOnce(&mut AnyConnection)) -> String {
        let plans = sqlite_plans(read);
        assert_eq!(plans.len(), 1, "{plans:?}");
        plans[0].clone()
    }

    #[test]
    fn lists_read_a_site_or_a_unit_newest_first_through_an_index() {
        let page = PageRequest {
            limit: 20,
            after_id: Some(500),
        };
        let site = Reach::Sites(SiteScope::Only(vec![SiteId::new(1)]));
        let plan = plan_of(|conn| {
            list(conn, site, TicketQuery::default(), page).unwrap();
        });
        assert!(
            plan.contains("INDEX tickets_site_id (site_id=? AND id<?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");

        let unit = Reach::Units(vec![UnitId::new(1)]);
        let plan = plan_of(|conn| {
            list(conn, unit, TicketQuery::default(), page).unwrap();
        });
        assert!(
            plan.contains("INDEX tickets_unit_id (unit_id=? AND id<?)"),
            "{plan}"
        );
    }

    #[test]
    fn the_sync_reads_only_what_changed_on_the_site() {
        let page = PageRequest {
            limit: 100,
            after_id: None,
        };
        let site = Reach::Sites(SiteScope::Only(vec![SiteId::new(1)]));
        let since = TicketQuery {
            updated_since: Some(chrono::DateTime::UNIX_EPOCH.naive_utc()),
            ..TicketQuery::default()
        };
        let plan = plan_of(|conn| {
            // The statistics of 100 000 seeded tickets over 20 sites, under which SQLite
            // walks tickets_site_id newest first unless the order forbids it.
            diesel::sql_query("ANALYZE").execute(conn).unwrap();
            diesel::sql_query(
                "INSERT INTO sqlite_stat1 VALUES \
                 ('tickets', 'tickets_site_id', '100000 5000 1'), \
                 ('tickets', 'tickets_site_updated', '100000 5000 1'), \
                 ('tickets', 'tickets_updated', '100000 1')",
            )
            .execute(conn)
            .unwrap();
            diesel::sql_query("ANALYZE sqlite_schema")
                .execute(conn)
                .unwrap();
            list(conn, site, since, page).unwrap();
        });
        assert!(
            plan.contains("INDEX tickets_site_updated (site_id=? AND updated_at>?)"),
            "{plan}"
        );
    }

    #[test]
    fn several_sites_are_read_one_index_range_each() {
        let sites = Reach::Sites(SiteScope::Only(vec![SiteId::new(1), SiteId::new(2)]));
        let plans = sqlite_plans(|conn| {
            list(
                conn,
                sites,
                TicketQuery::default(),
                crate::boards::FIRST_PAGE,
            )
            .unwrap();
        });
        assert_eq!(plans.len(), 2);
        for plan in plans {
            assert!(plan.contains("INDEX tickets_site_id"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }

    #[test]
    fn work_orders_near_their_deadline_are_a_range_of_the_work_order_index() {
        let at = chrono::NaiveDateTime::default();
        let plan = plan_of(|conn| {
            due_unwarned(conn, SiteId::new(1), at, at, 500).unwrap();
        });
        assert!(
            plan.contains("INDEX tickets_work_orders (site_id=? AND fix_by>? AND fix_by<?)"),
            "{plan}"
        );
        assert!(plan.contains("INDEX notifications_subject"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn work_orders_scan_only_open_work_in_deadline_order() {
        let site = SiteScope::Only(vec![SiteId::new(1)]);
        let plan = plan_of(|conn| {
            work_orders_of(conn, UserId::new(3), &site, 100).unwrap();
        });
        assert!(
            plan.contains("INDEX tickets_work_orders (site_id=?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn open_tickets_of_a_site_are_counted_from_the_index_alone() {
        let q = TicketQuery {
            site_id: Some(SiteId::new(1)),
            open_only: true,
            created_before: Some(chrono::NaiveDateTime::default()),
            ..TicketQuery::default()
        };
        let plan = plan_of(|conn| {
            count(conn, Reach::Sites(SiteScope::All), q).unwrap();
        });
        assert!(
            plan.contains("COVERING INDEX tickets_site_status"),
            "{plan}"
        );
    }
}
