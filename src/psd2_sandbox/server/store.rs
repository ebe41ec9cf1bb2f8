//! The sandbox bank's consents and authorisations, with the rules a strict bank enforces: consent status,
//! `frequencyPerDay` for reads without the applicant, and the 90-day window after SCA.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::banks::server::{BankSession, BankTransaction};
use crate::platform::now_ms;
use crate::shared::text_enum::text_enum;

text_enum! {
    /// The scenario PSU ids (README, *PSD2 banks*).
    pub enum Psu {
        Ok = "psu-ok",
        Cancel = "psu-cancel",
        Expired = "psu-expired",
        TooMany = "psu-429",
        Pending = "psu-pending",
        NoTransactionId = "psu-no-txid",
        Paged = "psu-paged",
        Slow = "psu-slow",
    }
}

impl Psu {
    pub fn description(self) -> &'static str {
        crate::psd2_sandbox::model::PSU_SCENARIOS.iter().find(|(id, _)| *id == self.as_str()).map_or("", |(_, d)| d)
    }
}

text_enum! {
    pub enum ConsentState {
        Received = "received",
        Valid = "valid",
        Rejected = "rejected",
        Expired = "expired",
        TerminatedByTpp = "terminatedByTpp",
    }
}

text_enum! {
    pub enum ScaState {
        Received = "received",
        Finalised = "finalised",
        Failed = "failed",
    }
}

/// How long after SCA history older than 90 days may be read.
pub const FULL_HISTORY_AFTER_SCA_MS: i64 = 60 * 60 * 1000;
const MAX_CONSENTS: usize = 10_000;

pub struct Consent {
    pub id: String,
    pub authorisation_id: String,
    pub state: ConsentState,
    pub sca: ScaState,
    pub redirect_uri: String,
    pub nok_redirect_uri: Option<String>,
    pub valid_until: NaiveDate,
    pub frequency_per_day: u32,
    pub recurring: bool,
    pub created_at: i64,
    pub psu: Option<Psu>,
    pub sca_at: Option<i64>,
    pub last_action: NaiveDate,
    /// The Demo Bank session behind the approved consent (the sandbox's data).
    pub demo_session: Option<BankSession>,
    /// Reads without `PSU-IP-Address` per (day, endpoint).
    pub unattended: HashMap<(NaiveDate, String), u32>,
    /// 429 answers given so far (`psu-429`).
    pub refused: u32,
    /// Accounts whose first page was served once (`psu-pending`).
    pub pending_shown: Vec<String>,
}

/// A generated history: consent, account and window.
pub type HistoryKey = (String, String, NaiveDate, NaiveDate);
/// Generated histories kept at once, across all consents (the sandbox is reachable by anyone: bounded).
const HISTORIES_KEPT: usize = 32;

#[derive(Default)]
pub struct Store {
    pub consents: HashMap<String, Consent>,
    /// authorisation id → consent id
    pub authorisations: HashMap<String, String>,
    histories: HashMap<HistoryKey, Arc<Vec<BankTransaction>>>,
    history_order: std::collections::VecDeque<HistoryKey>,
}

impl Store {
    pub fn insert(&mut self, consent: Consent) {
        if self.consents.len() >= MAX_CONSENTS {
            // The oldest half goes: a sandbox keeps what a test or a demo needs.
            let mut by_age: Vec<(i64, String)> = self.consents.values().map(|c| (c.created_at, c.id.clone())).collect();
            by_age.sort();
            for (_, id) in by_age.into_iter().take(MAX_CONSENTS / 2) {
                if let Some(c) = self.consents.remove(&id) {
                    self.authorisations.remove(&c.authorisation_id);
                }
            }
        }
        self.authorisations.insert(consent.authorisation_id.clone(), consent.id.clone());
        self.consents.insert(consent.id.clone(), consent);
    }

    pub fn by_authorisation(&mut self, authorisation: &str) -> Option<&mut Consent> {
        let id = self.authorisations.get(authorisation)?.clone();
        self.consents.get_mut(&id)
    }

    pub fn history(&self, key: &HistoryKey) -> Option<Arc<Vec<BankTransaction>>> {
        self.histories.get(key).cloned()
    }

    pub fn keep_history(&mut self, key: HistoryKey, history: Arc<Vec<BankTransaction>>) {
        if self.histories.insert(key.clone(), history).is_none() {
            self.history_order.push_back(key);
        }
        while self.history_order.len() > HISTORIES_KEPT {
            if let Some(old) = self.history_order.pop_front() {
                self.histories.remove(&old);
            }
        }
    }

    /// A transaction of a consent's generated histories, by the bank's id.
    pub fn find_transaction(&self, consent: &str, id: &str) -> Option<BankTransaction> {
        self.histories
            .iter()
            .filter(|(k, _)| k.0 == consent)
            .flat_map(|(_, h)| h.iter())
            .find(|t| t.provider_id == id)
            .cloned()
    }

    pub fn age_sca(&mut self, minutes: i64) {
        for c in self.consents.values_mut() {
            c.sca_at = c.sca_at.map(|t| t - minutes * 60_000);
        }
    }
}

impl Consent {
    /// Whether a read of `endpoint` without the applicant is within the consent's `frequencyPerDay`; counts it.
    pub fn count_unattended(&mut self, today: NaiveDate, endpoint: &str) -> bool {
        let n = self.unattended.entry((today, endpoint.to_string())).or_insert(0);
        if *n >= self.frequency_per_day {
            return false;
        }
        *n += 1;
        true
    }

    /// History before `today - 90 days` only shortly after SCA (RTS Art. 10a).
    pub fn may_read_from(&self, today: NaiveDate, from: NaiveDate) -> bool {
        let recent = today - chrono::Days::new(90);
        from >= recent || self.sca_at.is_some_and(|at| now_ms() - at < FULL_HISTORY_AFTER_SCA_MS)
    }
}
