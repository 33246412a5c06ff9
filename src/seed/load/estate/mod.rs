//! The company: sites of uneven size with their calendars, fee schedules and standard
//! replies; buildings of units; staff (a site manager, butlers and engineers per site, one
//! company-wide manager) and residents with their memberships, some of them ended.

mod rows;

use std::ops::Range;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;
use diesel::prelude::*;
use rand::rngs::SmallRng;
use rand::Rng;

use self::rows::*;
use super::bulk::{insert_all, person_name, stored};
use crate::calendar::{standard_week, DayKind, Span, WorkingCalendar};
use crate::complaints::model::ComplaintSubject;
use crate::db::schema::{
    calendar_days, fee_items, sites, staff_sites, standard_replies, unit_memberships, units, users,
    working_hours,
};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::ids::{SiteId, UnitId, UserId};
use crate::sites::model::DEFAULT_TIME_ZONE;

/// An account the generators refer to.
pub struct Person {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub phone: String,
}

pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub tz: Tz,
    /// The calendar exactly as stored, for the deadline maths of complaints.
    pub calendar: WorkingCalendar,
    /// Its units, as indices into [`Estate::units`].
    pub units: Range<usize>,
    pub manager: Person,
    pub butlers: Vec<Person>,
    pub engineers: Vec<Person>,
    /// (name, price in fen).
    pub fee_items: &'static [(&'static str, i64)],
    /// (id, subject, body) of its standard replies.
    pub standard_replies: Vec<(i64, ComplaintSubject, &'static str)>,
}

pub struct Unit {
    pub id: UnitId,
    pub building: u32,
    pub handover: NaiveDate,
    /// Who lives there today, as indices into [`Estate::residents`].
    pub residents: Vec<usize>,
}

pub struct Estate {
    pub sites: Vec<Site>,
    pub units: Vec<Unit>,
    pub residents: Vec<Person>,
    pub company_manager: Person,
    pub users: usize,
    pub memberships: usize,
}

const SITE_NAMES: [&str; 20] = [
    "Sunny Gardens 阳光花园",
    "Riverside 江畔",
    "Osmanthus Court 桂花苑",
    "West Lake Residence 西湖公馆",
    "Bamboo Grove 竹林苑",
    "Lotus Bay 荷花湾",
    "Pine Hill 松山居",
    "Jade Garden 翠园",
    "Golden Harbour 金港湾",
    "Maple Park 枫丹园",
    "Plum Blossom Court 梅花苑",
    "Canal View 运河景苑",
    "Orchid Terrace 兰亭",
    "Spring Valley 春谷",
    "Peach Orchard 桃李园",
    "Willow Bank 柳岸",
    "Cloud Peak 云峰",
    "Silver Lake 银湖",
    "Green Tea Hill 茶山",
    "Harbour Lights 港湾灯火",
];

const FEE_ITEMS: [(&str, i64); 5] = [
    ("Replace tap washer 更换水龙头垫圈", 2_000),
    ("Unblock a drain 疏通下水道", 8_000),
    ("Replace a light switch 更换开关", 3_000),
    ("Replace a door lock 更换门锁", 15_000),
    ("Reseal a bath 浴缸补胶", 6_000),
];

const STANDARD_REPLIES: [(ComplaintSubject, &str, &str); 4] = [
    (
        ComplaintSubject::NeighbourNoise,
        "Noise: neighbour reminded",
        "We have spoken to your neighbour about the noise and will check again tonight.",
    ),
    (
        ComplaintSubject::Equipment,
        "Equipment: repair booked",
        "Thank you for telling us. An engineer is booked and we will call you once it is fixed.",
    ),
    (
        ComplaintSubject::Fees,
        "Fees: statement explained",
        "We have checked your statement; the finance team will call you to go through it.",
    ),
    (
        ComplaintSubject::ServiceAttitude,
        "Attitude: apology",
        "We apologise. The supervisor has spoken to the colleague and will follow up with you.",
    ),
];

/// How many sites and units, and the instant the estate was set up (before every record).
pub struct Shape {
    pub sites: usize,
    pub units: usize,
    pub opened: DateTime<Utc>,
}

/// Units of each site: the first is the largest, falling off as 1/sqrt(rank), at least 24.
fn units_per_site(shape: &Shape) -> Vec<usize> {
    let weights: Vec<f64> = (0..shape.sites)
        .map(|i| 1.0 / ((i + 1) as f64).sqrt())
        .collect();
    let total: f64 = weights.iter().sum();
    weights
        .iter()
        .map(|w| ((shape.units as f64 * w / total).round() as usize).max(24))
        .collect()
}

/// The site's name; past the list, the list again with a number.
fn site_name(i: usize) -> String {
    let base = SITE_NAMES[i % SITE_NAMES.len()];
    match i / SITE_NAMES.len() {
        0 => base.to_owned(),
        n => format!("{base} {}", n + 1),
    }
}

/// Public holidays and make-up working days of the years the records span: New Year's
/// Day, Labour Day (1-5 May, worked back on the Saturday before) and National Day (1-7
/// October, worked back on the Saturday after). A plausible calendar, not an official one.
fn special_days(now: DateTime<Utc>) -> Vec<(NaiveDate, DayKind, &'static str)> {
    let mut days = Vec::new();
    for year in [now.year() - 1, now.year()] {
        let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a real date");
        days.push((date(1, 1), DayKind::Holiday, "New Year's Day 元旦"));
        for d in 1..=5 {
            days.push((date(5, d), DayKind::Holiday, "Labour Day 劳动节"));
        }
        for d in 1..=7 {
            days.push((date(10, d), DayKind::Holiday, "National Day 国庆节"));
        }
        let mut before = date(4, 30);
        while before.weekday() != Weekday::Sat {
            before = before.pred_opt().expect("a day before");
        }
        let mut after = date(10, 8);
        while after.weekday() != Weekday::Sat {
            after = after.succ_opt().expect("a day after");
        }
        for day in [before, after] {
            days.push((day, DayKind::WorkingDay, "make-up working day 调休上班"));
        }
    }
    days
}

/// Every fourth site works Saturday mornings too; the others keep the default week.
fn own_week(site: usize) -> Option<Vec<(Weekday, Span)>> {
    (site % 4 == 3).then(|| {
        let mut week = standard_week();
        week.push((Weekday::Sat, Span::new(540, 720).expect("09:00-12:00")));
        week
    })
}

/// Writes the estate and returns it for the record generators.
pub fn create(
    conn: &mut AnyConnection,
    rng: &mut SmallRng,
    shape: &Shape,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Estate, AppError> {
    let opened = stored(shape.opened);
    let today = now.date_naive();
    let tz: Tz = DEFAULT_TIME_ZONE.parse().expect("a known time zone");
    let specials = special_days(now);
    let mut next_user = 1i64;
    let mut take_id = || {
        let id = next_user;
        next_user += 1;
        UserId::new(id)
    };
    let staff = |id: UserId, username: String, rng: &mut SmallRng| Person {
        phone: format!("13{:09}", id.get()),
        name: person_name(rng),
        username,
        id,
    };
    let company_manager = staff(take_id(), "manager".into(), rng);

    let mut sites_out = Vec::new();
    let mut units_out: Vec<Unit> = Vec::new();
    let mut unit_rows = Vec::new();
    let mut hours_rows = Vec::new();
    let mut day_rows = Vec::new();
    let mut fee_rows = Vec::new();
    let mut reply_rows = Vec::new();
    for (i, count) in units_per_site(shape).into_iter().enumerate() {
        let id = SiteId::new(i as i64 + 1);
        let week = own_week(i);
        if let Some(week) = &week {
            for (weekday, span) in week {
                hours_rows.push(HoursRow {
                    site_id: id.get(),
                    weekday: weekday.number_from_monday() as i32,
                    start_minute: i32::from(span.start),
                    end_minute: i32::from(span.end),
                });
            }
        }
        for (day, kind, name) in &specials {
            day_rows.push(DayRow {
                site_id: id.get(),
                day: *day,
                kind: kind.as_str(),
                name,
            });
        }
        for (name, price_fen) in FEE_ITEMS {
            fee_rows.push(FeeRow {
                site_id: id.get(),
                name,
                price_fen,
                active: true,
                created_at: opened,
            });
        }
        let mut replies = Vec::new();
        for (subject, title, body) in STANDARD_REPLIES {
            let reply_id = reply_rows.len() as i64 + 1;
            reply_rows.push(ReplyRow {
                id: reply_id,
                site_id: id.get(),
                subject: subject.as_str(),
                title,
                body,
                active: true,
                created_at: opened,
                updated_at: opened,
            });
            replies.push((reply_id, subject, body));
        }
        let first_unit = units_out.len();
        add_units(&mut units_out, &mut unit_rows, rng, i, count, today, opened);
        let manager = staff(take_id(), format!("manager-s{:02}", i + 1), rng);
        let butlers = (0..(count / 500).max(2))
            .map(|k| staff(take_id(), format!("butler-s{:02}-{:02}", i + 1, k + 1), rng))
            .collect();
        let engineers = (0..(count / 400).max(2))
            .map(|k| {
                staff(
                    take_id(),
                    format!("engineer-s{:02}-{:02}", i + 1, k + 1),
                    rng,
                )
            })
            .collect();
        sites_out.push(Site {
            id,
            name: site_name(i),
            tz,
            calendar: WorkingCalendar::new(
                week.unwrap_or_else(standard_week),
                specials.iter().map(|(day, kind, _)| (*day, *kind)),
            ),
            units: first_unit..units_out.len(),
            manager,
            butlers,
            engineers,
            fee_items: &FEE_ITEMS,
            standard_replies: replies,
        });
    }
    let (residents, membership_rows) = add_residents(&mut units_out, rng, &mut take_id, today);

    let site_rows: Vec<SiteRow> = sites_out
        .iter()
        .enumerate()
        .map(|(i, site)| SiteRow {
            id: site.id.get(),
            name: site.name.clone(),
            time_zone: DEFAULT_TIME_ZONE,
            address: Some(format!("{} Binjiang Road, Hangzhou", 8 + i * 12)),
            active: true,
            created_at: opened,
            updated_at: opened,
        })
        .collect();
    let user_row = |p, role| user_row(p, role, password_hash, opened);
    let mut user_rows = vec![user_row(&company_manager, "manager")];
    let mut staff_rows = Vec::new();
    for site in &sites_out {
        let people = std::iter::once((&site.manager, "manager"))
            .chain(site.butlers.iter().map(|p| (p, "butler")))
            .chain(site.engineers.iter().map(|p| (p, "engineer")));
        for (person, role) in people {
            user_rows.push(user_row(person, role));
            staff_rows.push(StaffSiteRow {
                user_id: person.id.get(),
                site_id: site.id.get(),
            });
        }
    }
    user_rows.extend(residents.iter().map(|p| user_row(p, "resident")));
    let users = user_rows.len();
    let memberships = membership_rows.len();

    conn.transaction::<_, AppError, _>(|conn| {
        insert_all!(conn, sites::table, site_rows);
        insert_all!(conn, working_hours::table, hours_rows);
        insert_all!(conn, calendar_days::table, day_rows);
        insert_all!(conn, fee_items::table, fee_rows);
        insert_all!(conn, standard_replies::table, reply_rows);
        insert_all!(conn, units::table, unit_rows);
        insert_all!(conn, users::table, user_rows);
        insert_all!(conn, staff_sites::table, staff_rows);
        insert_all!(conn, unit_memberships::table, membership_rows);
        Ok(())
    })?;
    Ok(Estate {
        sites: sites_out,
        units: units_out,
        residents,
        company_manager,
        users,
        memberships,
    })
}

/// A site's units: buildings of two entrances, up to 18 floors of four flats each, handed
/// over between 13 months and 8 years ago (so some are under the developer's warranty).
fn add_units(
    units_out: &mut Vec<Unit>,
    rows: &mut Vec<UnitRow>,
    rng: &mut SmallRng,
    site: usize,
    count: usize,
    today: NaiveDate,
    opened: NaiveDateTime,
) {
    let floors = count.div_ceil(8).clamp(1, 18);
    let newest = today - Duration::days(400);
    let mut made = 0;
    'buildings: for building in 1u32.. {
        let age = i64::from(building * 211 + site as u32 * 97) % (7 * 365);
        let handover = newest - Duration::days(age);
        for entrance in 1..=2 {
            for floor in 1..=floors {
                for flat in 1..=4 {
                    if made == count {
                        break 'buildings;
                    }
                    made += 1;
                    let id = units_out.len() as i64 + 1;
                    rows.push(UnitRow {
                        id,
                        site_id: site as i64 + 1,
                        building: building.to_string(),
                        entrance: entrance.to_string(),
                        room: format!("{floor}{flat:02}"),
                        floor_area_centi_m2: Some(
                            rng.random_range(60..=160) * 100 + 25 * (flat % 2),
                        ),
                        handover_date: Some(handover),
                        active: true,
                        created_at: opened,
                        updated_at: opened,
                    });
                    units_out.push(Unit {
                        id: UnitId::new(id),
                        building,
                        handover,
                        residents: Vec::new(),
                    });
                }
            }
        }
    }
}

/// Residents: an owner's account in 92 % of the units, a family member or tenant besides
/// in 30 % of those, and in 5 % of the units a former tenant whose membership has ended.
fn add_residents(
    units_out: &mut [Unit],
    rng: &mut SmallRng,
    take_id: &mut impl FnMut() -> UserId,
    today: NaiveDate,
) -> (Vec<Person>, Vec<MembershipRow>) {
    let mut residents = Vec::new();
    let mut rows = Vec::new();
    for unit in units_out.iter_mut() {
        let moved_in = unit.handover.min(today - Duration::days(400));
        let mut homes = Vec::new();
        if rng.random_bool(0.92) {
            homes.push(("owner", None));
            if rng.random_bool(0.3) {
                let relation = if rng.random_bool(0.6) {
                    "family"
                } else {
                    "tenant"
                };
                homes.push((relation, None));
            }
        }
        if rng.random_bool(0.05) {
            homes.push((
                "tenant",
                Some(today - Duration::days(rng.random_range(30..300))),
            ));
        }
        for (relation, end_date) in homes {
            let id = take_id();
            let n = residents.len() + 1;
            if end_date.is_none() {
                unit.residents.push(residents.len());
            }
            residents.push(Person {
                id,
                username: format!("resident-{n:06}"),
                name: person_name(rng),
                phone: format!("13{:09}", id.get()),
            });
            rows.push(MembershipRow {
                unit_id: unit.id.get(),
                user_id: id.get(),
                relation,
                start_date: if end_date.is_some() {
                    moved_in.min(today - Duration::days(700))
                } else {
                    moved_in
                },
                end_date,
                created_at: moved_in.and_hms_opt(9, 0, 0).expect("a time"),
            });
        }
    }
    (residents, rows)
}
