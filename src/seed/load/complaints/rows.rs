//! The complaint rows as written, and the texts they are made of.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::complaints::model::ComplaintSubject;
use crate::db::schema::{complaint_messages, complaints};
use crate::seed::load::bulk::BulkRow;

#[derive(Insertable)]
#[diesel(table_name = complaints, treat_none_as_default_value = false)]
pub struct ComplaintRow {
    pub id: i64,
    pub site_id: i64,
    pub number: String,
    pub complainant_kind: &'static str,
    pub complainant_id: Option<i64>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub unit_id: Option<i64>,
    pub channel: &'static str,
    pub class: &'static str,
    pub nature: &'static str,
    pub communication_kind: Option<&'static str>,
    pub subject: &'static str,
    pub major: bool,
    pub major_lead_id: Option<i64>,
    pub sensitive: bool,
    pub description: &'static str,
    pub received_by: i64,
    pub owner_id: Option<i64>,
    pub department: Option<&'static str>,
    pub status: &'static str,
    pub respond_by: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub handoff_by: Option<NaiveDateTime>,
    pub handed_off_at: Option<NaiveDateTime>,
    pub reply_promised_by: Option<NaiveDateTime>,
    pub promise_kept_at: Option<NaiveDateTime>,
    pub fix_by: Option<NaiveDateTime>,
    pub responsibility: Option<&'static str>,
    pub compensation: Option<&'static str>,
    pub escalation: Option<&'static str>,
    pub developer_due_at: Option<NaiveDateTime>,
    pub developer_replied_at: Option<NaiveDateTime>,
    pub next_chase_at: Option<NaiveDateTime>,
    pub resolution: Option<&'static str>,
    pub root_cause: Option<&'static str>,
    pub resolved_at: Option<NaiveDateTime>,
    pub opinion: Option<&'static str>,
    pub opinion_comment: Option<&'static str>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub visit_exemption: Option<&'static str>,
    pub visit_by: Option<NaiveDateTime>,
    pub closure_reason: Option<&'static str>,
    pub closed_at: Option<NaiveDateTime>,
    pub merged_into: Option<i64>,
    pub complainant_count: i32,
    pub occurrences: i32,
    pub impact: Option<&'static str>,
    pub reopen_count: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BulkRow for ComplaintRow {
    const COLUMNS: usize = 53;
}

#[derive(Insertable)]
#[diesel(table_name = complaint_messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub complaint_id: i64,
    pub kind: &'static str,
    pub author_id: i64,
    pub body: &'static str,
    pub standard_reply_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl BulkRow for MessageRow {
    const COLUMNS: usize = 6;
}

pub fn description(subject: ComplaintSubject) -> &'static str {
    use ComplaintSubject::*;
    match subject {
        Equipment => "The lift has broken down three times this month 电梯本月坏了三次",
        ServiceAttitude => "The guard at the gate was rude to my mother 门岗对老人态度差",
        ServiceQuality => "Corridors have not been cleaned for a week 楼道一周没打扫",
        Emergency => "Nobody came when the pipe burst at night 夜里爆管无人处理",
        Fees => "Charged twice for the parking space 车位费重复收取",
        CommunityActivity => "The festival event was cancelled without notice 活动取消未通知",
        NeighbourPets => "Dogs off the lead on the lawn 草坪上遛狗不牵绳",
        NeighbourCorridorClutter => "Bicycles block the corridor 自行车堵塞楼道",
        NeighbourIllegalBuilding => "Neighbour is building on the roof terrace 邻居违章搭建",
        NeighbourNoise => "Renovation noise after 10 pm 晚上十点后装修噪音",
        NeighbourScavenging => "Someone sorts rubbish in the stairwell 楼道堆放废品",
        NeighbourThrownObjects => "Things thrown from upstairs 高空抛物",
        Other => "The notice board is out of date 公告栏信息过期",
    }
}
