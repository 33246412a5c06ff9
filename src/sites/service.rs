//! Site rules: company-wide managers open and close sites; a site's managers edit it; staff
//! see the sites they work for and no others.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{NewSite, Site, SiteChanges, SiteFilter, TimeZoneName, DEFAULT_TIME_ZONE};
use super::repo::{self, NewSiteRow, SiteRow, SiteUpdate};
use crate::access::Actor;
use crate::access::Role;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::SiteId;
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;

impl From<SiteRow> for Site {
    fn from(row: SiteRow) -> Self {
        Site {
            id: row.id,
            name: row.name,
            time_zone: row.time_zone,
            address: row.address,
            active: row.active,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

fn require_company_wide(actor: &Actor) -> Result<(), AppError> {
    if actor.is_company_wide() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only a company-wide manager opens or closes sites".into(),
        ))
    }
}

/// The site, if the actor's work covers it; otherwise "not found", never "forbidden", so
/// ids of other sites reveal nothing.
pub fn visible_site(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: SiteId,
) -> Result<SiteRow, AppError> {
    repo::find(conn, id)?
        .filter(|site| actor.covers_site(site.id))
        .ok_or(AppError::NotFound("site"))
}

/// The site a site's list is asked for: the one named, or else the caller's only site;
/// 422 when they must name one, 404 for a site they do not see. `what` is what the list
/// holds ("archives", "key loans").
pub fn listed_site(
    conn: &mut AnyConnection,
    actor: &Actor,
    named: Option<SiteId>,
    what: &'static str,
) -> Result<SiteId, AppError> {
    let site_id = actor.named_or_only_site(named).ok_or_else(|| {
        AppError::field(
            "site_id",
            Msg::new("name the site whose %{records} to list").term("records", what),
        )
    })?;
    visible_site(conn, actor, site_id)?;
    Ok(site_id)
}

/// Like [`listed_site`], except that a company-wide manager who names no site lists every
/// site's records (`None`): the integration settings (API keys, webhook endpoints).
pub fn listed_site_or_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    named: Option<SiteId>,
    what: &'static str,
) -> Result<Option<SiteId>, AppError> {
    match (actor.is_company_wide(), named) {
        (true, None) => Ok(None),
        (_, named) => listed_site(conn, actor, named, what).map(Some),
    }
}

/// Runs a sweep's `work` for every site, each in a transaction of its own (so other writers
/// get the SQLite lock in between); answers the sum of what each changed.
pub async fn each_site<F>(state: &AppState, work: F) -> Result<usize, AppError>
where
    F: Fn(&mut AnyConnection, SiteId) -> Result<usize, AppError> + Clone + Send + 'static,
{
    let sites = db::read(&state.pool, |conn| Ok(repo::all_names(conn)?)).await?;
    let mut changed = 0;
    for (site_id, _) in sites {
        let work = work.clone();
        changed += db::transaction(&state.pool, move |conn| work(conn, site_id)).await?;
    }
    Ok(changed)
}

/// The site's time zone: deadlines and "same day" rules use local time.
/// The site's time zone and local date at `now`: what deadlines, record numbers, receipt
/// years and reading windows go by.
pub fn site_today(
    conn: &mut AnyConnection,
    site_id: SiteId,
    now: DateTime<Utc>,
) -> Result<(chrono_tz::Tz, NaiveDate), AppError> {
    let tz = time_zone(conn, site_id)?;
    Ok((tz, now.with_timezone(&tz).date_naive()))
}

pub fn time_zone(conn: &mut AnyConnection, site_id: SiteId) -> Result<chrono_tz::Tz, AppError> {
    let site = repo::find(conn, site_id)?.ok_or(AppError::NotFound("site"))?;
    site.time_zone
        .parse()
        .map_err(|_| AppError::internal(format!("site {site_id} has a bad time zone")))
}

pub async fn create(state: &AppState, actor: &Actor, input: NewSite) -> Result<Site, AppError> {
    require_company_wide(actor)?;
    let now = utc(state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let row = repo::insert(
            conn,
            &NewSiteRow {
                name: &input.name,
                time_zone: input
                    .time_zone
                    .map_or(DEFAULT_TIME_ZONE, TimeZoneName::name),
                address: input.address.as_deref(),
                active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
        Ok(row.into())
    })
    .await
}

pub async fn get(state: &AppState, actor: &Actor, id: SiteId) -> Result<Site, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        Ok(visible_site(conn, &actor, id)?.into())
    })
    .await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: SiteFilter,
    page: PageRequest,
) -> Result<Page<Site>, AppError> {
    let scope = actor.site_scope();
    db::read(&state.pool, move |conn| {
        let rows = repo::list(conn, &scope, filter.active, page)?;
        Ok(Page::from_rows(rows, page, |r| r.id, Site::from))
    })
    .await
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: SiteId,
    changes: SiteChanges,
) -> Result<Site, AppError> {
    let actor = actor.clone();
    let now = utc(state.now());
    db::transaction(&state.pool, move |conn| {
        visible_site(conn, &actor, id)?;
        if actor.role != Role::Manager {
            return Err(AppError::Forbidden("only managers edit sites".into()));
        }
        let row = repo::update(
            conn,
            id,
            &SiteUpdate {
                name: changes.name.map(String::from),
                time_zone: changes.time_zone.map(|zone| zone.name().to_owned()),
                address: changes.address.map(|a| a.map(String::from)),
                active: None,
                updated_at: now,
            },
        )?;
        Ok(row.into())
    })
    .await
}

pub async fn set_active(
    state: &AppState,
    actor: &Actor,
    id: SiteId,
    active: bool,
) -> Result<Site, AppError> {
    require_company_wide(actor)?;
    let actor = actor.clone();
    let now: DateTime<Utc> = state.now();
    idempotency::transaction(state, Answer::Done, move |conn| {
        visible_site(conn, &actor, id)?;
        let row = repo::update(
            conn,
            id,
            &SiteUpdate {
                name: None,
                time_zone: None,
                address: None,
                active: Some(active),
                updated_at: utc(now),
            },
        )?;
        Ok(row.into())
    })
    .await
}
