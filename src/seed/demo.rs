//! A demo estate to try the API with (`seed-demo`): one site, 24 units and five accounts,
//! made through the same services as the API, so the same rules hold.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{create_user, generated_password, operator};
use crate::access::Role;
use crate::db;
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;
use crate::ids::{SiteId, UnitId};
use crate::sites::model::NewSite;
use crate::state::AppState;
use crate::units::model::{FloorArea, NewUnit};
use crate::users::model::{NewUser, Relation};
use crate::{sites, units, users};

/// A created demo account and its password.
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub password: String,
    pub note: String,
}

/// A demo account: who they are and, for residents, their home (unit code, relation).
struct DemoPerson {
    username: &'static str,
    name: &'static str,
    role: Role,
    home: Option<(&'static str, Relation)>,
    note: &'static str,
}

const DEMO_PEOPLE: [DemoPerson; 5] = [
    DemoPerson {
        username: "manager",
        name: "Wang Fang 王芳",
        role: Role::Manager,
        home: None,
        note: "company-wide manager",
    },
    DemoPerson {
        username: "butler",
        name: "Li Na 李娜",
        role: Role::Butler,
        home: None,
        note: "butler of Sunny Gardens",
    },
    DemoPerson {
        username: "engineer",
        name: "Chen Gang 陈刚",
        role: Role::Engineer,
        home: None,
        note: "engineer of Sunny Gardens",
    },
    DemoPerson {
        username: "resident",
        name: "Zhang Wei 张伟",
        role: Role::Resident,
        home: Some(("1-1-101", Relation::Owner)),
        note: "owner of 1-1-101",
    },
    DemoPerson {
        username: "resident2",
        name: "Liu Yang 刘洋",
        role: Role::Resident,
        home: Some(("2-1-201", Relation::Tenant)),
        note: "tenant of 2-1-201",
    },
];

/// Creates the demo estate: one site, 24 units in three buildings, and the accounts
/// `manager`, `butler`, `engineer`, `resident` and `resident2` (two residents of different
/// units, to try scoping). Refuses a database that already has users.
pub async fn seed_demo(
    state: &AppState,
    password: Option<String>,
) -> Result<Vec<DemoAccount>, AppError> {
    let existing = db::transaction(&state.pool, |conn| Ok(users::repo::count(conn)?)).await?;
    if existing > 0 {
        return Err(AppError::precondition(
            Precondition::DatabaseNotEmpty,
            Msg::new(
                "the database already holds %{count} users; seed-demo only fills an empty one",
            )
            .arg("count", existing),
        ));
    }
    let (site_id, unit_ids) = demo_estate(state).await?;
    let mut accounts = Vec::new();
    for DemoPerson {
        username,
        name,
        role,
        home,
        note,
    } in DEMO_PEOPLE
    {
        let password = password.clone().unwrap_or_else(generated_password);
        create_user(
            state,
            NewUser {
                username: Some(username.into()),
                phone: None,
                display_name: name.parse().expect("a valid name"),
                role,
                password: password.clone(),
                site_ids: if role.is_staff() && role != Role::Manager {
                    vec![site_id]
                } else {
                    vec![]
                },
                unit_id: home.map(|(code, _)| unit_ids[code]),
                relation: home.map(|(_, relation)| relation),
                start_date: None,
                language: None,
            },
        )
        .await?;
        accounts.push(DemoAccount {
            username: username.into(),
            role,
            password,
            note: note.into(),
        });
    }
    Ok(accounts)
}

/// The demo site and its 24 units (three buildings of different handover dates, to try
/// the warranty routing); the site's id and the units' ids by code.
async fn demo_estate(state: &AppState) -> Result<(SiteId, HashMap<String, UnitId>), AppError> {
    let operator = operator();
    let site = sites::service::create(
        state,
        &operator,
        NewSite {
            name: "Sunny Gardens 阳光花园".parse().expect("a valid name"),
            time_zone: None,
            address: Some("88 Binjiang Road, Hangzhou".parse().expect("a valid line")),
        },
    )
    .await?;

    let mut unit_ids = HashMap::new();
    for (building, handover) in [
        ("1", "2023-06-30"),
        ("2", "2024-12-31"),
        ("3", "2026-06-30"),
    ] {
        for entrance in ["1", "2"] {
            for room in ["101", "102", "201", "202"] {
                let unit = units::service::create(
                    state,
                    &operator,
                    NewUnit {
                        site_id: site.id,
                        building: building.parse().expect("a valid part"),
                        entrance: entrance.parse().expect("a valid part"),
                        room: room.parse().expect("a valid part"),
                        floor_area_m2: FloorArea::try_from(if room.ends_with('1') {
                            89.5
                        } else {
                            120.25
                        })
                        .ok(),
                        handover_date: NaiveDate::parse_from_str(handover, "%Y-%m-%d").ok(),
                    },
                )
                .await?;
                unit_ids.insert(unit.code.clone(), unit.id);
            }
        }
    }
    Ok((site.id, unit_ids))
}
