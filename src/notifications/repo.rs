//! The `notifications` rows.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{DeliveredVia, Delivery, Kind, Notice, Notification};
use crate::access::Role;
use crate::db::schema::{notifications as n, users};
use crate::db::{AnyConnection, MultiBackend};
use crate::i18n::Language;
use crate::ids::{SiteId, UnitId, UserId};
use crate::pagination::PageRequest;
use crate::text_enum::NullableText;
use crate::timeline::Subject;

#[derive(Queryable, Selectable)]
#[diesel(table_name = n)]
pub struct NotificationRow {
    pub id: i64,
    pub recipient_id: UserId,
    pub site_id: SiteId,
    pub unit_id: Option<UnitId>,
    #[diesel(deserialize_as = String)]
    pub kind: Kind,
    #[diesel(deserialize_as = String)]
    pub subject: Subject,
    pub subject_id: i64,
    pub message: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub delivered_by: Option<UserId>,
    #[diesel(deserialize_as = NullableText)]
    pub delivered_via: Option<DeliveredVia>,
    pub delivered_at: Option<NaiveDateTime>,
}

impl From<NotificationRow> for Notification {
    fn from(row: NotificationRow) -> Self {
        let delivery = match (row.delivered_by, row.delivered_via, row.delivered_at) {
            (Some(by), Some(via), Some(at)) => Some(Delivery {
                by,
                via,
                at: at.and_utc(),
            }),
            _ => None,
        };
        Notification {
            id: row.id,
            kind: row.kind,
            subject: row.subject,
            subject_id: row.subject_id,
            site_id: row.site_id,
            unit_id: row.unit_id,
            message: row.message,
            created_at: row.created_at.and_utc(),
            read_at: row.read_at.map(|at| at.and_utc()),
            delivery,
        }
    }
}

/// Writes the notices; answers their ids, in order.
pub fn insert(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: i64,
    notices: &[Notice],
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    // Each notice is written in its recipient's language, as it stands today.
    let recipients: Vec<UserId> = notices.iter().map(|n| n.recipient_id).collect();
    let languages: HashMap<UserId, Language> = users::table
        .filter(users::id.eq_any(&recipients))
        .select((users::id, users::language))
        .load::<(UserId, String)>(conn)?
        .into_iter()
        .map(|(id, language)| (id, Language::try_from(language).unwrap_or_default()))
        .collect();
    // One statement per notice: diesel's MultiConnection writes no multi-row INSERT, and an
    // event tells a handful of people.
    notices
        .iter()
        .map(|notice| {
            let language = languages.get(&notice.recipient_id).copied();
            let message = notice.message.render(language.unwrap_or_default());
            diesel::insert_into(n::table)
                .values((
                    n::recipient_id.eq(notice.recipient_id),
                    n::site_id.eq(notice.site_id),
                    n::unit_id.eq(notice.unit_id),
                    n::kind.eq(notice.kind.as_str()),
                    n::subject.eq(subject.as_str()),
                    n::subject_id.eq(subject_id),
                    n::message.eq(message),
                    n::created_at.eq(now),
                ))
                .returning(n::id)
                .get_result(conn)
        })
        .collect()
}

/// Which of a recipient's notifications a list shows: for a resident, only those of the
/// units they live in today (and those of no unit).
pub struct Mine {
    pub recipient_id: UserId,
    pub units: Option<Vec<UnitId>>,
    pub unread_only: bool,
}

/// The notifications `mine` names: one filter for the list, the count, marking all read
/// and finding one, so none of them can show what another would not.
fn of(mine: &Mine) -> n::BoxedQuery<'static, MultiBackend> {
    let mut query = n::table
        .filter(n::recipient_id.eq(mine.recipient_id))
        .into_boxed();
    if let Some(units) = &mine.units {
        query = query.filter(n::unit_id.is_null().or(n::unit_id.eq_any(units.clone())));
    }
    if mine.unread_only {
        query = query.filter(n::read_at.is_null());
    }
    query
}

/// A page of the recipient's notifications, newest first.
pub fn page_of(
    conn: &mut AnyConnection,
    mine: &Mine,
    page: PageRequest,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = of(mine)
        .select(NotificationRow::as_select())
        .order(n::id.desc())
        .limit(page.fetch());
    if let Some(after) = page.after_id {
        query = query.filter(n::id.lt(after));
    }
    query.load(conn)
}

pub fn count(conn: &mut AnyConnection, mine: &Mine) -> QueryResult<i64> {
    of(mine).count().get_result(conn)
}

/// Notification `id` if it is among `mine`.
pub fn find_mine(
    conn: &mut AnyConnection,
    mine: &Mine,
    id: i64,
) -> QueryResult<Option<NotificationRow>> {
    of(mine)
        .filter(n::id.eq(id))
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<NotificationRow>> {
    n::table
        .find(id)
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()
}

/// Marks one notification read, if it is not yet; the row as it is now.
pub fn mark_read(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<NotificationRow> {
    diesel::update(n::table.find(id).filter(n::read_at.is_null()))
        .set(n::read_at.eq(now))
        .execute(conn)?;
    n::table
        .find(id)
        .select(NotificationRow::as_select())
        .first(conn)
}

/// Marks every notification of `mine` read that is not yet; how many.
pub fn mark_all_read(
    conn: &mut AnyConnection,
    mine: &Mine,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let unread: Vec<i64> = of(mine)
        .filter(n::read_at.is_null())
        .select(n::id)
        .load(conn)?;
    diesel::update(n::table.filter(n::id.eq_any(unread)))
        .set(n::read_at.eq(now))
        .execute(conn)
}

/// Records that `by` delivered the notification `via` at `now`.
pub fn record_delivery(
    conn: &mut AnyConnection,
    id: i64,
    by: UserId,
    via: DeliveredVia,
    now: NaiveDateTime,
) -> QueryResult<NotificationRow> {
    diesel::update(n::table.find(id))
        .set((
            n::delivered_by.eq(by),
            n::delivered_via.eq(via.as_str()),
            n::delivered_at.eq(now),
        ))
        .get_result::<NotificationRow>(conn)
}

/// A page of the notices to a unit's residents, newest first, for the staff who deliver
/// them (staff's own notices about the unit are theirs to read).
pub fn page_of_unit(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    page: PageRequest,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = n::table
        .inner_join(users::table.on(users::id.eq(n::recipient_id)))
        .filter(n::unit_id.eq(unit_id))
        .filter(users::role.eq(Role::Resident.as_str()))
        .select(NotificationRow::as_select())
        .order(n::id.desc())
        .limit(page.fetch())
        .into_boxed();
    if let Some(after) = page.after_id {
        query = query.filter(n::id.lt(after));
    }
    query.load(conn)
}
