//! Lists of archives (the chase, overdue openings, visit planning) and the read log.

use chrono::{DateTime, Utc};

use super::{access_to, kept, opening, stage_of, Access};
use crate::access::{self, Actor, Role};
use crate::archives::dto::*;
use crate::archives::model;
use crate::archives::repo::{self, ArchiveFilter, ArchiveRow};
use crate::archives::ArchiveStatus;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::ids::{ArchiveId, SiteId};
use crate::pagination::{Page, PageParams};
use crate::pii;
use crate::state::AppState;
use crate::{periods, sites};

/// A page of archives: the site's for staff (engineers included: items carry no personal
/// data), the resident's own for residents.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    query: ArchiveQuery,
) -> Result<ArchivePage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .request()?;
    let id_number_hash = match &query.id_number {
        Some(text) => Some(
            pii::id_number(text)
                .map(|id| state.pii.lookup_hash(&id))
                .map_err(|why| AppError::field("id_number", why))?,
        ),
        None => None,
    };
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        if actor.role == Role::Resident {
            return own_archives(conn, &actor, now);
        }
        let site_id = sites::service::listed_site(conn, &actor, query.site_id, "archives")?;
        let tz = sites::service::time_zone(conn, site_id)?;
        let today = now.with_timezone(&tz).date_naive();
        let local_start = |date: chrono::NaiveDate| periods::local_midnight(tz, date);
        let (after, until) = match query.stage {
            Some(stage) => model::moved_in_between(stage, today),
            None => (None, None),
        };
        // A stage is a range of local move-in dates: after the day `after`, up to `until`.
        let day_after = |date: Option<chrono::NaiveDate>| {
            date.and_then(|d| d.succ_opt()).map(local_start).transpose()
        };
        let (moved_in_from, moved_in_before) = (day_after(after)?, day_after(until)?);
        let unvisited_since = query.unvisited_since.map(local_start).transpose()?;
        let statuses = match (query.status, query.incomplete) {
            (Some(status), _) => vec![status],
            (None, true) => vec![ArchiveStatus::Opening, ArchiveStatus::Incomplete],
            (None, false) => Vec::new(),
        };
        let filter = ArchiveFilter {
            unit_id: query.unit_id,
            building: query.building.clone(),
            statuses,
            moved_in_from,
            moved_in_before,
            flag: query.flag,
            unvisited_since,
            id_number_hash,
            opening_overdue_at: query.opening_overdue.then(|| utc(now)),
        };
        let oldest_first = query.incomplete || query.opening_overdue;
        let rows = repo::page_of_site(conn, site_id, &filter, oldest_first, page)?;
        let page = Page::from_rows(rows, page, |(row, _)| row.id, |pair| pair);
        items(conn, page.items, page.next_cursor, tz, now)
    })
    .await
}

fn own_archives(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<ArchivePage, AppError> {
    let mut rows = Vec::new();
    for unit in access::repo::current_unit_ids(conn, actor.user_id, now.date_naive())? {
        if let Some(row) = repo::live_of_unit(conn, unit)? {
            if matches!(access_to(conn, actor, &row, now), Ok(Access::Resident)) {
                let room = repo::room_of(conn, row.unit_id)?;
                rows.push((row, room));
            }
        }
    }
    let tz = match rows.first() {
        Some((row, _)) => sites::service::time_zone(conn, row.site_id)?,
        None => chrono_tz::UTC,
    };
    items(conn, rows, None, tz, now)
}

fn items(
    conn: &mut AnyConnection,
    rows: Vec<(ArchiveRow, String)>,
    next_cursor: Option<String>,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<ArchivePage, AppError> {
    let ids: Vec<ArchiveId> = rows.iter().map(|(row, _)| row.id).collect();
    let flags = repo::flags_of(conn, &ids)?;
    let items = rows
        .into_iter()
        .map(|(row, room)| ArchiveItem {
            id: row.id,
            site_id: row.site_id,
            unit_id: row.unit_id,
            room,
            status: row.status,
            owner_id: row.owner_id,
            keeper_id: row.created_by,
            moved_in_at: row.moved_in_at.and_utc(),
            opening: opening(&row, utc(now)),
            established_at: row.established_at.map(|t| t.and_utc()),
            closed_at: row.closed_at.map(|t| t.and_utc()),
            residence_stage: stage_of(&row, tz, now),
            flags: flags
                .iter()
                .filter(|f| f.archive_id == row.id)
                .map(|f| f.flag)
                .collect(),
        })
        .collect();
    Ok(ArchivePage { items, next_cursor })
}

/// The read log of one archive (managers of its site).
pub async fn reads_of_archive(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    page: PageParams,
) -> Result<ReadPage, AppError> {
    let page = page.request()?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        kept(conn, &actor, id, now, false)?;
        let rows = repo::reads(conn, Some(id), None, None, page)?;
        Ok(read_page(rows, page))
    })
    .await
}

/// One person's reads across the manager's sites.
pub async fn reads_of_reader(
    state: &AppState,
    actor: &Actor,
    query: ReadQuery,
) -> Result<ReadPage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .request()?;
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let sites: Option<Vec<SiteId>> = (!actor.is_company_wide()).then(|| actor.sites.clone());
        let rows = repo::reads(conn, None, Some(query.reader_id), sites.as_deref(), page)?;
        Ok(read_page(rows, page))
    })
    .await
}

fn read_page(rows: Vec<repo::ReadRow>, page: crate::pagination::PageRequest) -> ReadPage {
    let page = Page::from_rows(
        rows,
        page,
        |r| r.id,
        |r| ReadEntry {
            id: r.id,
            archive_id: r.archive_id,
            reader_id: r.reader_id,
            what: r.what,
            document_id: r.document_id,
            person_id: r.person_id,
            attachment_id: r.attachment_id,
            loan_id: r.loan_id,
            reason: r.reason,
            read_at: r.read_at.and_utc(),
        },
    );
    ReadPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }
}
