//! Keys' use cases: the inventory, a key with its chain, and the action driver's hold on a
//! key (`KeyLifecycle`): every handoff and incident is one versioned step, so of two racing
//! handoffs of one key one succeeds and the other gets 409. The steps themselves are in
//! `handoffs.rs`, the site's registers and the incident report in `lists.rs`.

pub mod handoffs;
pub mod lists;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::dto::*;
use super::model::{self, Holder};
use super::repo::{
    self, Collection, DepositRow, HandoffRow, IncidentRow, KeyRow, LoanRow, NewDeposit, NewHandoff,
    NewIncident, NewKeyRow, NewLoan,
};
use super::{HandoffKind, KeyAction, KeyLoanStatus, KeyStatus, Side};
use crate::access::{self, Actor};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Validator};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{KeyId, KeyLoanId, SiteId, UnitId, UserId};
use crate::lifecycle::Lifecycle;
use crate::notifications::{Kind, Notice};
use crate::state::AppState;
use crate::timeline::{self, Subject};
use crate::units;

/// The key, if the actor may see it: staff of its site, residents of its unit today.
pub fn visible_key(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: KeyId,
    now: DateTime<Utc>,
) -> Result<KeyRow, AppError> {
    let key = repo::find_key(conn, id)?.ok_or(AppError::NotFound("key"))?;
    access::may_see_record(
        conn,
        actor,
        key.site_id,
        Some(key.unit_id),
        now.date_naive(),
    )?
    .then_some(key)
    .ok_or(AppError::NotFound("key"))
}

/// Display names of the accounts among `holders`.
fn names(
    conn: &mut AnyConnection,
    holders: &[&Holder],
) -> Result<HashMap<UserId, String>, AppError> {
    Ok(crate::users::repo::display_names(
        conn,
        holders.iter().filter_map(|h| h.user_id()),
    )?)
}

fn holder_view(holder: &Holder, names: &HashMap<UserId, String>) -> HolderView {
    let (kind, user_id, name, phone, slot) = holder.columns();
    HolderView {
        kind,
        user_id,
        name: user_id.and_then(|id| names.get(&id).cloned()).or(name),
        phone,
        slot,
    }
}

fn key_view(row: KeyRow, names: &HashMap<UserId, String>) -> Result<Key, AppError> {
    let holder = row.holder()?;
    Ok(Key {
        holder: holder_view(&holder, names),
        id: row.id,
        site_id: row.site_id,
        unit_id: row.unit_id,
        kind: row.kind,
        label: row.label,
        copies: row.copies,
        status: row.status,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

/// Keys as the API shows them, with their holders' names read at once.
pub fn keys_view(conn: &mut AnyConnection, rows: Vec<KeyRow>) -> Result<Vec<Key>, AppError> {
    let holders = rows
        .iter()
        .map(KeyRow::holder)
        .collect::<Result<Vec<_>, _>>()?;
    let names = names(conn, &holders.iter().collect::<Vec<_>>())?;
    rows.into_iter().map(|r| key_view(r, &names)).collect()
}

fn confirmation(
    by: Option<UserId>,
    signature_id: Option<crate::ids::AttachmentId>,
    at: Option<NaiveDateTime>,
) -> Option<SideConfirmation> {
    at.map(|at| SideConfirmation {
        by,
        signature_id,
        at: at.and_utc(),
    })
}

fn handoff_view(row: HandoffRow, names: &HashMap<UserId, String>) -> Result<Handoff, AppError> {
    let from = row.from()?;
    let to = row.to()?;
    // A registration has no giver to confirm.
    let confirmed =
        (from.is_none() || row.giver_confirmed_at.is_some()) && row.receiver_confirmed_at.is_some();
    Ok(Handoff {
        id: row.id,
        key_id: row.key_id,
        sequence: row.sequence,
        kind: row.kind,
        from: from.as_ref().map(|h| holder_view(h, names)),
        to: holder_view(&to, names),
        purpose: row.purpose,
        recorded_by: row.recorded_by,
        handed_at: row.handed_at.and_utc(),
        giver_confirmation: confirmation(
            row.giver_confirmed_by,
            row.giver_signature_id,
            row.giver_confirmed_at,
        ),
        receiver_confirmation: confirmation(
            row.receiver_confirmed_by,
            row.receiver_signature_id,
            row.receiver_confirmed_at,
        ),
        confirmed,
    })
}

/// Handoffs as the API shows them.
pub fn chain_view(
    conn: &mut AnyConnection,
    rows: Vec<HandoffRow>,
) -> Result<Vec<Handoff>, AppError> {
    let mut holders = Vec::new();
    for row in &rows {
        holders.extend(row.from()?);
        holders.push(row.to()?);
    }
    let names = names(conn, &holders.iter().collect::<Vec<_>>())?;
    rows.into_iter().map(|r| handoff_view(r, &names)).collect()
}

/// Loans as the API shows them: the borrower and purpose are the lending handoff's.
pub fn loans_view(
    conn: &mut AnyConnection,
    rows: Vec<LoanRow>,
    now: DateTime<Utc>,
) -> Result<Vec<KeyLoan>, AppError> {
    let mut lent = Vec::with_capacity(rows.len());
    for row in &rows {
        lent.push(
            repo::find_handoff(conn, row.lent_handoff_id)?
                .ok_or_else(|| AppError::internal("a loan without its handoff"))?,
        );
    }
    let borrowers = lent
        .iter()
        .map(HandoffRow::to)
        .collect::<Result<Vec<_>, _>>()?;
    let names = names(conn, &borrowers.iter().collect::<Vec<_>>())?;
    Ok(rows
        .into_iter()
        .zip(lent)
        .zip(&borrowers)
        .map(|((row, handoff), borrower)| KeyLoan {
            overdue: row.status == KeyLoanStatus::Out && row.due_back < utc(now),
            id: row.id,
            key_id: row.key_id,
            site_id: row.site_id,
            unit_id: row.unit_id,
            borrower: holder_view(borrower, &names),
            purpose: handoff.purpose,
            ticket_id: row.ticket_id,
            inspection_document_id: row.inspection_document_id,
            due_back: row.due_back.and_utc(),
            status: row.status,
            lent_handoff_id: row.lent_handoff_id,
            returned_handoff_id: row.returned_handoff_id,
            created_at: row.created_at.and_utc(),
            returned_at: row.returned_at.map(|t| t.and_utc()),
        })
        .collect())
}

/// Deposits as the API shows them, with who may collect each.
pub fn deposits_view(
    conn: &mut AnyConnection,
    rows: Vec<DepositRow>,
) -> Result<Vec<Deposit>, AppError> {
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let mut collectors: HashMap<_, Vec<CollectorView>> = HashMap::new();
    for (deposit, name, phone) in repo::collectors_of(conn, &ids)? {
        collectors
            .entry(deposit)
            .or_default()
            .push(CollectorView { name, phone });
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let collected = match (
                row.collector_name,
                row.collector_gender,
                row.collector_phone,
                row.collected_quantity,
                row.collected_at,
            ) {
                (Some(name), Some(gender), Some(phone), Some(quantity), Some(at)) => {
                    Some(Collected {
                        name,
                        gender,
                        phone,
                        quantity,
                        at: at.and_utc(),
                    })
                }
                _ => None,
            };
            Deposit {
                collectors: collectors.remove(&row.id).unwrap_or_default(),
                id: row.id,
                key_id: row.key_id,
                site_id: row.site_id,
                unit_id: row.unit_id,
                depositor_id: row.depositor_id,
                envelope_label: row.envelope_label,
                slot: row.slot,
                quantity: row.quantity,
                disclaimer_accepted_at: row.disclaimer_accepted_at.and_utc(),
                status: row.status,
                collected,
                created_at: row.created_at.and_utc(),
            }
        })
        .collect())
}

/// Incidents as the API shows them.
pub fn incidents_view(
    conn: &mut AnyConnection,
    rows: Vec<IncidentRow>,
) -> Result<Vec<Incident>, AppError> {
    let holders = rows
        .iter()
        .map(|r| {
            // The incident keeps the holder's form without an outside party's phone.
            Holder::from_columns((
                r.holder_kind,
                r.holder_user_id,
                r.holder_name.clone(),
                None,
                r.holder_slot.clone(),
            ))
            .ok_or_else(|| AppError::internal("an incident's holder of no one form"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names = names(conn, &holders.iter().collect::<Vec<_>>())?;
    Ok(rows
        .into_iter()
        .zip(&holders)
        .map(|(row, holder)| Incident {
            id: row.id,
            key_id: row.key_id,
            unit_id: row.unit_id,
            kind: row.kind,
            holder: holder_view(holder, &names),
            accountable_staff_id: row.accountable_staff_id,
            handoff_id: row.handoff_id,
            note: row.note,
            occurred_at: row.occurred_at.and_utc(),
            recorded_by: row.recorded_by,
        })
        .collect())
}

/// A key with everything about it; the timeline only to staff, and to residents only what
/// happened since they moved in.
pub fn detail(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: KeyRow,
    now: DateTime<Utc>,
) -> Result<KeyDetail, AppError> {
    let id = row.id;
    let since =
        crate::users::memberships::resident_since(conn, actor, row.unit_id, now.date_naive())?;
    let after = |at: NaiveDateTime| since.is_none_or(|since| at >= since);
    let key = keys_view(conn, vec![row])?.remove(0);
    let mut chain = repo::chain_of(conn, id)?;
    chain.retain(|h| after(h.handed_at));
    let mut loans = repo::loans_of_key(conn, id)?;
    loans.retain(|l| after(l.created_at));
    let mut deposits = repo::deposits_of_key(conn, id)?;
    deposits.retain(|d| after(d.created_at));
    let mut incidents = repo::incidents_of_key(conn, id)?;
    incidents.retain(|i| after(i.occurred_at));
    Ok(KeyDetail {
        key,
        chain: chain_view(conn, chain)?,
        loans: loans_view(conn, loans, now)?,
        deposits: deposits_view(conn, deposits)?,
        incidents: incidents_view(conn, incidents)?,
        timeline: if actor.role.is_staff() {
            timeline::repo::history(conn, Subject::Key, id)?
        } else {
            Vec::new()
        },
    })
}

pub async fn get(state: &AppState, actor: &Actor, id: KeyId) -> Result<KeyDetail, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let row = visible_key(conn, &actor, id, now)?;
        detail(conn, &actor, row, now)
    })
    .await
}

/// A unit's keys and who holds each: its site's staff, and the residents who live there.
pub async fn of_unit(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
) -> Result<KeyList, AppError> {
    let (actor, today) = (actor.clone(), state.now().date_naive());
    db::read(&state.pool, move |conn| {
        units::service::visible_unit(conn, &actor, unit_id, today)?;
        let rows = repo::keys_of_unit(conn, unit_id)?;
        Ok(KeyList {
            items: keys_view(conn, rows)?,
        })
    })
    .await
}

/// 422 unless `holder` may hold a key of the unit: a resident who lives in it today, active
/// staff of its site; outside parties and cabinet slots are the desk's to name.
pub fn check_party(
    conn: &mut AnyConnection,
    key_site: crate::ids::SiteId,
    key_unit: UnitId,
    holder: &Holder,
    field: &str,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let fits = match holder {
        Holder::Resident(id) => {
            access::repo::current_unit_ids(conn, *id, today)?.contains(&key_unit)
        }
        Holder::Staff(id) => access::staff_working_for(conn, *id, key_site)?.is_some(),
        Holder::External { .. } | Holder::Cabinet { .. } => true,
    };
    if fits {
        Ok(())
    } else {
        Err(AppError::field(
            format!("{field}.user_id"),
            match holder {
                Holder::Resident(_) => "is not a resident of this key's unit",
                _ => "is not active staff of this key's site",
            },
        ))
    }
}

/// Registers a key set in a unit's inventory with its holder: the start of its chain.
pub async fn register(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewKey,
) -> Result<KeyDetail, AppError> {
    let mut v = Validator::new();
    v.check(
        (1..=MAX_COPIES).contains(&input.copies),
        "copies",
        Msg::new("must be between 1 and %{max}").arg("max", MAX_COPIES),
    );
    let holder = input.holder.holder(&mut v, "holder");
    v.finish()?;
    let holder = holder.expect("checked");
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let today = now.date_naive();
        let unit = units::service::visible_unit(conn, &actor, unit_id, today)?;
        check_party(conn, unit.site_id, unit.id, &holder, "holder", today)?;
        let at = utc(now);
        let key = repo::insert_key(
            conn,
            NewKeyRow {
                site_id: unit.site_id,
                unit_id: unit.id,
                kind: input.kind,
                label: input.label.to_string(),
                copies: input.copies,
                holder: holder.clone(),
                created_by: actor.user_id,
                at,
            },
        )?;
        let purpose = input
            .note
            .map(|n| n.to_string())
            .unwrap_or_else(|| "Registered in the inventory".into());
        repo::insert_handoff(
            conn,
            NewHandoff {
                key_id: key.id,
                site_id: key.site_id,
                sequence: 0,
                kind: HandoffKind::Register,
                from: None,
                to: holder.clone(),
                purpose: purpose.clone(),
                recorded_by: actor.user_id,
                giver_confirmed_by: None,
                receiver_confirmed_by: confirmed_by(&actor, &holder),
                at,
            },
        )?;
        timeline::repo::record(
            conn,
            Subject::Key,
            key.id,
            timeline::Step {
                actor_id: Some(actor.user_id),
                action: "register",
                from_status: None,
                to_status: Some(key.status.as_str()),
                note: Some(purpose),
            },
            at,
        )?;
        detail(conn, &actor, key, now)
    })
    .await
}

/// Who confirms a side as the handoff is recorded: the person recording it, when that side
/// is them; the desk, for its own cabinet. Anyone else confirms later, on their own account
/// or by a signature the desk files.
pub fn confirmed_by(actor: &Actor, side: &Holder) -> Option<UserId> {
    match side {
        Holder::Resident(id) | Holder::Staff(id) if *id == actor.user_id => Some(actor.user_id),
        Holder::Cabinet { .. } if actor.role.is_staff() => Some(actor.user_id),
        _ => None,
    }
}

/// What a step records besides moving the key: the loan, deposit or incident it makes.
pub enum Then {
    Nothing,
    Lend {
        ticket_id: Option<crate::ids::TicketId>,
        inspection_document_id: Option<crate::ids::ArchiveDocumentId>,
        due_back: NaiveDateTime,
    },
    Return(Option<KeyLoanId>),
    Deposit {
        depositor_id: UserId,
        envelope_label: String,
        slot: String,
        collectors: Vec<(String, String)>,
    },
    /// A deposited key's envelope moved to another cabinet slot: the deposit follows.
    MoveEnvelope {
        deposit_id: crate::ids::KeyDepositId,
        slot: String,
    },
    PickUp {
        deposit_id: crate::ids::KeyDepositId,
        name: String,
        gender: super::Gender,
        phone: String,
        quantity: i32,
    },
}

/// A new link of the chain, worked out by the action before it is written.
pub struct HandoffDraft {
    pub kind: HandoffKind,
    pub from: Holder,
    pub to: Holder,
    pub purpose: String,
    pub recorded_by: UserId,
    pub giver_confirmed_by: Option<UserId>,
    pub receiver_confirmed_by: Option<UserId>,
    pub then: Then,
}

/// An incident, worked out by the action before it is written.
pub struct IncidentDraft {
    pub kind: super::IncidentKind,
    pub handoff_id: crate::ids::KeyHandoffId,
    pub holder: Holder,
    pub accountable_staff_id: Option<UserId>,
    pub note: String,
    pub occurred_at: NaiveDateTime,
    pub recorded_by: UserId,
}

/// What a key's step writes: a handoff (the key moves) or an incident (it stays).
#[derive(Default)]
pub enum KeyChange {
    #[default]
    Nothing,
    Handoff(Box<HandoffDraft>),
    Incident(IncidentDraft),
}

pub struct KeyLifecycle;

impl Lifecycle for KeyLifecycle {
    type Id = KeyId;
    type Row = KeyRow;
    type Status = KeyStatus;
    type Action = KeyAction;
    type Change = KeyChange;
    const SUBJECT: Subject = Subject::Key;
    const NOUN: &'static str = "key";

    fn visible(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: KeyId,
        now: DateTime<Utc>,
    ) -> Result<KeyRow, AppError> {
        visible_key(conn, actor, id, now)
    }

    fn status(row: &KeyRow) -> KeyStatus {
        row.status
    }

    fn site_id(row: &KeyRow) -> SiteId {
        row.site_id
    }

    fn after(status: KeyStatus, action: KeyAction) -> Option<KeyStatus> {
        model::after(status, action)
    }

    /// Moves the key to its next holder if nobody moved it first, then writes the link of
    /// the chain (numbered by the key's new version, unique per key) and what the step
    /// makes: a loan, its return, a deposit, its collection, an incident.
    fn apply(
        conn: &mut AnyConnection,
        row: &KeyRow,
        next: KeyStatus,
        change: KeyChange,
        now: NaiveDateTime,
    ) -> diesel::QueryResult<Option<KeyRow>> {
        let holder = match &change {
            KeyChange::Handoff(draft) => Some(&draft.to),
            _ => None,
        };
        let Some(moved) = repo::move_key(conn, row, holder, next, now)? else {
            return Ok(None);
        };
        match change {
            KeyChange::Nothing => {}
            KeyChange::Handoff(draft) => {
                let draft = *draft;
                let handoff = repo::insert_handoff(
                    conn,
                    NewHandoff {
                        key_id: row.id,
                        site_id: row.site_id,
                        sequence: moved.version,
                        kind: draft.kind,
                        from: Some(draft.from),
                        to: draft.to,
                        purpose: draft.purpose,
                        recorded_by: draft.recorded_by,
                        giver_confirmed_by: draft.giver_confirmed_by,
                        receiver_confirmed_by: draft.receiver_confirmed_by,
                        at: now,
                    },
                )?;
                record_then(conn, row, handoff.id, draft.then, now)?;
            }
            KeyChange::Incident(draft) => {
                repo::insert_incident(
                    conn,
                    NewIncident {
                        key: row.clone(),
                        kind: draft.kind,
                        handoff_id: draft.handoff_id,
                        holder: draft.holder,
                        accountable_staff_id: draft.accountable_staff_id,
                        note: draft.note,
                        occurred_at: draft.occurred_at,
                        recorded_by: draft.recorded_by,
                        at: now,
                    },
                )?;
            }
        }
        Ok(Some(moved))
    }

    /// A loan tells the unit's residents when to expect their key back (R-KEY-2); a
    /// pick-up tells the depositor their key was collected (R-KEY-4).
    fn notices(
        conn: &mut AnyConnection,
        action: KeyAction,
        row: &KeyRow,
        now: DateTime<Utc>,
    ) -> diesel::QueryResult<Vec<Notice>> {
        match action {
            KeyAction::Lend => {
                let Some(loan) = repo::loan_out(conn, row.id)? else {
                    return Ok(Vec::new());
                };
                let residents =
                    access::repo::residents_of_unit(conn, row.unit_id, now.date_naive())?;
                let message =
                    Msg::new("Your key \"%{key}\" is lent for a repair; expect it back by %{due}")
                        .arg("key", &row.label)
                        .arg("due", loan.due_back.format("%Y-%m-%d %H:%M UTC"));
                Ok(Notice::to_each(
                    residents,
                    Kind::KeyLent,
                    row.site_id,
                    Some(row.unit_id),
                    &message,
                ))
            }
            KeyAction::PickUp => {
                let Some(deposit) = repo::deposits_of_key(conn, row.id)?.into_iter().next() else {
                    return Ok(Vec::new());
                };
                let message = Msg::new(
                    "Your key \"%{key}\" deposited at the desk was collected by %{collector}",
                )
                .arg("key", &row.label)
                .arg("collector", deposit.collector_name.unwrap_or_default());
                Ok(Notice::to_each(
                    [deposit.depositor_id],
                    Kind::KeyCollected,
                    row.site_id,
                    Some(row.unit_id),
                    &message,
                ))
            }
            _ => Ok(Vec::new()),
        }
    }
}

/// Writes what a handoff makes besides the link itself.
fn record_then(
    conn: &mut AnyConnection,
    key: &KeyRow,
    handoff_id: crate::ids::KeyHandoffId,
    then: Then,
    at: NaiveDateTime,
) -> diesel::QueryResult<()> {
    match then {
        Then::Nothing => {}
        Then::Lend {
            ticket_id,
            inspection_document_id,
            due_back,
        } => {
            repo::insert_loan(
                conn,
                NewLoan {
                    key_id: key.id,
                    site_id: key.site_id,
                    unit_id: key.unit_id,
                    lent_handoff_id: handoff_id,
                    ticket_id,
                    inspection_document_id,
                    due_back,
                    at,
                },
            )?;
        }
        Then::Return(loan) => {
            if let Some(loan) = loan {
                repo::return_loan(conn, loan, handoff_id, at)?;
            }
        }
        Then::Deposit {
            depositor_id,
            envelope_label,
            slot,
            collectors,
        } => {
            repo::insert_deposit(
                conn,
                NewDeposit {
                    key_id: key.id,
                    site_id: key.site_id,
                    unit_id: key.unit_id,
                    depositor_id,
                    envelope_label,
                    slot,
                    quantity: key.copies,
                    deposit_handoff_id: handoff_id,
                    collectors,
                    at,
                },
            )?;
        }
        Then::MoveEnvelope { deposit_id, slot } => {
            repo::move_envelope(conn, deposit_id, &slot)?;
        }
        Then::PickUp {
            deposit_id,
            name,
            gender,
            phone,
            quantity,
        } => {
            repo::collect(
                conn,
                deposit_id,
                Collection {
                    name,
                    gender,
                    phone,
                    quantity,
                    handoff_id,
                    at,
                },
            )?;
        }
    }
    Ok(())
}

/// The side of a handoff the actor is, on their own account.
pub fn side_of(actor: &Actor, handoff: &HandoffRow, side: Side) -> Result<bool, AppError> {
    let holder = match side {
        Side::Giver => handoff.from()?,
        Side::Receiver => Some(handoff.to()?),
    };
    Ok(holder.and_then(|h| h.user_id()) == Some(actor.user_id))
}
