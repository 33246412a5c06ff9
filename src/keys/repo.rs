//! The keys' rows and SQL: the inventory with each key's one holder, the custody chain,
//! loans, deposits with their authorised collectors, and incidents.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Holder, HolderColumns};
use super::{
    DepositStatus, Gender, HandoffKind, HolderKind, IncidentKind, KeyKind, KeyLoanStatus,
    KeyStatus, Side,
};
use crate::db::schema::{
    key_deposit_collectors, key_deposits, key_handoffs, key_incidents, key_loans, tickets,
    unit_keys,
};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::ids::{
    ArchiveDocumentId, AttachmentId, KeyDepositId, KeyHandoffId, KeyId, KeyIncidentId, KeyLoanId,
    SiteId, TicketId, UnitId, UserId,
};
use crate::pagination::PageRequest;
use crate::text_enum::NullableText;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = unit_keys)]
pub struct KeyRow {
    pub id: KeyId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    #[diesel(deserialize_as = String)]
    pub kind: KeyKind,
    pub label: String,
    pub copies: i32,
    #[diesel(deserialize_as = String)]
    pub status: KeyStatus,
    #[diesel(deserialize_as = String)]
    pub holder_kind: HolderKind,
    pub holder_user_id: Option<UserId>,
    pub holder_name: Option<String>,
    pub holder_phone: Option<String>,
    pub holder_slot: Option<String>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A holder read back from its columns; the database's CHECK makes a mismatch a bug.
fn holder_of(columns: HolderColumns) -> Result<Holder, AppError> {
    Holder::from_columns(columns).ok_or_else(|| AppError::internal("a holder of no one form"))
}

impl KeyRow {
    pub fn holder(&self) -> Result<Holder, AppError> {
        holder_of((
            self.holder_kind,
            self.holder_user_id,
            self.holder_name.clone(),
            self.holder_phone.clone(),
            self.holder_slot.clone(),
        ))
    }
}

pub struct NewKeyRow {
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub kind: KeyKind,
    pub label: String,
    pub copies: i32,
    pub holder: Holder,
    pub created_by: UserId,
    pub at: NaiveDateTime,
}

pub fn insert_key(conn: &mut AnyConnection, row: NewKeyRow) -> QueryResult<KeyRow> {
    let (kind, user_id, name, phone, slot) = row.holder.columns();
    diesel::insert_into(unit_keys::table)
        .values((
            unit_keys::site_id.eq(row.site_id),
            unit_keys::unit_id.eq(row.unit_id),
            unit_keys::kind.eq(row.kind.as_str()),
            unit_keys::label.eq(row.label),
            unit_keys::copies.eq(row.copies),
            unit_keys::status.eq(KeyStatus::InUse.as_str()),
            unit_keys::holder_kind.eq(kind.as_str()),
            unit_keys::holder_user_id.eq(user_id),
            unit_keys::holder_name.eq(name),
            unit_keys::holder_phone.eq(phone),
            unit_keys::holder_slot.eq(slot),
            unit_keys::created_by.eq(row.created_by),
            unit_keys::created_at.eq(row.at),
            unit_keys::updated_at.eq(row.at),
        ))
        .get_result::<KeyRow>(conn)
}

pub fn find_key(conn: &mut AnyConnection, id: KeyId) -> QueryResult<Option<KeyRow>> {
    unit_keys::table
        .find(id)
        .select(KeyRow::as_select())
        .first(conn)
        .optional()
}

/// A unit's keys, in the order they were registered.
pub fn keys_of_unit(conn: &mut AnyConnection, unit_id: UnitId) -> QueryResult<Vec<KeyRow>> {
    unit_keys::table
        .filter(unit_keys::unit_id.eq(unit_id))
        .order(unit_keys::id.asc())
        .select(KeyRow::as_select())
        .load(conn)
}

/// Gives the key its next holder (`None`: keeps it) and status, only if it is still at the version read;
/// `None` when another step changed it first.
pub fn move_key(
    conn: &mut AnyConnection,
    row: &KeyRow,
    holder: Option<&Holder>,
    status: KeyStatus,
    at: NaiveDateTime,
) -> QueryResult<Option<KeyRow>> {
    let (kind, user_id, name, phone, slot) = match holder {
        Some(holder) => holder.columns(),
        None => (
            row.holder_kind,
            row.holder_user_id,
            row.holder_name.clone(),
            row.holder_phone.clone(),
            row.holder_slot.clone(),
        ),
    };
    diesel::update(
        unit_keys::table
            .filter(unit_keys::id.eq(row.id))
            .filter(unit_keys::version.eq(row.version)),
    )
    .set((
        unit_keys::status.eq(status.as_str()),
        unit_keys::holder_kind.eq(kind.as_str()),
        unit_keys::holder_user_id.eq(user_id),
        unit_keys::holder_name.eq(name),
        unit_keys::holder_phone.eq(phone),
        unit_keys::holder_slot.eq(slot),
        unit_keys::updated_at.eq(at),
        unit_keys::version.eq(row.version + 1),
    ))
    .get_result::<KeyRow>(conn)
    .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = key_handoffs)]
pub struct HandoffRow {
    pub id: KeyHandoffId,
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub sequence: i64,
    #[diesel(deserialize_as = String)]
    pub kind: HandoffKind,
    #[diesel(deserialize_as = NullableText)]
    pub from_kind: Option<HolderKind>,
    pub from_user_id: Option<UserId>,
    pub from_name: Option<String>,
    pub from_phone: Option<String>,
    pub from_slot: Option<String>,
    #[diesel(deserialize_as = String)]
    pub to_kind: HolderKind,
    pub to_user_id: Option<UserId>,
    pub to_name: Option<String>,
    pub to_phone: Option<String>,
    pub to_slot: Option<String>,
    pub purpose: String,
    pub recorded_by: UserId,
    pub handed_at: NaiveDateTime,
    pub giver_confirmed_by: Option<UserId>,
    pub giver_signature_id: Option<AttachmentId>,
    pub giver_confirmed_at: Option<NaiveDateTime>,
    pub receiver_confirmed_by: Option<UserId>,
    pub receiver_signature_id: Option<AttachmentId>,
    pub receiver_confirmed_at: Option<NaiveDateTime>,
}

impl HandoffRow {
    /// The giver; `None` for the registration that starts the chain.
    pub fn from(&self) -> Result<Option<Holder>, AppError> {
        self.from_kind
            .map(|kind| {
                holder_of((
                    kind,
                    self.from_user_id,
                    self.from_name.clone(),
                    self.from_phone.clone(),
                    self.from_slot.clone(),
                ))
            })
            .transpose()
    }

    pub fn to(&self) -> Result<Holder, AppError> {
        holder_of((
            self.to_kind,
            self.to_user_id,
            self.to_name.clone(),
            self.to_phone.clone(),
            self.to_slot.clone(),
        ))
    }

    pub fn confirmed_at(&self, side: Side) -> Option<NaiveDateTime> {
        match side {
            Side::Giver => self.giver_confirmed_at,
            Side::Receiver => self.receiver_confirmed_at,
        }
    }
}

/// A link to add to a key's chain. A side already confirmed (its person recorded it, or
/// the desk for its cabinet) names who confirmed.
pub struct NewHandoff {
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub sequence: i64,
    pub kind: HandoffKind,
    pub from: Option<Holder>,
    pub to: Holder,
    pub purpose: String,
    pub recorded_by: UserId,
    pub giver_confirmed_by: Option<UserId>,
    pub receiver_confirmed_by: Option<UserId>,
    pub at: NaiveDateTime,
}

pub fn insert_handoff(conn: &mut AnyConnection, row: NewHandoff) -> QueryResult<HandoffRow> {
    let (from_kind, from_user_id, from_name, from_phone, from_slot) = match &row.from {
        Some(from) => {
            let (kind, user, name, phone, slot) = from.columns();
            (Some(kind.as_str()), user, name, phone, slot)
        }
        None => (None, None, None, None, None),
    };
    let (to_kind, to_user_id, to_name, to_phone, to_slot) = row.to.columns();
    let confirmed_at = |by: Option<UserId>| by.map(|_| row.at);
    diesel::insert_into(key_handoffs::table)
        .values((
            key_handoffs::key_id.eq(row.key_id),
            key_handoffs::site_id.eq(row.site_id),
            key_handoffs::sequence.eq(row.sequence),
            key_handoffs::kind.eq(row.kind.as_str()),
            key_handoffs::from_kind.eq(from_kind),
            key_handoffs::from_user_id.eq(from_user_id),
            key_handoffs::from_name.eq(from_name),
            key_handoffs::from_phone.eq(from_phone),
            key_handoffs::from_slot.eq(from_slot),
            key_handoffs::to_kind.eq(to_kind.as_str()),
            key_handoffs::to_user_id.eq(to_user_id),
            key_handoffs::to_name.eq(to_name),
            key_handoffs::to_phone.eq(to_phone),
            key_handoffs::to_slot.eq(to_slot),
            key_handoffs::purpose.eq(&row.purpose),
            key_handoffs::recorded_by.eq(row.recorded_by),
            key_handoffs::handed_at.eq(row.at),
            key_handoffs::giver_confirmed_by.eq(row.giver_confirmed_by),
            key_handoffs::giver_confirmed_at.eq(confirmed_at(row.giver_confirmed_by)),
            key_handoffs::receiver_confirmed_by.eq(row.receiver_confirmed_by),
            key_handoffs::receiver_confirmed_at.eq(confirmed_at(row.receiver_confirmed_by)),
        ))
        .get_result::<HandoffRow>(conn)
}

pub fn find_handoff(conn: &mut AnyConnection, id: KeyHandoffId) -> QueryResult<Option<HandoffRow>> {
    key_handoffs::table
        .find(id)
        .select(HandoffRow::as_select())
        .first(conn)
        .optional()
}

/// A key's chain, oldest first.
pub fn chain_of(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<Vec<HandoffRow>> {
    key_handoffs::table
        .filter(key_handoffs::key_id.eq(key_id))
        .order(key_handoffs::sequence.asc())
        .select(HandoffRow::as_select())
        .load(conn)
}

/// The key's last link: what gave the key to its holder now.
pub fn last_handoff(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<HandoffRow> {
    key_handoffs::table
        .filter(key_handoffs::key_id.eq(key_id))
        .order(key_handoffs::sequence.desc())
        .select(HandoffRow::as_select())
        .first(conn)
}

/// Records a side's confirmation, on the person's own account or by a signature filed on
/// the handoff; only while that side is unconfirmed. Answers whether it was recorded.
pub fn confirm(
    conn: &mut AnyConnection,
    id: KeyHandoffId,
    side: Side,
    by: Option<UserId>,
    signature: Option<AttachmentId>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let target = key_handoffs::table.filter(key_handoffs::id.eq(id));
    let changed = match side {
        Side::Giver => diesel::update(target.filter(key_handoffs::giver_confirmed_at.is_null()))
            .set((
                key_handoffs::giver_confirmed_by.eq(by),
                key_handoffs::giver_signature_id.eq(signature),
                key_handoffs::giver_confirmed_at.eq(at),
            ))
            .execute(conn)?,
        Side::Receiver => {
            diesel::update(target.filter(key_handoffs::receiver_confirmed_at.is_null()))
                .set((
                    key_handoffs::receiver_confirmed_by.eq(by),
                    key_handoffs::receiver_signature_id.eq(signature),
                    key_handoffs::receiver_confirmed_at.eq(at),
                ))
                .execute(conn)?
        }
    };
    Ok(changed == 1)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = key_loans)]
pub struct LoanRow {
    pub id: KeyLoanId,
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub lent_handoff_id: KeyHandoffId,
    pub returned_handoff_id: Option<KeyHandoffId>,
    pub ticket_id: Option<TicketId>,
    pub inspection_document_id: Option<ArchiveDocumentId>,
    pub due_back: NaiveDateTime,
    #[diesel(deserialize_as = String)]
    pub status: KeyLoanStatus,
    pub overdue_told_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub returned_at: Option<NaiveDateTime>,
}

pub struct NewLoan {
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub lent_handoff_id: KeyHandoffId,
    pub ticket_id: Option<TicketId>,
    pub inspection_document_id: Option<ArchiveDocumentId>,
    pub due_back: NaiveDateTime,
    pub at: NaiveDateTime,
}

pub fn insert_loan(conn: &mut AnyConnection, row: NewLoan) -> QueryResult<LoanRow> {
    diesel::insert_into(key_loans::table)
        .values((
            key_loans::key_id.eq(row.key_id),
            key_loans::site_id.eq(row.site_id),
            key_loans::unit_id.eq(row.unit_id),
            key_loans::lent_handoff_id.eq(row.lent_handoff_id),
            key_loans::ticket_id.eq(row.ticket_id),
            key_loans::inspection_document_id.eq(row.inspection_document_id),
            key_loans::due_back.eq(row.due_back),
            key_loans::status.eq(KeyLoanStatus::Out.as_str()),
            key_loans::created_at.eq(row.at),
        ))
        .get_result::<LoanRow>(conn)
}

/// The key's loan that is out, if any.
pub fn loan_out(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<Option<LoanRow>> {
    key_loans::table
        .filter(key_loans::key_id.eq(key_id))
        .filter(key_loans::status.eq(KeyLoanStatus::Out.as_str()))
        .select(LoanRow::as_select())
        .first(conn)
        .optional()
}

pub fn return_loan(
    conn: &mut AnyConnection,
    id: KeyLoanId,
    handoff_id: KeyHandoffId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        key_loans::table
            .filter(key_loans::id.eq(id))
            .filter(key_loans::status.eq(KeyLoanStatus::Out.as_str())),
    )
    .set((
        key_loans::status.eq(KeyLoanStatus::Returned.as_str()),
        key_loans::returned_handoff_id.eq(handoff_id),
        key_loans::returned_at.eq(at),
    ))
    .execute(conn)
}

pub fn loans_of_key(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<Vec<LoanRow>> {
    key_loans::table
        .filter(key_loans::key_id.eq(key_id))
        .order(key_loans::id.desc())
        .select(LoanRow::as_select())
        .load(conn)
}

pub fn loans_of_ticket(conn: &mut AnyConnection, ticket_id: TicketId) -> QueryResult<Vec<LoanRow>> {
    key_loans::table
        .filter(key_loans::ticket_id.eq(ticket_id))
        .order(key_loans::id.desc())
        .select(LoanRow::as_select())
        .load(conn)
}

/// A site's loans, newest first: all, one status, or those out past their due date.
pub fn loans_of_site(
    conn: &mut AnyConnection,
    site_id: SiteId,
    status: Option<KeyLoanStatus>,
    overdue_at: Option<NaiveDateTime>,
    page: PageRequest,
) -> QueryResult<Vec<LoanRow>> {
    let mut q = key_loans::table
        .filter(key_loans::site_id.eq(site_id))
        .select(LoanRow::as_select())
        .order(key_loans::id.desc())
        .into_boxed();
    if let Some(status) = status {
        q = q.filter(key_loans::status.eq(status.as_str()));
    }
    if let Some(now) = overdue_at {
        q = q
            .filter(key_loans::status.eq(KeyLoanStatus::Out.as_str()))
            .filter(key_loans::due_back.lt(now));
    }
    if let Some(after) = page.after_id {
        q = q.filter(key_loans::id.lt(KeyLoanId::new(after)));
    }
    q.limit(page.fetch()).load(conn)
}

/// Loans of a site out past their due date whose desk has not been told yet.
pub fn overdue_untold(
    conn: &mut AnyConnection,
    site_id: SiteId,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<LoanRow>> {
    key_loans::table
        .filter(key_loans::site_id.eq(site_id))
        .filter(key_loans::status.eq(KeyLoanStatus::Out.as_str()))
        .filter(key_loans::due_back.lt(now))
        .filter(key_loans::overdue_told_at.is_null())
        .order(key_loans::due_back.asc())
        .limit(limit)
        .select(LoanRow::as_select())
        .load(conn)
}

/// Marks the desk told of an overdue loan; false when another run did it first.
pub fn mark_overdue_told(
    conn: &mut AnyConnection,
    id: KeyLoanId,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    Ok(diesel::update(
        key_loans::table
            .filter(key_loans::id.eq(id))
            .filter(key_loans::overdue_told_at.is_null()),
    )
    .set(key_loans::overdue_told_at.eq(at))
    .execute(conn)?
        == 1)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = key_deposits)]
pub struct DepositRow {
    pub id: KeyDepositId,
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub depositor_id: UserId,
    pub envelope_label: String,
    pub slot: String,
    pub quantity: i32,
    pub disclaimer_accepted_at: NaiveDateTime,
    pub deposit_handoff_id: KeyHandoffId,
    pub pick_up_handoff_id: Option<KeyHandoffId>,
    #[diesel(deserialize_as = String)]
    pub status: DepositStatus,
    pub collector_name: Option<String>,
    #[diesel(deserialize_as = NullableText)]
    pub collector_gender: Option<Gender>,
    pub collector_phone: Option<String>,
    pub collected_quantity: Option<i32>,
    pub collected_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub struct NewDeposit {
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub depositor_id: UserId,
    pub envelope_label: String,
    pub slot: String,
    pub quantity: i32,
    pub deposit_handoff_id: KeyHandoffId,
    /// Who may collect it: name and phone.
    pub collectors: Vec<(String, String)>,
    pub at: NaiveDateTime,
}

pub fn insert_deposit(conn: &mut AnyConnection, row: NewDeposit) -> QueryResult<DepositRow> {
    let deposit = diesel::insert_into(key_deposits::table)
        .values((
            key_deposits::key_id.eq(row.key_id),
            key_deposits::site_id.eq(row.site_id),
            key_deposits::unit_id.eq(row.unit_id),
            key_deposits::depositor_id.eq(row.depositor_id),
            key_deposits::envelope_label.eq(row.envelope_label),
            key_deposits::slot.eq(row.slot),
            key_deposits::quantity.eq(row.quantity),
            key_deposits::disclaimer_accepted_at.eq(row.at),
            key_deposits::deposit_handoff_id.eq(row.deposit_handoff_id),
            key_deposits::status.eq(DepositStatus::Held.as_str()),
            key_deposits::created_at.eq(row.at),
        ))
        .get_result::<DepositRow>(conn)?;
    // One row at a time: MultiConnection has no batch insert, and a deposit names at most five.
    for (name, phone) in row.collectors {
        diesel::insert_into(key_deposit_collectors::table)
            .values((
                key_deposit_collectors::deposit_id.eq(deposit.id),
                key_deposit_collectors::name.eq(name),
                key_deposit_collectors::phone.eq(phone),
            ))
            .execute(conn)?;
    }
    Ok(deposit)
}

/// The key's deposit still in the cabinet, if any.
pub fn deposit_held(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<Option<DepositRow>> {
    key_deposits::table
        .filter(key_deposits::key_id.eq(key_id))
        .filter(key_deposits::status.eq(DepositStatus::Held.as_str()))
        .select(DepositRow::as_select())
        .first(conn)
        .optional()
}

/// The deposit's envelope now lies in another cabinet slot.
pub fn move_envelope(conn: &mut AnyConnection, id: KeyDepositId, slot: &str) -> QueryResult<usize> {
    diesel::update(key_deposits::table.filter(key_deposits::id.eq(id)))
        .set(key_deposits::slot.eq(slot))
        .execute(conn)
}

pub fn deposits_of_key(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<Vec<DepositRow>> {
    key_deposits::table
        .filter(key_deposits::key_id.eq(key_id))
        .order(key_deposits::id.desc())
        .select(DepositRow::as_select())
        .load(conn)
}

/// A site's deposits, newest first, of one status if given.
pub fn deposits_of_site(
    conn: &mut AnyConnection,
    site_id: SiteId,
    status: Option<DepositStatus>,
    page: PageRequest,
) -> QueryResult<Vec<DepositRow>> {
    let mut q = key_deposits::table
        .filter(key_deposits::site_id.eq(site_id))
        .select(DepositRow::as_select())
        .order(key_deposits::id.desc())
        .into_boxed();
    if let Some(status) = status {
        q = q.filter(key_deposits::status.eq(status.as_str()));
    }
    if let Some(after) = page.after_id {
        q = q.filter(key_deposits::id.lt(KeyDepositId::new(after)));
    }
    q.limit(page.fetch()).load(conn)
}

/// The people each deposit names as collectors: (deposit, name, phone).
pub fn collectors_of(
    conn: &mut AnyConnection,
    ids: &[KeyDepositId],
) -> QueryResult<Vec<(KeyDepositId, String, String)>> {
    key_deposit_collectors::table
        .filter(key_deposit_collectors::deposit_id.eq_any(ids))
        .order(key_deposit_collectors::id.asc())
        .select((
            key_deposit_collectors::deposit_id,
            key_deposit_collectors::name,
            key_deposit_collectors::phone,
        ))
        .load(conn)
}

/// Who collected a deposit, as the desk recorded them at pick-up.
pub struct Collection {
    pub name: String,
    pub gender: Gender,
    pub phone: String,
    pub quantity: i32,
    pub handoff_id: KeyHandoffId,
    pub at: NaiveDateTime,
}

pub fn collect(
    conn: &mut AnyConnection,
    id: KeyDepositId,
    collection: Collection,
) -> QueryResult<usize> {
    diesel::update(
        key_deposits::table
            .filter(key_deposits::id.eq(id))
            .filter(key_deposits::status.eq(DepositStatus::Held.as_str())),
    )
    .set((
        key_deposits::status.eq(DepositStatus::Collected.as_str()),
        key_deposits::pick_up_handoff_id.eq(collection.handoff_id),
        key_deposits::collector_name.eq(collection.name),
        key_deposits::collector_gender.eq(collection.gender.as_str()),
        key_deposits::collector_phone.eq(collection.phone),
        key_deposits::collected_quantity.eq(collection.quantity),
        key_deposits::collected_at.eq(collection.at),
    ))
    .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = key_incidents)]
pub struct IncidentRow {
    pub id: KeyIncidentId,
    pub key_id: KeyId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    #[diesel(deserialize_as = String)]
    pub kind: IncidentKind,
    pub handoff_id: KeyHandoffId,
    #[diesel(deserialize_as = String)]
    pub holder_kind: HolderKind,
    pub holder_user_id: Option<UserId>,
    pub holder_name: Option<String>,
    pub holder_slot: Option<String>,
    pub accountable_staff_id: Option<UserId>,
    pub note: String,
    pub occurred_at: NaiveDateTime,
    pub recorded_by: UserId,
    pub recorded_at: NaiveDateTime,
}

pub struct NewIncident {
    pub key: KeyRow,
    pub kind: IncidentKind,
    pub handoff_id: KeyHandoffId,
    pub holder: Holder,
    pub accountable_staff_id: Option<UserId>,
    pub note: String,
    pub occurred_at: NaiveDateTime,
    pub recorded_by: UserId,
    pub at: NaiveDateTime,
}

pub fn insert_incident(conn: &mut AnyConnection, row: NewIncident) -> QueryResult<IncidentRow> {
    // An outside holder's phone is in the chain; the incident names them.
    let (kind, user_id, name, _, slot) = row.holder.columns();
    diesel::insert_into(key_incidents::table)
        .values((
            key_incidents::key_id.eq(row.key.id),
            key_incidents::site_id.eq(row.key.site_id),
            key_incidents::unit_id.eq(row.key.unit_id),
            key_incidents::kind.eq(row.kind.as_str()),
            key_incidents::handoff_id.eq(row.handoff_id),
            key_incidents::holder_kind.eq(kind.as_str()),
            key_incidents::holder_user_id.eq(user_id),
            key_incidents::holder_name.eq(name),
            key_incidents::holder_slot.eq(slot),
            key_incidents::accountable_staff_id.eq(row.accountable_staff_id),
            key_incidents::note.eq(row.note),
            key_incidents::occurred_at.eq(row.occurred_at),
            key_incidents::recorded_by.eq(row.recorded_by),
            key_incidents::recorded_at.eq(row.at),
        ))
        .get_result::<IncidentRow>(conn)
}

pub fn incidents_of_key(conn: &mut AnyConnection, key_id: KeyId) -> QueryResult<Vec<IncidentRow>> {
    key_incidents::table
        .filter(key_incidents::key_id.eq(key_id))
        .order(key_incidents::id.asc())
        .select(IncidentRow::as_select())
        .load(conn)
}

/// A site's incidents that occurred in `[from, to)`, in the order they occurred.
pub fn incidents_of_site(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<IncidentRow>> {
    key_incidents::table
        .filter(key_incidents::site_id.eq(site_id))
        .filter(key_incidents::occurred_at.ge(from))
        .filter(key_incidents::occurred_at.lt(to))
        .order((key_incidents::occurred_at.asc(), key_incidents::id.asc()))
        .select(IncidentRow::as_select())
        .load(conn)
}

/// The unit a repair ticket was reported for (`None` for a public area or no such ticket),
/// read here rather than through `tickets`, which shows key loans and so depends on keys.
pub fn unit_of_ticket(conn: &mut AnyConnection, id: TicketId) -> QueryResult<Option<UnitId>> {
    Ok(tickets::table
        .find(id)
        .select(tickets::unit_id)
        .first::<Option<UnitId>>(conn)
        .optional()?
        .flatten())
}
