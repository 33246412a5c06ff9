//! The archive rules as plain functions: what a checklist asks of each document, what an
//! archive still lacks and who must supply it (R-ARC-3), its status, and the residence stage
//! of its owner (R-ARC-6).

use chrono::{Months, NaiveDate};

use super::{ArchiveStatus, Lack, Party, ResidenceStage, ResponsibleParty};

/// What the checklist asks of one document type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub doc_type: String,
    pub title: String,
    pub required: bool,
    pub owner_signs: bool,
    pub staff_signs: bool,
    pub finance_signs: bool,
}

impl Requirement {
    /// The signatures a document of this type needs.
    pub fn parties(&self) -> Vec<Party> {
        [
            (self.owner_signs, Party::Owner),
            (self.staff_signs, Party::Staff),
            (self.finance_signs, Party::Finance),
        ]
        .into_iter()
        .filter_map(|(needed, party)| needed.then_some(party))
        .collect()
    }
}

/// A document in the catalogue, as completeness sees it.
#[derive(Debug, Clone)]
pub struct Filed {
    pub doc_type: String,
    pub has_file: bool,
    pub signed: Vec<Party>,
}

/// One thing an archive lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub doc_type: String,
    pub title: String,
    pub lack: Lack,
    pub responsible: ResponsibleParty,
}

fn lacks_of(requirement: &Requirement, filed: &Filed) -> Vec<Lack> {
    let mut lacks = Vec::new();
    if !filed.has_file {
        lacks.push(Lack::Scan);
    }
    for party in requirement.parties() {
        if !filed.signed.contains(&party) {
            lacks.push(Lack::signature_of(party));
        }
    }
    lacks
}

/// What the archive lacks, in checklist order: each required document not filed, and for
/// each document type (required or filed anyway, like a decoration agreement) the scan
/// and the signatures its best-filled document still needs.
pub fn gaps(checklist: &[Requirement], catalogue: &[Filed]) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for requirement in checklist {
        let best = catalogue
            .iter()
            .filter(|filed| filed.doc_type == requirement.doc_type)
            .map(|filed| lacks_of(requirement, filed))
            .min_by_key(Vec::len);
        let lacks = match best {
            Some(lacks) => lacks,
            None if requirement.required => vec![Lack::Document],
            None => continue,
        };
        gaps.extend(lacks.into_iter().map(|lack| Gap {
            doc_type: requirement.doc_type.clone(),
            title: requirement.title.clone(),
            responsible: lack.responsible(),
            lack,
        }));
    }
    gaps
}

/// The status an open archive is in: `opening` until its first document is filed, then
/// `incomplete` until nothing is lacking, then `established`.
pub fn status(any_filed: bool, gaps: &[Gap]) -> ArchiveStatus {
    if !any_filed {
        ArchiveStatus::Opening
    } else if gaps.is_empty() {
        ArchiveStatus::Established
    } else {
        ArchiveStatus::Incomplete
    }
}

/// The residence stage on `today` of an owner who moved in on `moved_in`.
pub fn residence_stage(moved_in: NaiveDate, today: NaiveDate) -> ResidenceStage {
    let after = |months: u32| moved_in.checked_add_months(Months::new(months));
    match () {
        _ if after(6).is_none_or(|d| today < d) => ResidenceStage::New,
        _ if after(12).is_none_or(|d| today < d) => ResidenceStage::Settling,
        _ if after(24).is_none_or(|d| today <= d) => ResidenceStage::Stable,
        _ => ResidenceStage::LongTerm,
    }
}

/// The move-in dates of a stage on `today`, as `(after, on_or_before)`: a stage is a range
/// of move-in dates, so a list filters on the stored column.
pub fn moved_in_between(
    stage: ResidenceStage,
    today: NaiveDate,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let back = |months: u32| today.checked_sub_months(Months::new(months));
    let before = |months: u32| back(months).and_then(|d| d.pred_opt());
    match stage {
        // moved in after today - 6 months
        ResidenceStage::New => (back(6), None),
        ResidenceStage::Settling => (back(12), back(6)),
        ResidenceStage::Stable => (before(24), back(12)),
        ResidenceStage::LongTerm => (None, before(24)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(doc_type: &str, required: bool, parties: &[Party]) -> Requirement {
        Requirement {
            doc_type: doc_type.into(),
            title: doc_type.replace('_', " "),
            required,
            owner_signs: parties.contains(&Party::Owner),
            staff_signs: parties.contains(&Party::Staff),
            finance_signs: parties.contains(&Party::Finance),
        }
    }

    fn filed(doc_type: &str, has_file: bool, signed: &[Party]) -> Filed {
        Filed {
            doc_type: doc_type.into(),
            has_file,
            signed: signed.to_vec(),
        }
    }

    // R-ARC-3
    #[test]
    fn an_archive_is_established_only_with_every_document_scan_and_signature() {
        let checklist = vec![
            requirement("purchase_contract", true, &[]),
            requirement(
                "fees_due",
                true,
                &[Party::Owner, Party::Staff, Party::Finance],
            ),
            requirement("decoration_agreement", false, &[Party::Owner]),
        ];
        let none = gaps(&checklist, &[]);
        assert_eq!(status(false, &none), ArchiveStatus::Opening);
        assert_eq!(
            none.iter()
                .map(|g| (g.doc_type.as_str(), g.lack))
                .collect::<Vec<_>>(),
            [
                ("purchase_contract", Lack::Document),
                ("fees_due", Lack::Document)
            ],
            "an optional document not filed is not lacking"
        );

        let catalogue = vec![
            filed("purchase_contract", true, &[]),
            filed("fees_due", true, &[Party::Owner, Party::Staff]),
            filed("decoration_agreement", false, &[]),
        ];
        let some = gaps(&checklist, &catalogue);
        assert_eq!(status(true, &some), ArchiveStatus::Incomplete);
        assert_eq!(
            some.iter()
                .map(|g| (g.doc_type.as_str(), g.lack, g.responsible))
                .collect::<Vec<_>>(),
            [
                (
                    "fees_due",
                    Lack::FinanceSignature,
                    ResponsibleParty::Finance
                ),
                ("decoration_agreement", Lack::Scan, ResponsibleParty::Desk),
                (
                    "decoration_agreement",
                    Lack::OwnerSignature,
                    ResponsibleParty::Owner
                ),
            ]
        );

        let mut complete = catalogue.clone();
        complete[1].signed.push(Party::Finance);
        complete[2] = filed("decoration_agreement", true, &[Party::Owner]);
        // A second, unsigned copy does not undo the signed one.
        complete.push(filed("fees_due", true, &[]));
        let nothing = gaps(&checklist, &complete);
        assert!(nothing.is_empty(), "{nothing:?}");
        assert_eq!(status(true, &nothing), ArchiveStatus::Established);
    }

    // R-ARC-6
    #[test]
    fn the_residence_stage_follows_the_months_since_move_in() {
        let moved_in: NaiveDate = "2025-01-15".parse().unwrap();
        for (today, stage) in [
            ("2025-01-15", ResidenceStage::New),
            ("2025-07-14", ResidenceStage::New),
            ("2025-07-15", ResidenceStage::Settling),
            ("2026-01-14", ResidenceStage::Settling),
            ("2026-01-15", ResidenceStage::Stable),
            ("2027-01-15", ResidenceStage::Stable),
            ("2027-01-16", ResidenceStage::LongTerm),
        ] {
            let today: NaiveDate = today.parse().unwrap();
            assert_eq!(residence_stage(moved_in, today), stage, "{today}");
            // The list's date range of the stage holds exactly the dates of that stage.
            let (after, until) = moved_in_between(stage, today);
            assert!(after.is_none_or(|a| moved_in > a), "{today} {stage:?}");
            assert!(until.is_none_or(|u| moved_in <= u), "{today} {stage:?}");
            for other in ResidenceStage::ALL.iter().filter(|s| **s != stage) {
                let (after, until) = moved_in_between(*other, today);
                assert!(
                    after.is_some_and(|a| moved_in <= a) || until.is_some_and(|u| moved_in > u),
                    "{today}: {other:?} should not hold it"
                );
            }
        }
    }
}
