//! Keys (钥匙, R-KEY-1..5): each unit's key sets, and a custody chain in which every key has
//! exactly one holder at any time: a resident, a staff member, a named outside party (the
//! developer's customer service, a collector) or a slot of the desk's deposit cabinet. Every
//! handoff records giver, receiver, time, purpose and both sides' confirmations; the key row
//! holds the one current holder under a CHECK that admits exactly one, and each change of
//! holder is a versioned step of the shared action driver, so of two racing handoffs one
//! succeeds and the other gets 409. Keys are issued at move-in (R-KEY-1), lent to the
//! developer for repairs with a due date (R-KEY-2), deposited in sealed envelopes for named
//! collectors (R-KEY-4); losses, wrong hand-outs and damage are recorded against whoever held
//! the key at that moment (R-KEY-5).

pub mod dto;
pub mod model;
pub mod move_in;
pub mod repo;
pub mod service;

use crate::text_enum;

text_enum! {
    /// What a key opens.
    pub enum KeyKind {
        EntryDoor = "entry_door",
        Mailbox = "mailbox",
        Other = "other",
    }
}

text_enum! {
    /// Whether a key is still in circulation.
    pub enum KeyStatus {
        InUse = "in_use",
        /// Lost: out of circulation; the holder at that moment answers for it.
        Lost = "lost",
        /// Damaged: out of circulation; the holder at that moment answers for it.
        Damaged = "damaged",
    }
}

text_enum! {
    /// The four forms of holder; a key has exactly one.
    pub enum HolderKind {
        /// A resident, by account.
        Resident = "resident",
        /// A staff member, by account.
        Staff = "staff",
        /// A named outside party: the developer's customer service, a collector.
        External = "external",
        /// A slot of the desk's deposit cabinet.
        Cabinet = "cabinet",
    }
}

text_enum! {
    /// What a link of the custody chain was.
    pub enum HandoffKind {
        /// The key entered the inventory: the start of its chain.
        Register = "register",
        /// To the owner at move-in (R-KEY-1).
        Issue = "issue",
        /// Lent out, to the developer for a repair (R-KEY-2).
        Lend = "lend",
        /// Back from a loan, or back to the desk.
        Return = "return",
        /// A resident's key into the cabinet (R-KEY-4).
        Deposit = "deposit",
        /// Out of the cabinet to a named collector (R-KEY-4).
        PickUp = "pick_up",
        /// Any other change of hands (between staff, into the cabinet).
        Transfer = "transfer",
    }
}

text_enum! {
    /// The actions on a key, through the shared action driver: the handoffs, and the
    /// incidents of R-KEY-5.
    pub enum KeyAction {
        Issue = "issue",
        Lend = "lend",
        Return = "return",
        Deposit = "deposit",
        PickUp = "pick_up",
        Transfer = "transfer",
        ReportLost = "report_lost",
        ReportWrongHandout = "report_wrong_handout",
        ReportDamaged = "report_damaged",
    }
}

text_enum! {
    /// What went wrong with a key (R-KEY-5).
    pub enum IncidentKind {
        Lost = "lost",
        /// Handed to the wrong person: the one who handed it out answers for it.
        WrongHandout = "wrong_handout",
        Damaged = "damaged",
    }
}

text_enum! {
    /// A key loan's state (R-KEY-2).
    pub enum KeyLoanStatus {
        Out = "out",
        Returned = "returned",
    }
}

text_enum! {
    /// A deposit's state (R-KEY-4).
    pub enum DepositStatus {
        /// In the cabinet, waiting for a named collector.
        Held = "held",
        Collected = "collected",
    }
}

text_enum! {
    /// A collector's gender, as the pick-up register records it.
    pub enum Gender {
        Female = "female",
        Male = "male",
    }
}

text_enum! {
    /// A side of a handoff.
    pub enum Side {
        Giver = "giver",
        Receiver = "receiver",
    }
}
