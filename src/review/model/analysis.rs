//! What the bank data says, summarised for a reviewer (SPEC §7): money in and out per month, balance over
//! time, regular income, where the money goes, and flags worth a second look.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MonthFlow {
    /// `YYYY-MM`
    pub month: String,
    pub inflow_minor: i64,
    pub outflow_minor: i64,
    pub transactions: i64,
    /// Sum of the accounts' balances after their last transaction of the month, where known.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub end_balance_minor: Option<i64>,
    /// The lowest balance any account showed after a transaction of the month.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub lowest_balance_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeSource {
    pub party: String,
    pub months: i64,
    pub average_minor: i64,
    /// The payments behind the average, and their sum (what the evidence link lists).
    #[serde(default)]
    pub payments: i64,
    #[serde(default)]
    pub total_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindTotal {
    pub kind: String,
    pub count: i64,
    pub total_minor: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub currency: String,
    pub months: Vec<MonthFlow>,
    pub income: Vec<IncomeSource>,
    pub kinds: Vec<KindTotal>,
    pub cash_withdrawn_minor: i64,
    /// Transfers between the applicant's own accounts (party IBAN among the import's accounts, or the party is
    /// one of the owners): left out of income, inflow and outflow, which would otherwise count them twice.
    #[serde(default)]
    pub own_transfers: i64,
    pub flags: Vec<String>,
    /// Income per source type for M-0..M-2 and the 90 days up to the application (SPEC-style income check).
    #[serde(default)]
    pub income_confirmation: crate::review::model::income::IncomeConfirmation,
    /// Recurring obligations, affordability and the risk signals.
    #[serde(default)]
    pub assessment: crate::review::model::obligations::Assessment,
    /// Days on which an account ended below zero, and the payments that took a balance below zero.
    #[serde(default)]
    pub negative_balance_days: i64,
    #[serde(default)]
    pub negative_balance_transactions: i64,
    /// Cash withdrawals of `LARGE_CASH_MINOR` or more: how many, and the sum withdrawn.
    #[serde(default)]
    pub large_cash_withdrawals: i64,
    #[serde(default)]
    pub large_cash_withdrawn_minor: i64,
    /// `applicantName` against the owners, when the business sent a name (read with the application, not
    /// stored with the figures).
    #[serde(default)]
    pub owner_check: Option<crate::review::model::obligations::OwnerCheck>,
}

impl Analysis {
    /// Adds the check of `applicantName` against the owners, and its flag first when no owner is the applicant.
    pub fn with_owner_check(mut self, check: crate::review::model::obligations::OwnerCheck) -> Self {
        // A bank that names no owner proves nothing either way.
        if !check.matches && !check.owners.is_empty() {
            let flag = format!(
                "The accounts belong to {}, not to the applicant {}.",
                check.owners.join(", "),
                check.applicant_name
            );
            self.flags.insert(0, flag);
        }
        self.owner_check = Some(check);
        self
    }

    /// Flags derived from the figures; each is a plain sentence a reviewer can act on.
    pub fn derive_flags(&mut self, partial: bool) {
        let mut flags = Vec::new();
        if partial {
            flags.push("History is incomplete: the bank stopped answering part-way.".to_string());
        }
        let overdrawn = self.months.iter().filter(|m| m.end_balance_minor.is_some_and(|b| b < 0)).count();
        if overdrawn > 0 {
            flags.push(format!("The balance ended {overdrawn} month(s) below zero."));
        }
        if self.income.is_empty() && !self.months.is_empty() {
            flags.push("No regular income found (no payer in three or more months).".to_string());
        }
        let full: Vec<&MonthFlow> = self.months.iter().filter(|m| m.transactions > 0).collect();
        let overspent = full.iter().filter(|m| -m.outflow_minor > m.inflow_minor).count();
        if !full.is_empty() && overspent * 2 > full.len() {
            flags.push(format!("Spending exceeded income in {overspent} of {} months.", full.len()));
        }
        if self.negative_balance_days > 0 {
            flags.push(format!("An account ended {} day(s) below zero.", self.negative_balance_days));
        }
        if self.large_cash_withdrawals > 0 {
            flags.push(format!("{} large cash withdrawal(s).", self.large_cash_withdrawals));
        }
        let mut risks: Vec<&str> = self.assessment.signals.iter().map(|s| s.code.as_str()).collect();
        risks.dedup();
        for code in risks {
            let label = match code {
                "risk:gambling" => "Payments to or from gambling operators.",
                "risk:payday-lender" => "Payday or short-term lenders.",
                "risk:debt-collection" => "Payments to debt collectors.",
                "risk:bailiff" => "Payments to a bailiff (enforcement).",
                "risk:returned-payment" => "Returned or bounced payments.",
                "risk:crypto" => "Payments to crypto exchanges.",
                _ => continue,
            };
            flags.push(label.to_string());
        }
        if self.assessment.affordability.income_minor > 0 && self.assessment.affordability.disposable_minor < 0 {
            flags.push("Obligations and living costs exceed the confirmed income.".to_string());
        }
        let outflow: i64 = self.months.iter().map(|m| -m.outflow_minor).sum();
        if outflow > 0 && self.cash_withdrawn_minor * 100 / outflow >= 30 {
            flags.push(format!("Cash withdrawals are {}% of all spending.", self.cash_withdrawn_minor * 100 / outflow));
        }
        self.flags = flags;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(m: &str, inflow: i64, outflow: i64, balance: i64) -> MonthFlow {
        MonthFlow {
            month: m.into(),
            inflow_minor: inflow,
            outflow_minor: outflow,
            transactions: 10,
            end_balance_minor: Some(balance),
            lowest_balance_minor: Some(balance),
        }
    }

    #[test]
    fn healthy_figures_raise_no_flags() {
        let mut a = Analysis {
            currency: "PLN".into(),
            months: vec![month("2026-01", 900_000, -700_000, 50_000), month("2026-02", 900_000, -800_000, 60_000)],
            income: vec![IncomeSource {
                party: "Employer".into(),
                months: 2,
                average_minor: 900_000,
                payments: 2,
                total_minor: 1_800_000,
            }],
            kinds: vec![],
            cash_withdrawn_minor: 10_000,
            ..Default::default()
        };
        a.derive_flags(false);
        assert!(a.flags.is_empty(), "{:?}", a.flags);
    }

    #[test]
    fn worrying_figures_are_flagged() {
        let mut a = Analysis {
            currency: "PLN".into(),
            months: vec![month("2026-01", 100_000, -300_000, -20_000), month("2026-02", 100_000, -300_000, -40_000)],
            income: vec![],
            kinds: vec![],
            cash_withdrawn_minor: 300_000,
            ..Default::default()
        };
        a.derive_flags(true);
        assert_eq!(a.flags.len(), 5, "{:?}", a.flags);
    }
}
