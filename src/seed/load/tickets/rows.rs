//! The ticket rows as written, and the texts they are made of.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{ticket_engineers, ticket_materials, tickets};
use crate::seed::load::bulk::BulkRow;
use crate::tickets::model::Category;

#[derive(Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
pub struct TicketRow {
    pub id: i64,
    pub site_id: i64,
    pub number: String,
    pub unit_id: Option<i64>,
    pub location: Option<String>,
    pub category: &'static str,
    pub priority: &'static str,
    pub suggested_priority: Option<&'static str>,
    pub channel: &'static str,
    pub contact_phone: String,
    pub description: &'static str,
    pub reporter_id: i64,
    pub received_by: Option<i64>,
    pub status: &'static str,
    pub route: &'static str,
    pub proposed_route: &'static str,
    pub route_reason: String,
    pub arrive_by: Option<NaiveDateTime>,
    pub fix_by: NaiveDateTime,
    pub visit_by: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub developer_slip: Option<String>,
    pub developer_due_at: Option<NaiveDateTime>,
    pub developer_acknowledged_at: Option<NaiveDateTime>,
    pub taken_over_at: Option<NaiveDateTime>,
    pub settlement_signed_at: Option<NaiveDateTime>,
    pub head_count: Option<i32>,
    pub labour_minutes: Option<i64>,
    pub result_note: Option<&'static str>,
    pub charge_fen: Option<i64>,
    pub charge_item: Option<&'static str>,
    pub charge_status: &'static str,
    pub acceptance: Option<&'static str>,
    pub rating: Option<i32>,
    pub rating_comment: Option<&'static str>,
    pub rework_count: i32,
    pub warranty_of: Option<i64>,
    pub free_of_charge: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BulkRow for TicketRow {
    const COLUMNS: usize = 45;
}

#[derive(Insertable)]
#[diesel(table_name = ticket_engineers, treat_none_as_default_value = false)]
pub struct EngineerRow {
    pub ticket_id: i64,
    pub engineer_id: i64,
    pub lead: bool,
}

impl BulkRow for EngineerRow {
    const COLUMNS: usize = 3;
}

#[derive(Insertable)]
#[diesel(table_name = ticket_materials, treat_none_as_default_value = false)]
pub struct MaterialRow {
    pub ticket_id: i64,
    pub name: &'static str,
    pub quantity: i64,
    pub unit_price_fen: i64,
}

impl BulkRow for MaterialRow {
    const COLUMNS: usize = 4;
}

pub fn description(category: Category, k: usize) -> &'static str {
    let texts: [&str; 2] = match category {
        Category::WaterSupply => [
            "No water from the kitchen tap 厨房水龙头不出水",
            "Low water pressure in the shower 淋浴水压低",
        ],
        Category::Drainage => [
            "Floor drain blocked in the bathroom 卫生间地漏堵塞",
            "Kitchen sink drains slowly 厨房下水慢",
        ],
        Category::Electrical => [
            "Bedroom sockets dead 卧室插座没电",
            "Circuit breaker trips 空开跳闸",
        ],
        Category::Lift => [
            "Lift stops between floors 电梯停在楼层之间",
            "Lift door does not close 电梯门关不上",
        ],
        Category::DoorsWindows => [
            "Balcony door will not lock 阳台门锁不上",
            "Window handle broken 窗户把手坏了",
        ],
        Category::SanitaryFittings => [
            "Toilet keeps running 马桶一直流水",
            "Basin tap drips 面盆龙头滴水",
        ],
        Category::RoofWallSeepage => [
            "Damp patch on the ceiling 天花板渗水",
            "Water comes through the outer wall 外墙渗水",
        ],
        Category::Heating => [
            "Radiator cold 暖气片不热",
            "Floor heating uneven 地暖不均匀",
        ],
        Category::HotWater => ["No hot water 没有热水", "Hot water runs lukewarm 热水不热"],
        Category::RailingsStairs => [
            "Stair railing loose 楼梯扶手松动",
            "Broken step on the stairs 楼梯台阶破损",
        ],
        Category::PublicFacilities => [
            "Corridor light out 楼道灯不亮",
            "Playground swing broken 游乐场秋千坏了",
        ],
        Category::Other => [
            "Doorbell does not ring 门铃不响",
            "Mailbox door broken 信箱门坏了",
        ],
    };
    texts[k % 2]
}

pub const PUBLIC_PLACES: [&str; 5] = [
    "lobby 大堂",
    "lift car 电梯轿厢",
    "stairwell 楼梯间",
    "underground garage 地下车库",
    "entrance canopy 门廊",
];

pub const MATERIALS: [(&str, i64); 8] = [
    ("PVC pipe 1 m PVC管", 1_500),
    ("Tap washer 水龙头垫圈", 300),
    ("Light switch 开关", 1_800),
    ("Silicone sealant 玻璃胶", 2_500),
    ("Door hinge 合页", 1_200),
    ("Cable 2.5 mm² per m 电线", 400),
    ("Drain cover 地漏盖", 2_000),
    ("LED bulb LED灯泡", 1_500),
];

pub fn result_note(category: Category) -> &'static str {
    match category {
        Category::Electrical => "Replaced the faulty switch 更换了故障开关",
        Category::Drainage => "Cleared the blockage 疏通完毕",
        Category::WaterSupply | Category::SanitaryFittings => {
            "Replaced the washer and seal 更换垫圈密封"
        }
        _ => "Repaired and tested 已修复并测试",
    }
}

/// The contact slip of a transfer to the developer.
pub const DEVELOPER_SLIP: &str = "developer contact slip 开发商联系单";
