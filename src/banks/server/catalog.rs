//! The catalog of enabled bank targets, shared by the widget, `/banks` and the import worker.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::clock::{system_clock, Clock};
use super::demo::{DemoBank, DemoTarget};
use super::types::{Health, TargetId, TargetInfo};
use super::Connector;
use crate::banks::model::Environment;

/// Enabled connectors in display order.
#[derive(Clone)]
pub struct Catalog {
    connectors: Vec<Arc<dyn Connector>>,
    /// The last probe's answer per target (`probe_all`); a target never probed shows its own `health`.
    health: Arc<RwLock<HashMap<TargetId, Health>>>,
}

impl Catalog {
    /// All Demo Bank targets on the real date.
    pub fn with_demo_banks() -> Self {
        Self::with_demo_banks_at(system_clock())
    }

    /// All Demo Bank targets with an injected "today".
    pub fn with_demo_banks_at(today: Clock) -> Self {
        let connectors = DemoTarget::ALL
            .into_iter()
            .map(|t| Arc::new(DemoBank::new(t, today.clone())) as Arc<dyn Connector>)
            .collect();
        Self::from_connectors(connectors)
    }

    /// The demo banks on the real date, minus the `disabled` targets (from configuration).
    pub fn from_config(disabled: &[TargetId]) -> Self {
        Self::with_demo_banks().with_disabled(disabled)
    }

    /// A catalog of the given connectors, in that order (for future real connectors and tests).
    pub fn from_connectors(connectors: Vec<Arc<dyn Connector>>) -> Self {
        Self { connectors, health: Arc::default() }
    }

    /// The same catalog with `more` connectors after its own (PSD2 banks of the registry, the sandbox bank).
    pub fn with_more(mut self, more: Vec<Arc<dyn Connector>>) -> Self {
        self.connectors.extend(more);
        self
    }

    /// Asks every target whether it answers; `/banks` shows the result.
    pub async fn probe_all(&self) {
        let answers = futures::future::join_all(
            self.connectors.iter().map(|c| async move { (c.info().id.clone(), c.probe().await) }),
        )
        .await;
        let mut health = self.health.write().unwrap_or_else(|e| e.into_inner());
        health.extend(answers);
    }

    /// Drops every sandbox target (`APP_SANDBOX=off`: a live-only instance).
    pub fn without_sandbox(mut self) -> Self {
        self.connectors.retain(|c| c.info().environment != Environment::Sandbox);
        self
    }

    /// Drops the `disabled` targets; unknown ids are ignored.
    pub fn with_disabled(mut self, disabled: &[TargetId]) -> Self {
        self.connectors.retain(|c| !disabled.contains(&c.info().id));
        self
    }

    pub fn get(&self, id: &str) -> Option<Arc<dyn Connector>> {
        self.connectors.iter().find(|c| c.info().id.as_str() == id).cloned()
    }

    /// The bank's display name for a target id, or the id itself for a target no longer offered.
    pub fn display_name(&self, id: &str) -> String {
        self.get(id).map(|c| c.info().name.clone()).unwrap_or_else(|| id.to_string())
    }

    /// The environment of a target; one no longer offered is taken for live unless it is a Demo Bank id.
    pub fn environment(&self, id: &str) -> Environment {
        match self.get(id) {
            Some(c) => c.info().environment,
            None if id.starts_with("demo-") => Environment::Sandbox,
            None => Environment::Live,
        }
    }

    pub fn list(&self) -> Vec<TargetInfo> {
        let health = self.health.read().unwrap_or_else(|e| e.into_inner());
        self.connectors
            .iter()
            .map(|c| {
                let mut info = c.info().clone();
                if let Some(h) = health.get(&info.id) {
                    info.health = *h;
                }
                info
            })
            .collect()
    }

    /// Countries with at least one enabled target, sorted, without duplicates.
    pub fn countries(&self) -> Vec<String> {
        let mut countries: Vec<String> = self.connectors.iter().map(|c| c.info().country.clone()).collect();
        countries.sort();
        countries.dedup();
        countries
    }
}

#[cfg(test)]
mod tests {
    use super::super::clock::fixed_clock;
    use super::*;
    use chrono::NaiveDate;

    fn catalog() -> Catalog {
        Catalog::with_demo_banks_at(fixed_clock(NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()))
    }

    #[test]
    fn the_catalog_lists_the_three_demo_targets_in_order() {
        let ids: Vec<String> = catalog().list().into_iter().map(|t| t.id.to_string()).collect();
        assert_eq!(ids, ["demo-pl", "demo-de", "demo-business"]);
        let c = catalog();
        let de = c.get("demo-de").expect("demo-de is listed");
        assert_eq!(de.info().currency, "EUR");
        assert_eq!(de.info().name, "Insight Demo Bank DE");
        assert!(c.get("nope").is_none());
        assert_eq!(c.countries(), ["DE", "PL"]);
    }

    #[test]
    fn a_disabled_target_disappears_from_list_get_and_countries() {
        let c = catalog().with_disabled(&[TargetId::parse("demo-de").unwrap()]);
        let ids: Vec<String> = c.list().into_iter().map(|t| t.id.to_string()).collect();
        assert_eq!(ids, ["demo-pl", "demo-business"]);
        assert!(c.get("demo-de").is_none());
        assert_eq!(c.countries(), ["PL"]);
        assert_eq!(Catalog::from_config(&[]).list().len(), 3);
        assert!(catalog().without_sandbox().list().is_empty(), "the Demo Bank is a sandbox");
    }

    #[test]
    fn every_demo_target_is_a_sandbox_with_owners_accounts_and_transactions() {
        for info in catalog().list() {
            assert_eq!(info.environment, Environment::Sandbox);
            assert!(info.scope.owners && info.scope.accounts && info.scope.transactions);
            assert!(!info.scope.cards);
            assert_eq!(info.auth.as_str(), "credentials_and_one_time_code");
            assert_eq!(info.health.as_str(), "up");
        }
    }
}
