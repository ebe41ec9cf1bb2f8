use serde::{Deserialize, Serialize};
use std::fmt;

/// `queued` → `running` → `succeeded` | `partial` | `failed` (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportStatus {
    Queued,
    Running,
    Succeeded,
    Partial,
    Failed,
}

impl ImportStatus {
    pub const ALL: [ImportStatus; 5] = [
        ImportStatus::Queued,
        ImportStatus::Running,
        ImportStatus::Succeeded,
        ImportStatus::Partial,
        ImportStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Succeeded => "succeeded",
            ImportStatus::Partial => "partial",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw).ok_or_else(|| format!("unknown import status {raw:?}"))
    }

    pub fn is_finished(self) -> bool {
        matches!(self, ImportStatus::Succeeded | ImportStatus::Partial | ImportStatus::Failed)
    }
}

impl fmt::Display for ImportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in ImportStatus::ALL {
            assert_eq!(ImportStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(ImportStatus::parse("done").is_err());
    }
}
