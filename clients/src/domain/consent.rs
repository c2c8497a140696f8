//! GDPR consents: what a customer agreed to be contacted for, when, how, and whether
//! they took it back.

use chrono::{DateTime, SubsecRound, Utc};

use super::{ClientsError, check_optional_text, check_text};

/// What a consent is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentPurpose {
    Newsletter,
    CommercialOffers,
    SatisfactionSurveys,
    TradeShowInvitations,
}

impl ConsentPurpose {
    pub const ALL: [ConsentPurpose; 4] = [
        ConsentPurpose::Newsletter,
        ConsentPurpose::CommercialOffers,
        ConsentPurpose::SatisfactionSurveys,
        ConsentPurpose::TradeShowInvitations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::Newsletter => "NEWSLETTER",
            ConsentPurpose::CommercialOffers => "COMMERCIAL_OFFERS",
            ConsentPurpose::SatisfactionSurveys => "SATISFACTION_SURVEYS",
            ConsentPurpose::TradeShowInvitations => "TRADE_SHOW_INVITATIONS",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ClientsError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ClientsError::invalid("purpose", format!("unknown purpose {s:?}")))
    }
}

/// The current state of a customer's consent for one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub purpose: ConsentPurpose,
    /// The answer given when the consent was collected.
    pub granted: bool,
    pub collected_at: DateTime<Utc>,
    /// How it was collected: web form, trade show, phone call…
    pub channel: String,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// What proves it (a form reference, a signed document's name…).
    pub proof: Option<String>,
}

impl Consent {
    pub fn new(
        purpose: ConsentPurpose,
        granted: bool,
        collected_at: DateTime<Utc>,
        channel: &str,
    ) -> Result<Self, ClientsError> {
        Consent {
            purpose,
            granted,
            collected_at,
            channel: channel.to_owned(),
            withdrawn_at: None,
            proof: None,
        }
        .validate()
    }

    pub fn validate(self) -> Result<Self, ClientsError> {
        // Every backend keeps microseconds: what is returned then equals what is read back.
        let collected_at = self.collected_at.trunc_subsecs(6);
        let withdrawn_at = self.withdrawn_at.map(|w| w.trunc_subsecs(6));
        if withdrawn_at.is_some_and(|w| w <= collected_at) {
            return Err(ClientsError::invalid(
                "withdrawn_at",
                "a consent is withdrawn after it was collected",
            ));
        }
        Ok(Consent {
            collected_at,
            withdrawn_at,
            channel: check_text("channel", &self.channel, 60)?,
            proof: check_optional_text("proof", self.proof, 1000)?,
            ..self
        })
    }

    /// The same consent, withdrawn at `at`.
    pub fn withdraw(self, at: DateTime<Utc>) -> Result<Self, ClientsError> {
        Consent {
            withdrawn_at: Some(at),
            ..self
        }
        .validate()
    }

    /// Whether the customer may be contacted for this purpose: granted and not withdrawn.
    pub fn is_effective(&self) -> bool {
        self.granted && self.withdrawn_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, day, 10, 0, 0).unwrap()
    }

    #[test]
    fn purposes_round_trip() {
        for p in ConsentPurpose::ALL {
            assert_eq!(ConsentPurpose::parse(p.as_str()).unwrap(), p);
        }
        assert!(ConsentPurpose::parse("SPAM").is_err());
    }

    #[test]
    fn withdrawal_comes_after_collection_and_ends_the_consent() {
        let c = Consent::new(ConsentPurpose::Newsletter, true, at(2), "formulaire web").unwrap();
        assert!(c.is_effective());
        assert!(c.clone().withdraw(at(1)).is_err());
        assert!(c.clone().withdraw(at(2)).is_err());
        let w = c.withdraw(at(3)).unwrap();
        assert!(w.granted && !w.is_effective());
        let refused =
            Consent::new(ConsentPurpose::CommercialOffers, false, at(2), "salon").unwrap();
        assert!(!refused.is_effective());
        assert!(Consent::new(ConsentPurpose::Newsletter, true, at(2), " ").is_err());
    }
}
