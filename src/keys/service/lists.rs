//! A site's key registers: loans (the overdue ones first of all, R-KEY-3), deposits, the
//! month's incidents with the chain that proves each (R-KEY-5), and the job that tells the
//! desk of loans past their due date (R-KEY-2).

use std::collections::HashMap;

use super::{chain_view, deposits_view, incidents_view, loans_view};
use crate::access::Actor;
use crate::db::{self, utc};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ids::UserId;
use crate::keys::dto::*;
use crate::keys::repo;
use crate::keys::IncidentKind;
use crate::notifications::{self, Kind, Notice};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::timeline::Subject;
use crate::{periods, sites};

/// Loans the overdue job tells of per site and run.
const OVERDUE_BATCH: i64 = 500;

/// A site's key loans, newest first; `overdue=true` those out past their due date.
pub async fn loans(
    state: &AppState,
    actor: &Actor,
    query: KeyLoanQuery,
) -> Result<KeyLoanPage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .request()?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let site_id = sites::service::listed_site(conn, &actor, query.site_id, "key loans")?;
        let overdue_at = query.overdue.then(|| utc(now));
        let rows = repo::loans_of_site(conn, site_id, query.status, overdue_at, page)?;
        let page = Page::from_rows(rows, page, |r| r.id, |r| r);
        Ok(KeyLoanPage {
            items: loans_view(conn, page.items, now)?,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// A site's deposits, newest first.
pub async fn deposits(
    state: &AppState,
    actor: &Actor,
    query: DepositQuery,
) -> Result<DepositPage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .request()?;
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let site_id = sites::service::listed_site(conn, &actor, query.site_id, "deposits")?;
        let rows = repo::deposits_of_site(conn, site_id, query.status, page)?;
        let page = Page::from_rows(rows, page, |r| r.id, |r| r);
        Ok(DepositPage {
            items: deposits_view(conn, page.items)?,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// R-KEY-5: a site's incidents in a local month, each against its holder with the chain
/// up to the link that gave them the key, and how many each staff member answers for.
pub async fn incidents(
    state: &AppState,
    actor: &Actor,
    query: IncidentQuery,
) -> Result<IncidentReport, AppError> {
    let named_month = query
        .month
        .as_deref()
        .map(periods::parse_month)
        .transpose()?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let site_id = sites::service::listed_site(conn, &actor, query.site_id, "incidents")?;
        let first = match named_month {
            Some(first) => first,
            None => periods::this_month(conn, site_id, now)?,
        };
        let month = periods::site_month(conn, site_id, first, now)?;
        let rows = repo::incidents_of_site(conn, site_id, month.start, month.end)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let link = row.handoff_id;
            let chain: Vec<_> = repo::chain_of(conn, row.key_id)?
                .into_iter()
                .take_while(|h| h.id != link)
                .chain(repo::find_handoff(conn, link)?)
                .collect();
            let incident = incidents_view(conn, vec![row])?.remove(0);
            items.push(IncidentEvidence {
                incident,
                chain: chain_view(conn, chain)?,
            });
        }
        let count =
            |kind: IncidentKind| items.iter().filter(|i| i.incident.kind == kind).count() as i64;
        let (lost, wrong_handout, damaged) = (
            count(IncidentKind::Lost),
            count(IncidentKind::WrongHandout),
            count(IncidentKind::Damaged),
        );
        let mut tally: HashMap<UserId, i64> = HashMap::new();
        for staff in items.iter().filter_map(|i| i.incident.accountable_staff_id) {
            *tally.entry(staff).or_default() += 1;
        }
        let names = crate::users::repo::display_names(conn, tally.keys().copied())?;
        let mut by_staff: Vec<StaffTally> = tally
            .into_iter()
            .map(|(staff_id, incidents)| StaffTally {
                name: names.get(&staff_id).cloned().unwrap_or_default(),
                staff_id,
                incidents,
            })
            .collect();
        by_staff.sort_by(|a, b| {
            b.incidents
                .cmp(&a.incidents)
                .then(a.staff_id.cmp(&b.staff_id))
        });
        Ok(IncidentReport {
            site_id,
            month: first.format("%Y-%m").to_string(),
            lost,
            wrong_handout,
            damaged,
            by_staff,
            items,
        })
    })
    .await
}

/// Tells each site's butlers, once, of every key loan out past its due date (R-KEY-2):
/// marking the loan told and writing the notices are one transaction per site.
pub async fn warn_loans_overdue(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    sites::service::each_site(state, move |conn, site_id| {
        let due = repo::overdue_untold(conn, site_id, utc(now), OVERDUE_BATCH)?;
        if due.is_empty() {
            return Ok(0);
        }
        let butlers = crate::access::repo::butlers_of_site(conn, site_id)?;
        let mut told = 0;
        for loan in due {
            if !repo::mark_overdue_told(conn, loan.id, utc(now))? {
                continue;
            }
            let message = Msg::new(
                "Key loan %{loan} of unit %{unit} was due back %{due}: chase the borrower",
            )
            .arg("loan", loan.id)
            .arg("unit", crate::archives::repo::room_of(conn, loan.unit_id)?)
            .arg("due", loan.due_back.format("%Y-%m-%d %H:%M UTC"));
            notifications::notify(
                conn,
                Subject::Key,
                loan.key_id.get(),
                Notice::to_each(
                    butlers.iter().copied(),
                    Kind::KeyLoanOverdue,
                    site_id,
                    None,
                    &message,
                ),
                None,
                now,
            )?;
            told += 1;
        }
        Ok(told)
    })
    .await
}
