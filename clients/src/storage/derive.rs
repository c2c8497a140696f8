//! The current consent of each customer per purpose, derived from the consents its
//! contacts gave: the most recently collected one stands for the customer.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use bascule_platform::db::record::{self, Stored};
use bascule_platform::db::{DbError, Tx};

use super::contacts::{ContactConsentRecord, ContactRecord};
use super::records::ConsentRecord;
use crate::domain::Consent;

/// Which of two consents for the same customer and purpose stands for the customer:
/// the one collected last; at the same instant the one that does NOT allow contacting
/// (refused or withdrawn), since one person's refusal outweighs another's agreement;
/// then the one withdrawn first, then by channel and proof so that the choice never
/// depends on the order rows are read in.
fn supersedes(a: &Consent, b: &Consent) -> Ordering {
    a.collected_at
        .cmp(&b.collected_at)
        .then_with(|| b.is_effective().cmp(&a.is_effective()))
        .then_with(|| match (a.withdrawn_at, b.withdrawn_at) {
            (Some(x), Some(y)) => y.cmp(&x),
            (x, y) => x.is_some().cmp(&y.is_some()),
        })
        .then_with(|| a.channel.cmp(&b.channel))
        .then_with(|| a.proof.cmp(&b.proof))
}

/// Writes, for every customer and purpose its contacts gave a consent for, the consent
/// that stands for the customer (see [`supersedes`]). Idempotent: an unchanged consent is
/// not rewritten, and a customer consent recorded later than every contact's (through
/// the API, after the migration) is kept. Returns a line for the migration report.
pub async fn derive_customer_consents(tx: &mut Tx) -> Result<String, DbError> {
    let customer_of: HashMap<String, String> = record::list_all::<ContactRecord>(tx, &[])
        .await?
        .into_iter()
        .map(|c| (c.id, c.value.customer_id))
        .collect();
    let given = record::list_all::<ContactConsentRecord>(tx, &[]).await?;
    let total = given.len();
    let mut current: BTreeMap<(String, &'static str), Consent> = BTreeMap::new();
    for c in given {
        let Some(customer) = customer_of.get(&c.value.contact_id) else {
            continue;
        };
        let consent = c.value.consent;
        let key = (customer.clone(), consent.purpose.as_str());
        match current.get(&key) {
            Some(best) if supersedes(best, &consent) != Ordering::Less => {}
            _ => {
                current.insert(key, consent);
            }
        }
    }
    let existing: HashMap<(String, &'static str), Stored<ConsentRecord>> =
        record::list_all::<ConsentRecord>(tx, &[])
            .await?
            .into_iter()
            .map(|s| {
                (
                    (
                        s.value.customer_id.clone(),
                        s.value.consent.purpose.as_str(),
                    ),
                    s,
                )
            })
            .collect();
    let (mut inserted, mut updated, mut kept) = (0, 0, 0);
    let derived = current.len();
    for ((customer_id, purpose), consent) in current {
        let row = ConsentRecord {
            customer_id: customer_id.clone(),
            consent,
        };
        match existing.get(&(customer_id, purpose)) {
            None => {
                record::insert(tx, row).await?;
                inserted += 1;
            }
            Some(s) if s.value.consent == row.consent => kept += 1,
            Some(s) if s.value.consent.collected_at > row.consent.collected_at => kept += 1,
            Some(s) => {
                record::update(tx, &s.id, s.revision, row).await?;
                updated += 1;
            }
        }
    }
    Ok(format!(
        "customer_consent: {derived} consents per customer and purpose derived from {total} \
         contact consents ({} superseded by a more recent one of the same customer): \
         {inserted} inserted, {updated} updated, {kept} unchanged",
        total.saturating_sub(derived)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ConsentPurpose;
    use chrono::{TimeZone, Utc};

    fn consent(day: u32, granted: bool, withdrawn: Option<u32>) -> Consent {
        let at = |d| Utc.with_ymd_and_hms(2024, 5, d, 10, 0, 0).unwrap();
        Consent {
            purpose: ConsentPurpose::Newsletter,
            granted,
            collected_at: at(day),
            channel: "salon".into(),
            withdrawn_at: withdrawn.map(at),
            proof: None,
        }
    }

    #[test]
    fn the_latest_consent_stands_and_refusal_wins_ties() {
        let (old, new) = (consent(1, true, None), consent(2, true, None));
        assert_eq!(supersedes(&new, &old), Ordering::Greater);
        assert_eq!(supersedes(&old, &new), Ordering::Less);
        let refused = consent(2, false, None);
        assert_eq!(supersedes(&refused, &new), Ordering::Greater);
        let withdrawn = consent(2, true, Some(9));
        assert_eq!(supersedes(&withdrawn, &new), Ordering::Greater);
        assert_eq!(
            supersedes(&consent(2, true, Some(3)), &withdrawn),
            Ordering::Greater
        );
        assert_eq!(supersedes(&new, &new.clone()), Ordering::Equal);
    }
}
