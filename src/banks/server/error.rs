//! Errors a bank connector reports. Messages are for developers and logs; they never carry
//! credentials, one-time codes or session tokens, because errors end up in logs and in the UI.

use crate::shared::WidgetErrorCode;

/// Everything that can go wrong while talking to a bank.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("the bank rejected the login or password")]
    InvalidCredentials,
    #[error("the bank rejected the one-time code")]
    InvalidOneTimeCode,
    #[error("the bank has blocked access for this user")]
    AccessBlocked,
    #[error("the bank has temporarily blocked access for this user")]
    AccessTemporarilyBlocked,
    #[error("the bank is temporarily unavailable")]
    ServiceTemporarilyUnavailable,
    #[error("the bank session has expired or is not recognised")]
    SessionExpired,
    #[error("the bank did not answer in time")]
    Timeout,
    /// The bank's access limit (`429 ACCESS_EXCEEDED`): try again after the bank's `Retry-After`.
    #[error("the bank's access limit is used up for now")]
    AccessExceeded { retry_after_secs: u64 },
    /// The applicant cancelled or rejected the consent at the bank's own page.
    #[error("the user cancelled at the bank")]
    UserCancelled,
    #[error("unknown bank target")]
    UnknownTarget,
    #[error("internal connector error: {0}")]
    Internal(String),
}

impl BankError {
    /// The user-facing error code from SPEC §6.
    pub fn code(&self) -> WidgetErrorCode {
        WidgetErrorCode::from(self)
    }

    /// The precise variant name, for logs and import records (keeps `Timeout` distinct so an
    /// import can be marked `partial` rather than failed).
    pub fn internal_code(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "InvalidCredentials",
            Self::InvalidOneTimeCode => "InvalidOneTimeCode",
            Self::AccessBlocked => "AccessBlocked",
            Self::AccessTemporarilyBlocked => "AccessTemporarilyBlocked",
            Self::ServiceTemporarilyUnavailable => "ServiceTemporarilyUnavailable",
            Self::SessionExpired => "SessionExpired",
            Self::Timeout => "Timeout",
            Self::AccessExceeded { .. } => "AccessExceeded",
            Self::UserCancelled => "UserCancelled",
            Self::UnknownTarget => "UnknownTarget",
            Self::Internal(_) => "Internal",
        }
    }

    /// Whether retrying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::ServiceTemporarilyUnavailable | Self::Timeout | Self::AccessExceeded { .. })
    }

    /// How long the bank asked us to wait before the next call, when it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::AccessExceeded { retry_after_secs } => Some(std::time::Duration::from_secs(*retry_after_secs)),
            _ => None,
        }
    }
}

#[cfg(test)]
impl BankError {
    /// One value of every variant, for tests that must cover them all.
    pub(crate) fn examples() -> [BankError; 11] {
        [
            BankError::InvalidCredentials,
            BankError::InvalidOneTimeCode,
            BankError::AccessBlocked,
            BankError::AccessTemporarilyBlocked,
            BankError::ServiceTemporarilyUnavailable,
            BankError::SessionExpired,
            BankError::Timeout,
            BankError::AccessExceeded { retry_after_secs: 2 },
            BankError::UserCancelled,
            BankError::UnknownTarget,
            BankError::Internal("page cursor does not match this request".into()),
        ]
    }
}

/// `Timeout` is shown as `ServiceTemporarilyUnavailable`; problems that are ours, not the user's, are
/// `InternalError`.
impl From<&BankError> for WidgetErrorCode {
    fn from(e: &BankError) -> Self {
        match e {
            BankError::InvalidCredentials => Self::InvalidCredentials,
            BankError::InvalidOneTimeCode => Self::InvalidOneTimeCode,
            BankError::AccessBlocked => Self::AccessBlocked,
            BankError::AccessTemporarilyBlocked => Self::AccessTemporarilyBlocked,
            BankError::ServiceTemporarilyUnavailable | BankError::Timeout | BankError::AccessExceeded { .. } => {
                Self::ServiceTemporarilyUnavailable
            }
            BankError::UserCancelled => Self::UserCancelled,
            BankError::SessionExpired => Self::SessionExpired,
            BankError::UnknownTarget | BankError::Internal(_) => Self::InternalError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_is_shown_as_service_unavailable_but_logged_as_timeout() {
        assert_eq!(BankError::Timeout.code().as_str(), "ServiceTemporarilyUnavailable");
        assert_eq!(BankError::Timeout.internal_code(), "Timeout");
    }

    #[test]
    fn only_unavailability_and_timeouts_are_transient() {
        let all = BankError::examples();
        let transient: Vec<_> = all.iter().filter(|e| e.is_transient()).collect();
        assert_eq!(
            transient,
            [
                &BankError::ServiceTemporarilyUnavailable,
                &BankError::Timeout,
                &BankError::AccessExceeded { retry_after_secs: 2 }
            ]
        );
        assert_eq!(all[7].retry_after(), Some(std::time::Duration::from_secs(2)));
        assert_eq!(BankError::Timeout.retry_after(), None);
    }

    #[test]
    fn every_user_facing_code_is_one_of_the_spec_codes() {
        let spec = [
            "InvalidCredentials",
            "InvalidOneTimeCode",
            "AccessBlocked",
            "AccessTemporarilyBlocked",
            "ServiceTemporarilyUnavailable",
            "SessionExpired",
            "InternalError",
            "UserCancelled",
        ];
        for e in BankError::examples() {
            assert!(spec.contains(&e.code().as_str()), "{e:?}");
        }
    }
}
