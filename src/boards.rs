//! What every daily board (日盘点) shares: one site's local day, asked the same way, with
//! each section loaded whole. Tickets (R-TKT-13) and complaints (R-CMP-18) each add the
//! sections that are theirs (unassigned, unowned, overdue, chase due, ...).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::Actor;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::ids::SiteId;
use crate::pagination::PageRequest;
use crate::periods::{self, Period};
use crate::sites;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    #[param(value_type = i64)]
    pub site_id: SiteId,
    /// The site's local calendar day; default today.
    pub date: Option<NaiveDate>,
}

/// A board section is loaded whole: more records than this in one section of one site's
/// day would be a data error, not work.
pub const SECTION: PageRequest = PageRequest {
    limit: 1000,
    after_id: None,
};

/// The day the board covers, in UTC bounds, if the actor works for the site (else 404).
pub fn day(
    conn: &mut AnyConnection,
    actor: &Actor,
    query: &BoardQuery,
    now: DateTime<Utc>,
) -> Result<Period, AppError> {
    sites::service::visible_site(conn, actor, query.site_id)?;
    periods::site_day(conn, query.site_id, query.date, now)
}
