//! A key's steps, each through the shared action driver: issue, lend, return, transfer,
//! deposit, pick-up (R-KEY-1..4), and the incidents of R-KEY-5. Every handoff names its
//! giver, who must hold the key now (409 `not_holder` otherwise, which is also what the
//! loser of a race gets, or `stale-version`); then the confirmations of both sides, on
//! their own accounts or by a signature the desk files as an attachment of the handoff.

use chrono::{DateTime, Utc};

use super::{
    chain_view, check_party, confirmed_by, detail, side_of, visible_key, HandoffDraft,
    IncidentDraft, KeyChange, KeyLifecycle, Then,
};
use crate::access::{Actor, Role};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup, Precondition, Validator};
use crate::files::{self, Intent};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{KeyHandoffId, KeyId, SiteId, UnitId};
use crate::keys::dto::*;
use crate::keys::model::{self, Holder, LastHandoff, Person};
use crate::keys::repo::{self, HandoffRow, KeyRow};
use crate::keys::{HandoffKind, HolderKind, IncidentKind, KeyAction, Side};
use crate::lifecycle::{self, Ctx, Effect};
use crate::state::AppState;
use crate::timeline::Subject;

/// A holder in a message.
fn describe(holder: &Holder) -> Msg {
    match holder {
        Holder::Resident(id) => Msg::new("resident %{id}").arg("id", id),
        Holder::Staff(id) => Msg::new("staff member %{id}").arg("id", id),
        Holder::External { name, .. } => Msg::new("external holder %{name}").arg("name", name),
        Holder::Cabinet { slot } => Msg::new("cabinet slot %{slot}").arg("slot", slot),
    }
}

/// The link from the key's holder to `to`: the giver named must hold it now, and the
/// receiver must not.
fn handoff(
    ctx: &Ctx<KeyRow>,
    kind: HandoffKind,
    from: Option<&Holder>,
    to: Holder,
    purpose: String,
    then: Then,
) -> Result<Effect<KeyChange>, AppError> {
    let holder = ctx.row.holder()?;
    if let Some(from) = from {
        if !holder.is(from) {
            return Err(AppError::precondition(
                Precondition::NotHolder,
                Msg::new("the key is held by %{holder}, not by %{giver}: reload it")
                    .term("holder", describe(&holder))
                    .term("giver", describe(from)),
            ));
        }
    }
    if holder.is(&to) {
        return Err(AppError::field("to", "already holds the key"));
    }
    let note = format!("{} → {}: {purpose}", describe(&holder), describe(&to));
    Ok(Effect {
        change: KeyChange::Handoff(Box::new(HandoffDraft {
            kind,
            giver_confirmed_by: confirmed_by(ctx.actor, &holder),
            receiver_confirmed_by: confirmed_by(ctx.actor, &to),
            recorded_by: ctx.actor.user_id,
            from: holder,
            to,
            purpose,
            then,
        })),
        note: Some(note),
    })
}

/// A key deposited for collection leaves the cabinet only by pick-up (R-KEY-4), so that no
/// one but a named collector takes it; the desk may move its envelope to another slot, and
/// the deposit follows. What a handoff to `to` records for the deposit, else 409.
fn envelope_stays(conn: &mut AnyConnection, key: &KeyRow, to: &Holder) -> Result<Then, AppError> {
    match (repo::deposit_held(conn, key.id)?, to) {
        (None, _) => Ok(Then::Nothing),
        (Some(deposit), Holder::Cabinet { slot }) => Ok(Then::MoveEnvelope {
            deposit_id: deposit.id,
            slot: slot.clone(),
        }),
        (Some(deposit), _) => Err(AppError::precondition(
            Precondition::KeyDeposited,
            Msg::new(
                "the key is deposited (envelope \"%{envelope}\") for its named collectors: it \
                 leaves the cabinet only by pick-up",
            )
            .arg("envelope", &deposit.envelope_label),
        )),
    }
}

/// Both holders named in a handoff's body, or every field that does not fit.
fn named(from: &HolderInput, to: &HolderInput) -> Result<(Holder, Holder), AppError> {
    let mut v = Validator::new();
    let from = from.holder(&mut v, "from");
    let to = to.holder(&mut v, "to");
    v.finish()?;
    Ok((from.expect("checked"), to.expect("checked")))
}

/// Runs a key action as its own use case and answers with the key's detail.
async fn act<F>(
    state: &AppState,
    actor: &Actor,
    id: KeyId,
    action: KeyAction,
    effect: F,
) -> Result<KeyDetail, AppError>
where
    F: FnOnce(&mut AnyConnection, &Ctx<KeyRow>) -> Result<Effect<KeyChange>, AppError>
        + Send
        + 'static,
{
    lifecycle::act::<KeyLifecycle, _, _, _>(state, actor, id, action, effect, detail).await
}

/// The effect of issuing the key to a resident of its unit (R-KEY-1), from the desk: a
/// staff member or the cabinet. `from`: the giver named, or whoever of the desk holds it.
fn issue(
    conn: &mut AnyConnection,
    ctx: &Ctx<KeyRow>,
    from: Option<&Holder>,
    to: Holder,
    purpose: String,
) -> Result<Effect<KeyChange>, AppError> {
    if !matches!(to, Holder::Resident(_)) {
        return Err(AppError::field("to.kind", "keys are issued to a resident"));
    }
    if !ctx.row.holder()?.is_company() {
        return Err(AppError::precondition(
            Precondition::NotWithDesk,
            "the desk does not hold this key: only a key the desk holds is issued",
        ));
    }
    check_party(
        conn,
        ctx.row.site_id,
        ctx.row.unit_id,
        &to,
        "to",
        ctx.now.date_naive(),
    )?;
    let then = envelope_stays(conn, ctx.row, &to)?;
    handoff(ctx, HandoffKind::Issue, from, to, purpose, then)
}

/// Issues the key to the unit's owner inside a move-in's transaction (R-KEY-1).
pub fn issue_at_move_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: KeyId,
    owner: Holder,
    now: DateTime<Utc>,
) -> Result<KeyRow, AppError> {
    lifecycle::run::<KeyLifecycle>(conn, actor, id, KeyAction::Issue, now, |conn, ctx| {
        issue(
            conn,
            ctx,
            None,
            owner,
            "Move-in: keys issued to the owner".into(),
        )
    })
}

/// Issue, return or transfer: the key from its holder to the next.
pub async fn hand_over(
    state: &AppState,
    actor: &Actor,
    id: KeyId,
    action: KeyAction,
    input: NewHandoff,
) -> Result<KeyDetail, AppError> {
    let (from, to) = named(&input.from, &input.to)?;
    let purpose = input.purpose.to_string();
    act(state, actor, id, action, move |conn, ctx| {
        let today = ctx.now.date_naive();
        match action {
            KeyAction::Issue => issue(conn, ctx, Some(&from), to, purpose),
            KeyAction::Return => {
                check_party(conn, ctx.row.site_id, ctx.row.unit_id, &to, "to", today)?;
                // A deposited key is out on no loan: returning it moves its envelope.
                let then = match envelope_stays(conn, ctx.row, &to)? {
                    Then::Nothing => Then::Return(repo::loan_out(conn, ctx.row.id)?.map(|l| l.id)),
                    moved => moved,
                };
                handoff(ctx, HandoffKind::Return, Some(&from), to, purpose, then)
            }
            _ => {
                check_party(conn, ctx.row.site_id, ctx.row.unit_id, &to, "to", today)?;
                let then = envelope_stays(conn, ctx.row, &to)?;
                handoff(ctx, HandoffKind::Transfer, Some(&from), to, purpose, then)
            }
        }
    })
    .await
}

/// 422 unless the ticket is one of the key's unit.
fn check_ticket(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    ticket: crate::ids::TicketId,
) -> Result<(), AppError> {
    if repo::unit_of_ticket(conn, ticket)? == Some(unit_id) {
        Ok(())
    } else {
        Err(AppError::field(
            "ticket_id",
            "no repair ticket of this key's unit",
        ))
    }
}

/// 422 unless the document is in an archive of the key's unit.
fn check_inspection_sheet(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    document: crate::ids::ArchiveDocumentId,
) -> Result<(), AppError> {
    let archive = match crate::archives::repo::find_document(conn, document)? {
        Some(doc) => crate::archives::repo::find(conn, doc.archive_id)?,
        None => None,
    };
    if archive.is_some_and(|a| a.unit_id == unit_id) {
        Ok(())
    } else {
        Err(AppError::field(
            "inspection_document_id",
            "no document in an archive of this key's unit",
        ))
    }
}

/// R-KEY-2: lends the key, to the developer's customer service for a repair, until
/// `due_back`; a repair ticket shows the loan; the unit's residents are told when to
/// expect the key back.
pub async fn lend(
    state: &AppState,
    actor: &Actor,
    id: KeyId,
    input: NewKeyLoan,
) -> Result<KeyDetail, AppError> {
    let now = state.now();
    let mut v = Validator::new();
    let from = input.from.holder(&mut v, "from");
    let to = input.to.holder(&mut v, "to");
    v.check(
        model::due_back_ok(input.due_back, now),
        "due_back",
        Msg::new("must be in the future and at most %{days} days ahead")
            .arg("days", model::MAX_LOAN_DAYS),
    );
    v.check(
        !matches!(to, Some(Holder::Resident(_) | Holder::Cabinet { .. })),
        "to.kind",
        "a key is lent to an outside party or a staff member",
    );
    v.finish()?;
    let (from, to) = (from.expect("checked"), to.expect("checked"));
    act(state, actor, id, KeyAction::Lend, move |conn, ctx| {
        let key = ctx.row;
        if let Some(ticket) = input.ticket_id {
            check_ticket(conn, key.unit_id, ticket)?;
        }
        if let Some(document) = input.inspection_document_id {
            check_inspection_sheet(conn, key.unit_id, document)?;
        }
        check_party(
            conn,
            key.site_id,
            key.unit_id,
            &to,
            "to",
            ctx.now.date_naive(),
        )?;
        envelope_stays(conn, key, &to)?;
        if let Some(loan) = repo::loan_out(conn, key.id)? {
            return Err(AppError::precondition(
                Precondition::KeyOnLoan,
                Msg::new("the key is out on loan %{loan} until it is returned")
                    .arg("loan", loan.id),
            ));
        }
        handoff(
            ctx,
            HandoffKind::Lend,
            Some(&from),
            to,
            input.purpose.to_string(),
            Then::Lend {
                ticket_id: input.ticket_id,
                inspection_document_id: input.inspection_document_id,
                due_back: utc(input.due_back),
            },
        )
    })
    .await
}

/// R-KEY-4: a resident's key into the cabinet, in an envelope labelled with the unit and
/// their name, for the collectors they name; they accept the disclaimer.
pub async fn deposit(
    state: &AppState,
    actor: &Actor,
    id: KeyId,
    input: NewDeposit,
) -> Result<KeyDetail, AppError> {
    let mut v = Validator::new();
    let from = input.from.holder(&mut v, "from");
    v.check(
        input.from.kind == HolderKind::Resident,
        "from.kind",
        "a resident deposits their key",
    );
    v.check(
        input.disclaimer_accepted,
        "disclaimer_accepted",
        "the depositor must accept the disclaimer",
    );
    v.check(
        (1..=MAX_COLLECTORS).contains(&input.collectors.len()),
        "collectors",
        Msg::new("name 1 to %{max} people who may collect it").arg("max", MAX_COLLECTORS),
    );
    v.finish()?;
    let from = from.expect("checked");
    let depositor = from.user_id().expect("a resident");
    let slot = input.slot.to_string();
    let collectors: Vec<(String, String)> = input
        .collectors
        .into_iter()
        .map(|c| (c.name.to_string(), String::from(c.phone)))
        .collect();
    act(state, actor, id, KeyAction::Deposit, move |conn, ctx| {
        let room = crate::archives::repo::room_of(conn, ctx.row.unit_id)?;
        let (name, _) = crate::archives::repo::contact_of(conn, depositor)?
            .ok_or_else(|| AppError::field("from.user_id", "no such person"))?;
        let to = Holder::Cabinet { slot: slot.clone() };
        handoff(
            ctx,
            HandoffKind::Deposit,
            Some(&from),
            to,
            format!("Deposited by {name} for collection"),
            Then::Deposit {
                depositor_id: depositor,
                envelope_label: format!("{room} {name}"),
                slot,
                collectors,
            },
        )
    })
    .await
}

/// R-KEY-4: a named collector takes the deposited key: staff record their name, gender,
/// phone and the quantity; one the authorisation does not name (nor the depositor) is
/// refused; the depositor is told. The collector signs: the desk files the signature.
pub async fn pick_up(
    state: &AppState,
    actor: &Actor,
    id: KeyId,
    input: NewPickUp,
) -> Result<KeyDetail, AppError> {
    let name = input.collector_name.to_string();
    let phone = String::from(input.collector_phone);
    act(state, actor, id, KeyAction::PickUp, move |conn, ctx| {
        let deposit = repo::deposit_held(conn, ctx.row.id)?
            .filter(|_| ctx.row.holder_kind == HolderKind::Cabinet)
            .ok_or_else(|| {
                AppError::precondition(
                    Precondition::NotDeposited,
                    "the key is not deposited in the cabinet",
                )
            })?;
        let named = repo::collectors_of(conn, &[deposit.id])?;
        let mut people: Vec<Person> = named
            .iter()
            .map(|(_, name, phone)| Person { name, phone })
            .collect();
        let depositor = crate::archives::repo::contact_of(conn, deposit.depositor_id)?;
        if let Some((depositor_name, Some(depositor_phone))) = &depositor {
            people.push(Person {
                name: depositor_name,
                phone: depositor_phone,
            });
        }
        let collector = Person {
            name: &name,
            phone: &phone,
        };
        if !model::authorised(collector, &people) {
            return Err(AppError::precondition(
                Precondition::CollectorNotAuthorised,
                "the deposit's authorisation does not name this collector with this phone",
            ));
        }
        if input.quantity != deposit.quantity {
            return Err(AppError::field(
                "quantity",
                Msg::new("the envelope holds %{count} keys").arg("count", deposit.quantity),
            ));
        }
        // The depositor collecting their own key holds it again on their account.
        let to = match &depositor {
            Some((depositor_name, Some(depositor_phone)))
                if model::authorised(
                    collector,
                    &[Person {
                        name: depositor_name,
                        phone: depositor_phone,
                    }],
                ) =>
            {
                Holder::Resident(deposit.depositor_id)
            }
            _ => Holder::External {
                name: name.clone(),
                phone: Some(phone.clone()),
            },
        };
        handoff(
            ctx,
            HandoffKind::PickUp,
            None,
            to,
            format!("Collected from envelope \"{}\"", deposit.envelope_label),
            Then::PickUp {
                deposit_id: deposit.id,
                name,
                gender: input.collector_gender,
                phone,
                quantity: input.quantity,
            },
        )
    })
    .await
}

/// R-KEY-5: a loss, wrong hand-out or damage, against whoever held the key at that moment
/// (for a wrong hand-out, who handed it out), with the staff member who answers for it.
pub async fn report(
    state: &AppState,
    actor: &Actor,
    id: KeyId,
    kind: IncidentKind,
    input: NewIncident,
) -> Result<KeyDetail, AppError> {
    let now = state.now();
    let occurred_at = input.occurred_at.unwrap_or(now);
    if occurred_at > now {
        return Err(AppError::field("occurred_at", "must not be in the future"));
    }
    let action = match kind {
        IncidentKind::Lost => KeyAction::ReportLost,
        IncidentKind::WrongHandout => KeyAction::ReportWrongHandout,
        IncidentKind::Damaged => KeyAction::ReportDamaged,
    };
    let note = input.note.to_string();
    act(state, actor, id, action, move |conn, ctx| {
        // The link in force at that moment: the last handed over by then.
        let at = utc(occurred_at);
        let link = repo::chain_of(conn, ctx.row.id)?
            .into_iter()
            .rfind(|h| h.handed_at <= at)
            .ok_or_else(|| AppError::field("occurred_at", "is before the key was registered"))?;
        let last = LastHandoff {
            from: link.from()?,
            recorded_by: link.recorded_by,
        };
        let (holder, staff) = model::accountable(kind, &link.to()?, &last).ok_or_else(|| {
            AppError::precondition(
                Precondition::NothingHandedOut,
                "the key was not handed out then, so not handed out wrongly",
            )
        })?;
        let message = format!("{} against {}: {note}", kind.as_str(), describe(&holder));
        Ok(Effect {
            change: KeyChange::Incident(IncidentDraft {
                kind,
                handoff_id: link.id,
                holder,
                accountable_staff_id: staff,
                note,
                occurred_at: at,
                recorded_by: ctx.actor.user_id,
            }),
            note: Some(message),
        })
    })
    .await
}

/// The handoff, if the actor may see its key.
fn visible_handoff(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: KeyHandoffId,
    now: DateTime<Utc>,
) -> Result<(HandoffRow, KeyRow), AppError> {
    let handoff = repo::find_handoff(conn, id)?.ok_or(AppError::NotFound("handoff"))?;
    let key = visible_key(conn, actor, handoff.key_id, now)
        .missing_as(|| AppError::NotFound("handoff"))?;
    // A resident reads only the links since they moved in.
    let since =
        crate::users::memberships::resident_since(conn, actor, key.unit_id, now.date_naive())?;
    if since.is_some_and(|since| handoff.handed_at < since) {
        return Err(AppError::NotFound("handoff"));
    }
    Ok((handoff, key))
}

fn one_view(conn: &mut AnyConnection, row: HandoffRow) -> Result<Handoff, AppError> {
    Ok(chain_view(conn, vec![row])?.remove(0))
}

pub async fn get_handoff(
    state: &AppState,
    actor: &Actor,
    id: KeyHandoffId,
) -> Result<Handoff, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let (handoff, _) = visible_handoff(conn, &actor, id, now)?;
        one_view(conn, handoff)
    })
    .await
}

/// 422 for a registration's giver: the chain starts with no one.
fn has_side(handoff: &HandoffRow, side: Side) -> Result<(), AppError> {
    if side == Side::Giver && handoff.from_kind.is_none() {
        return Err(AppError::field("side", "a registration has no giver"));
    }
    Ok(())
}

/// Records a side's confirmation and answers with the handoff; 409 when it has one.
fn record_confirmation(
    conn: &mut AnyConnection,
    handoff: HandoffRow,
    side: Side,
    by: Option<crate::ids::UserId>,
    signature: Option<crate::ids::AttachmentId>,
    now: DateTime<Utc>,
) -> Result<Handoff, AppError> {
    if !repo::confirm(conn, handoff.id, side, by, signature, utc(now))? {
        return Err(AppError::Duplicate(
            Msg::new("the %{side} has already confirmed this handoff").arg("side", side),
        ));
    }
    let row = repo::find_handoff(conn, handoff.id)?.ok_or(AppError::NotFound("handoff"))?;
    one_view(conn, row)
}

/// A side confirms on their own account: the resident who received or gave the key, or
/// the staff member.
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    id: KeyHandoffId,
    input: ConfirmHandoff,
) -> Result<Handoff, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let (handoff, _) = visible_handoff(conn, &actor, id, now)?;
        has_side(&handoff, input.side)?;
        if !side_of(&actor, &handoff, input.side)? {
            return Err(AppError::Forbidden(
                Msg::new(
                    "only the %{side} confirms on their own account; the desk files their \
                     signature",
                )
                .arg("side", input.side),
            ));
        }
        record_confirmation(conn, handoff, input.side, Some(actor.user_id), None, now)
    })
    .await
}

/// The desk files a side's signature on paper: a file already attached to the handoff.
pub async fn sign(
    state: &AppState,
    actor: &Actor,
    id: KeyHandoffId,
    input: HandoffSignature,
) -> Result<Handoff, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let (handoff, _) = visible_handoff(conn, &actor, id, now)?;
        has_side(&handoff, input.side)?;
        crate::files::repo::find_on_record(
            conn,
            Subject::KeyHandoff,
            handoff.id.get(),
            input.attachment_id,
        )?
        .ok_or_else(|| AppError::field("attachment_id", "no file attached to this handoff"))?;
        record_confirmation(
            conn,
            handoff,
            input.side,
            None,
            Some(input.attachment_id),
            now,
        )
    })
    .await
}

/// A handoff's files: the signed forms. Whoever may see the key reads them; staff file them.
pub struct HandoffFiles;

impl files::Holder for HandoffFiles {
    const SUBJECT: Subject = Subject::KeyHandoff;
    type Id = KeyHandoffId;

    fn check(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: KeyHandoffId,
        intent: Intent,
        now: DateTime<Utc>,
    ) -> Result<SiteId, AppError> {
        let (handoff, _) = visible_handoff(conn, actor, id, now)?;
        if let Intent::Attach(stage) = intent {
            if actor.role == Role::Resident {
                return Err(AppError::Forbidden(
                    "the desk files a handoff's signed forms".into(),
                ));
            }
            files::no_work_photos(stage, "key handoff")?;
        }
        Ok(handoff.site_id)
    }
}
