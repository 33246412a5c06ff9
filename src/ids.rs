//! Ids of the main records as their own types, so a unit id cannot be passed where a site id
//! is meant: `fn f(site: SiteId, unit: UnitId)` called with the two swapped does not build.
//!
//! Each is an `i64` underneath and looks like one outside: a plain integer in JSON and in a
//! path (`web::Path<TicketId>`; a path segment that is not an integer is a 400 as before), a
//! `BigInt` column in the database. Make one from a raw integer with `new` (or `From`) only
//! at a boundary (a CLI argument, a test); typed code passes the id itself along.
//!
//! ```compile_fail
//! use propdesk::ids::{SiteId, UnitId};
//! fn place(_site: SiteId, _unit: UnitId) {}
//! let (site, unit) = (SiteId::new(1), UnitId::new(2));
//! place(unit, site); // swapped: does not build
//! ```
//!
//! ```
//! use propdesk::ids::{SiteId, UnitId};
//! fn place(_site: SiteId, _unit: UnitId) {}
//! let (site, unit) = (SiteId::new(1), UnitId::new(2));
//! place(site, unit);
//! ```

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = BigInt)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                $name(id)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<DB: Backend> ToSql<BigInt, DB> for $name
        where
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<BigInt, DB> for $name
        where
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }
    )+};
}

id_types! {
    /// A site (小区) id.
    SiteId;
    /// A unit (房屋) id.
    UnitId;
    /// A user id: a resident or a member of staff.
    UserId;
    /// A ticket (报修) id.
    TicketId;
    /// A complaint (投诉) id.
    ComplaintId;
    /// An attachment (附件) id: a photo or a document on a record.
    AttachmentId;
    /// An owner archive (业主档案) id: one unit's file for one owner occupancy.
    ArchiveId;
    /// A catalogue entry (卷内目录) of an archive: a document, or a ticket or complaint filed.
    ArchiveDocumentId;
    /// A person an archive holds: the owner, a co-owner, family.
    ArchivePersonId;
    /// A loan in the borrowing register (档案借阅登记).
    ArchiveLoanId;
    /// A key set (钥匙) of a unit: an entry-door, mailbox or other key, with its copies.
    KeyId;
    /// One link of a key's custody chain: a handoff from one holder to the next.
    KeyHandoffId;
    /// A key lent out, to the developer's customer service for a repair (R-KEY-2).
    KeyLoanId;
    /// A key a resident deposited with the desk (寄存, R-KEY-4).
    KeyDepositId;
    /// A key lost, handed out wrongly or damaged (R-KEY-5).
    KeyIncidentId;
    /// A unit's hot-water account (热水台帐, R-HW-3).
    HotWaterAccountId;
    /// One movement of a hot-water account: a charge, a payment, a refund, an adjustment.
    HotWaterEntryId;
    /// A hot-water meter in a unit, in service or replaced.
    HotWaterMeterId;
    /// One reading of a hot-water meter (R-HW-2).
    HotWaterReadingId;
    /// A site's hot-water tariff, from the day it takes effect (R-HW-3).
    HotWaterTariffId;
    /// A dunning ladder (催缴) of a hot-water account in arrears (R-HW-6).
    HotWaterDunningId;
    /// One step of a dunning ladder: asking the reason, a letter, the lawsuit.
    HotWaterDunningStepId;
}

#[cfg(test)]
mod tests {
    use actix_web::{web, FromRequest};

    use super::*;

    #[test]
    fn an_id_is_a_plain_integer_in_json_both_ways() {
        let id = TicketId::new(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<TicketId>("42").unwrap(), id);
        assert_eq!(i64::from(id), 42);
        assert_eq!(SiteId::from(7).get(), 7);
        assert_eq!(UnitId::new(3).to_string(), "3");
        assert!(serde_json::from_str::<UserId>("\"42\"").is_err());
        assert!(serde_json::from_str::<UserId>("4.5").is_err());
    }

    #[test]
    fn an_id_is_bound_and_loaded_as_a_big_int() {
        use diesel::{IntoSql, RunQueryDsl};
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("ids.db").display().to_string();
        let mut conn = crate::db::establish(&url).unwrap();
        let back: SiteId = diesel::select(SiteId::new(9).into_sql::<BigInt>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(back, SiteId::new(9));
        let none: Option<UnitId> = diesel::select(diesel::dsl::sql::<
            diesel::sql_types::Nullable<BigInt>,
        >("NULL"))
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(none, None);
    }

    #[actix_web::test]
    async fn a_path_id_is_read_as_an_integer_and_anything_else_is_refused() {
        let req = actix_web::test::TestRequest::default()
            .param("id", "12")
            .to_http_request();
        let id = web::Path::<ComplaintId>::extract(&req).await.unwrap();
        assert_eq!(*id, ComplaintId::new(12));
        for bad in ["abc", "12abc", "1.5", ""] {
            let req = actix_web::test::TestRequest::default()
                .param("id", bad)
                .to_http_request();
            assert!(
                web::Path::<ComplaintId>::extract(&req).await.is_err(),
                "{bad:?} is not an id"
            );
        }
    }
}
