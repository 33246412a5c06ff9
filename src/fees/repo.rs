use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::SiteScope;

use super::FeeItem;
use crate::db::schema::fee_items;
use crate::db::AnyConnection;
use crate::money::Fen;

#[derive(Queryable, Selectable)]
#[diesel(table_name = fee_items)]
struct FeeItemRow {
    id: i64,
    site_id: i64,
    name: String,
    price_fen: i64,
    active: bool,
    created_at: NaiveDateTime,
}

impl From<FeeItemRow> for FeeItem {
    fn from(r: FeeItemRow) -> Self {
        FeeItem {
            id: r.id,
            site_id: r.site_id,
            name: r.name,
            price_fen: Fen::new(r.price_fen),
            active: r.active,
            created_at: r.created_at.and_utc(),
        }
    }
}

pub fn insert(
    conn: &mut AnyConnection,
    site_id: i64,
    name: &str,
    price_fen: Fen,
    now: NaiveDateTime,
) -> QueryResult<FeeItem> {
    diesel::insert_into(fee_items::table)
        .values((
            fee_items::site_id.eq(site_id),
            fee_items::name.eq(name),
            fee_items::price_fen.eq(price_fen.get()),
            fee_items::active.eq(true),
            fee_items::created_at.eq(now),
        ))
        .get_result::<FeeItemRow>(conn)
        .map(FeeItem::from)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<FeeItem>> {
    fee_items::table
        .find(id)
        .first::<FeeItemRow>(conn)
        .optional()
        .map(|r| r.map(FeeItem::from))
}

pub fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> QueryResult<FeeItem> {
    diesel::update(fee_items::table.find(id))
        .set(fee_items::active.eq(active))
        .get_result::<FeeItemRow>(conn)
        .map(FeeItem::from)
}

pub fn list(
    conn: &mut AnyConnection,
    scope: &SiteScope,
    site_id: Option<i64>,
) -> QueryResult<Vec<FeeItem>> {
    let mut query = fee_items::table.into_boxed();
    if let SiteScope::Only(sites) = scope {
        query = query.filter(fee_items::site_id.eq_any(sites));
    }
    if let Some(site_id) = site_id {
        query = query.filter(fee_items::site_id.eq(site_id));
    }
    Ok(query
        .order(fee_items::id)
        .load::<FeeItemRow>(conn)?
        .into_iter()
        .map(FeeItem::from)
        .collect())
}
