//! Owner archives (业主档案, R-ARC-1..6): one file per unit and owner occupancy, opened
//! within one working day of move-in on the site's calendar, filed by room number, with a
//! catalogue (卷内目录) of every document, its signatures and scans, judged against the
//! site's checklist as it stood when the archive opened. Closed tickets and complaints file
//! themselves into it. Only the site's butlers and managers read it; anyone else on staff
//! borrows it through the register with a manager's approval; every read is logged; ID
//! numbers are sealed at rest and answered only masked, phones masked to borrowers.

pub mod checklist;
pub mod dto;
pub mod filing;
pub mod loans;
pub mod model;
pub mod repo;
pub mod service;

use crate::text_enum;

text_enum! {
    /// Where an archive stands (R-ARC-1, R-ARC-3).
    pub enum ArchiveStatus {
        /// Registered at move-in; no document filed yet (due by `open_by`).
        Opening = "opening",
        /// Documents filed, something still lacking: see `missing`.
        Incomplete = "incomplete",
        /// Every required document is there with its scan and every signature.
        Established = "established",
        /// The owner moved out or sold: kept, read-only; the next owner has a new one.
        Closed = "closed",
    }
}

impl ArchiveStatus {
    pub fn is_open(self) -> bool {
        self != ArchiveStatus::Closed
    }
}

text_enum! {
    /// Why an archive closed.
    pub enum CloseReason {
        MovedOut = "moved_out",
        Sold = "sold",
    }
}

text_enum! {
    /// Who signs a document.
    pub enum Party {
        Owner = "owner",
        Staff = "staff",
        Finance = "finance",
    }
}

text_enum! {
    /// What a document still lacks.
    pub enum Lack {
        /// Not filed at all.
        Document = "document",
        /// Filed without a scan or photo of the paper.
        Scan = "scan",
        OwnerSignature = "owner_signature",
        StaffSignature = "staff_signature",
        FinanceSignature = "finance_signature",
    }
}

impl Lack {
    pub fn signature_of(party: Party) -> Lack {
        match party {
            Party::Owner => Lack::OwnerSignature,
            Party::Staff => Lack::StaffSignature,
            Party::Finance => Lack::FinanceSignature,
        }
    }

    /// Who supplies it: the desk files documents and scans and signs for the company, the
    /// owner signs, finance signs for fees.
    pub fn responsible(self) -> ResponsibleParty {
        match self {
            Lack::Document | Lack::Scan | Lack::StaffSignature => ResponsibleParty::Desk,
            Lack::OwnerSignature => ResponsibleParty::Owner,
            Lack::FinanceSignature => ResponsibleParty::Finance,
        }
    }
}

text_enum! {
    /// Who is chased for a lack.
    pub enum ResponsibleParty {
        /// The butler who keeps the archive (`keeper_id`).
        Desk = "desk",
        /// The owner (`owner_id`).
        Owner = "owner",
        /// The finance department.
        Finance = "finance",
    }
}

text_enum! {
    /// How a person in an archive relates to the unit.
    pub enum PersonRelation {
        Owner = "owner",
        CoOwner = "co_owner",
        Family = "family",
        Tenant = "tenant",
    }
}

text_enum! {
    /// Key-customer flags (R-ARC-6), kept by staff with a reason.
    pub enum Flag {
        /// A member of the owners' committee (业委会).
        OwnersCommittee = "owners_committee",
        FrequentComplainant = "frequent_complainant",
        CommercialTenant = "commercial_tenant",
        /// Speaks for neighbours online (意见领袖).
        OpinionLeader = "opinion_leader",
        /// An elderly person living alone: visited more often.
        ElderlyAlone = "elderly_alone",
        Vip = "vip",
    }
}

text_enum! {
    /// What a logged read read.
    pub enum ReadWhat {
        /// The archive with its catalogue.
        Archive = "archive",
        /// One document of the catalogue.
        Document = "document",
        /// A scan's bytes, or the list of a document's files.
        File = "file",
        /// An ID number, revealed in full.
        IdNumber = "id_number",
    }
}

text_enum! {
    /// The residence stage of the owner, from the move-in date (R-ARC-6).
    pub enum ResidenceStage {
        /// Less than 6 months.
        New = "new",
        /// 6 to 12 months.
        Settling = "settling",
        /// 1 to 2 years.
        Stable = "stable",
        /// More than 2 years.
        LongTerm = "long_term",
    }
}

/// Catalogue types the system files by itself (R-ARC-4, R-HW-6); no checklist may define
/// them, and they count for no checklist.
pub const REPAIR_ORDER: &str = "repair_order";
pub const COMPLAINT_FORM: &str = "complaint_form";
pub const DUNNING_LETTER: &str = "hot_water_dunning";
pub const SYSTEM_FILED: [&str; 3] = [REPAIR_ORDER, COMPLAINT_FORM, DUNNING_LETTER];
