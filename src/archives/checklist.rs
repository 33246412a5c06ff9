//! The archive checklist (R-ARC-2): per site, as data. Each document type says whether it is
//! required and who signs it. A manager's edit writes a new version; an archive keeps the
//! version it opened under, so an edit never changes what older archives are judged against.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::Requirement;
use super::SYSTEM_FILED;
use crate::access::Actor;
use crate::db::schema::{archive_checklist_items, archive_checklists};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Validator};
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, UserId};
use crate::sites;
use crate::state::AppState;
use crate::text::NameText;

/// The rules' checklist (R-ARC-2), every site's until a manager edits it:
/// `(type, title, required, owner signs, staff sign, finance signs)`.
const DEFAULTS: &[(&str, &str, bool, bool, bool, bool)] = &[
    (
        "move_in_notice",
        "Move-in notice 入住通知书",
        true,
        false,
        false,
        false,
    ),
    (
        "purchase_contract",
        "Purchase contract 购房合同",
        true,
        false,
        false,
        false,
    ),
    ("floor_plan", "Floor plan 户型图", true, false, false, false),
    (
        "owner_id_copy",
        "Owner ID copy 业主身份证复印件",
        true,
        false,
        false,
        false,
    ),
    (
        "move_in_forms",
        "Move-in forms 入住表格",
        true,
        false,
        false,
        false,
    ),
    (
        "owner_information_form",
        "Owner information form 业主资料登记表",
        true,
        false,
        false,
        false,
    ),
    (
        "owners_covenant",
        "Owners' covenant 业主公约",
        true,
        true,
        false,
        false,
    ),
    (
        "move_in_receipt",
        "Receipt for move-in documents and items 入住资料及物品签收单",
        true,
        true,
        true,
        false,
    ),
    (
        "house_acceptance_form",
        "House acceptance form 房屋验收单",
        true,
        true,
        true,
        false,
    ),
    ("fees_due", "Fees due 应缴费用单", true, true, true, true),
    (
        "decoration_agreement",
        "Decoration agreement 装修协议",
        false,
        true,
        false,
        false,
    ),
    (
        "application",
        "Later application 申请",
        false,
        false,
        false,
        false,
    ),
    (
        "agreement",
        "Later agreement 协议",
        false,
        false,
        false,
        false,
    ),
];

/// One document type of a checklist.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "doc_type": "fees_due", "title": "Fees due 应缴费用单", "required": true,
    "owner_signs": true, "staff_signs": true, "finance_signs": true
}))]
pub struct ChecklistItem {
    #[schema(example = "fees_due")]
    pub doc_type: String,
    pub title: String,
    /// Must be in the archive for it to be established.
    pub required: bool,
    pub owner_signs: bool,
    pub staff_signs: bool,
    pub finance_signs: bool,
}

/// One document type of a new checklist.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "doc_type": "fees_due", "title": "Fees due 应缴费用单", "required": true,
    "owner_signs": true, "staff_signs": true, "finance_signs": true
}))]
pub struct NewChecklistItem {
    /// Lower-case letters, digits and `_`, 2-40 characters, starting with a letter; unique
    /// in the checklist. `repair_order`, `complaint_form` and `hot_water_dunning` are the
    /// system's own.
    #[schema(pattern = "^[a-z][a-z0-9_]{1,39}$", example = "fees_due")]
    pub doc_type: String,
    pub title: NameText,
    pub required: bool,
    pub owner_signs: bool,
    pub staff_signs: bool,
    pub finance_signs: bool,
}

impl From<NewChecklistItem> for ChecklistItem {
    fn from(item: NewChecklistItem) -> Self {
        ChecklistItem {
            doc_type: item.doc_type,
            title: item.title.to_string(),
            required: item.required,
            owner_signs: item.owner_signs,
            staff_signs: item.staff_signs,
            finance_signs: item.finance_signs,
        }
    }
}

impl From<&ChecklistItem> for Requirement {
    fn from(item: &ChecklistItem) -> Self {
        Requirement {
            doc_type: item.doc_type.clone(),
            title: item.title.clone(),
            required: item.required,
            owner_signs: item.owner_signs,
            staff_signs: item.staff_signs,
            finance_signs: item.finance_signs,
        }
    }
}

/// A site's checklist as it stands, or as an archive was judged against.
#[derive(Debug, Serialize, ToSchema)]
pub struct Checklist {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    /// 1 for the rules' defaults; each edit adds one.
    pub version: i32,
    /// Who edited it; absent for the defaults.
    #[schema(value_type = Option<i64>)]
    pub edited_by: Option<UserId>,
    pub edited_at: Option<DateTime<Utc>>,
    pub items: Vec<ChecklistItem>,
}

/// A new checklist for the site: the whole list, in the order archives show it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChecklist {
    #[schema(min_items = 1, max_items = 50)]
    pub items: Vec<NewChecklistItem>,
}

fn defaults() -> Vec<ChecklistItem> {
    DEFAULTS
        .iter()
        .map(
            |&(doc_type, title, required, owner, staff, finance)| ChecklistItem {
                doc_type: doc_type.into(),
                title: title.into(),
                required,
                owner_signs: owner,
                staff_signs: staff,
                finance_signs: finance,
            },
        )
        .collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = archive_checklists)]
struct ChecklistRow {
    id: i64,
    site_id: SiteId,
    version: i32,
    created_by: Option<UserId>,
    created_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = archive_checklist_items)]
struct ItemRow {
    doc_type: String,
    title: String,
    required: bool,
    owner_signs: bool,
    staff_signs: bool,
    finance_signs: bool,
}

fn items_of(conn: &mut AnyConnection, checklist_id: i64) -> QueryResult<Vec<ChecklistItem>> {
    let rows: Vec<ItemRow> = archive_checklist_items::table
        .filter(archive_checklist_items::checklist_id.eq(checklist_id))
        .order(archive_checklist_items::position.asc())
        .select(ItemRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| ChecklistItem {
            doc_type: row.doc_type,
            title: row.title,
            required: row.required,
            owner_signs: row.owner_signs,
            staff_signs: row.staff_signs,
            finance_signs: row.finance_signs,
        })
        .collect())
}

fn latest(conn: &mut AnyConnection, site_id: SiteId) -> QueryResult<Option<ChecklistRow>> {
    archive_checklists::table
        .filter(archive_checklists::site_id.eq(site_id))
        .order(archive_checklists::version.desc())
        .select(ChecklistRow::as_select())
        .first(conn)
        .optional()
}

fn insert(
    conn: &mut AnyConnection,
    site_id: SiteId,
    version: i32,
    by: Option<UserId>,
    items: &[ChecklistItem],
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    let id = diesel::insert_into(archive_checklists::table)
        .values((
            archive_checklists::site_id.eq(site_id),
            archive_checklists::version.eq(version),
            archive_checklists::created_by.eq(by),
            archive_checklists::created_at.eq(utc(now)),
        ))
        .get_result::<ChecklistRow>(conn)?
        .id;
    for (position, item) in items.iter().enumerate() {
        diesel::insert_into(archive_checklist_items::table)
            .values((
                archive_checklist_items::checklist_id.eq(id),
                archive_checklist_items::position.eq(position as i32),
                archive_checklist_items::doc_type.eq(&item.doc_type),
                archive_checklist_items::title.eq(&item.title),
                archive_checklist_items::required.eq(item.required),
                archive_checklist_items::owner_signs.eq(item.owner_signs),
                archive_checklist_items::staff_signs.eq(item.staff_signs),
                archive_checklist_items::finance_signs.eq(item.finance_signs),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

fn view(row: ChecklistRow, items: Vec<ChecklistItem>) -> Checklist {
    Checklist {
        site_id: row.site_id,
        version: row.version,
        edited_by: row.created_by,
        edited_at: row.created_by.map(|_| row.created_at.and_utc()),
        items,
    }
}

/// The site's checklist as it stands: its latest version, or the defaults.
pub fn current(conn: &mut AnyConnection, site_id: SiteId) -> QueryResult<Checklist> {
    Ok(match latest(conn, site_id)? {
        Some(row) => {
            let items = items_of(conn, row.id)?;
            view(row, items)
        }
        None => Checklist {
            site_id,
            version: 1,
            edited_by: None,
            edited_at: None,
            items: defaults(),
        },
    })
}

/// The id of the site's current version, writing the defaults as version 1 on first use:
/// a new archive is judged against it from then on.
pub fn current_id(
    conn: &mut AnyConnection,
    site_id: SiteId,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    match latest(conn, site_id)? {
        Some(row) => Ok(row.id),
        None => insert(conn, site_id, 1, None, &defaults(), now),
    }
}

/// The checklist an archive is judged against.
pub fn requirements(conn: &mut AnyConnection, checklist_id: i64) -> QueryResult<Vec<Requirement>> {
    Ok(items_of(conn, checklist_id)?
        .iter()
        .map(Requirement::from)
        .collect())
}

/// The version an archive was judged against, whole.
pub fn version(conn: &mut AnyConnection, checklist_id: i64) -> QueryResult<Checklist> {
    let row = archive_checklists::table
        .find(checklist_id)
        .select(ChecklistRow::as_select())
        .first(conn)?;
    let items = items_of(conn, checklist_id)?;
    Ok(view(row, items))
}

fn validate(items: &[NewChecklistItem]) -> Result<(), AppError> {
    let mut check = Validator::new();
    check.check(
        !items.is_empty(),
        "items",
        "a checklist has at least one document type",
    );
    check.check(items.len() <= 50, "items", "at most 50 document types");
    let mut seen = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("items[{i}].doc_type");
        let code = &item.doc_type;
        let well_formed = (2..=40).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_lowercase())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        check.check(
            well_formed,
            &field,
            "2-40 lower-case letters, digits or '_', starting with a letter",
        );
        check.check(
            !SYSTEM_FILED.contains(&code.as_str()),
            &field,
            "repair orders, complaint forms and dunning letters are filed by the system",
        );
        check.check(
            seen.insert(code.clone()),
            &field,
            "appears twice in the checklist",
        );
    }
    check.finish()
}

/// The site's checklist, to its staff (404 for another site's).
pub async fn get(state: &AppState, actor: &Actor, site_id: SiteId) -> Result<Checklist, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        Ok(current(conn, site_id)?)
    })
    .await
}

/// A manager replaces the site's checklist with a new version (R-ARC-2).
pub async fn replace(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    input: NewChecklist,
) -> Result<Checklist, AppError> {
    validate(&input.items)?;
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let user = actor.user_id;
        let next = latest(conn, site_id)?.map_or(1, |row| row.version) + 1;
        let items: Vec<ChecklistItem> = input.items.into_iter().map(ChecklistItem::from).collect();
        let id = insert(conn, site_id, next, Some(user), &items, now)?;
        Ok(version(conn, id)?)
    })
    .await
}
