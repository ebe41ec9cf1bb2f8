//! The error codes of SPEC §6: shown to end users, sent to the page's `onError`, and stored with a failed
//! import. Each has a friendly message in every supported language.

use super::locale::Locale;
use super::text_enum::text_enum;

text_enum! {
    pub enum WidgetErrorCode {
        InvalidCredentials = "InvalidCredentials",
        InvalidOneTimeCode = "InvalidOneTimeCode",
        AccessBlocked = "AccessBlocked",
        AccessTemporarilyBlocked = "AccessTemporarilyBlocked",
        ServiceTemporarilyUnavailable = "ServiceTemporarilyUnavailable",
        SessionExpired = "SessionExpired",
        UnknownClient = "UnknownClient",
        OriginNotAllowed = "OriginNotAllowed",
        UserCancelled = "UserCancelled",
        /// The bank is not offered to this business (e.g. a sandbox bank while its *Sandbox banks* is off).
        TargetNotAvailable = "TargetNotAvailable",
        /// Embed options the server cannot accept (e.g. `autoImport.months` outside 1–24).
        InvalidOptions = "InvalidOptions",
        InternalError = "InternalError",
    }
}

impl WidgetErrorCode {
    /// The HTTP status a widget step answers with this code.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidCredentials | Self::InvalidOneTimeCode => 422,
            Self::AccessBlocked | Self::OriginNotAllowed | Self::TargetNotAvailable => 403,
            Self::AccessTemporarilyBlocked => 429,
            Self::ServiceTemporarilyUnavailable => 503,
            Self::SessionExpired | Self::UserCancelled => 409,
            Self::UnknownClient => 404,
            Self::InvalidOptions => 400,
            Self::InternalError => 500,
        }
    }

    /// Errors after which the user can simply try the same step again.
    pub fn can_retry_step(self) -> bool {
        matches!(self, Self::InvalidCredentials | Self::InvalidOneTimeCode)
    }

    /// Errors after which starting over (a new session) makes sense.
    pub fn can_start_over(self) -> bool {
        matches!(
            self,
            Self::ServiceTemporarilyUnavailable
                | Self::SessionExpired
                | Self::InternalError
                | Self::AccessTemporarilyBlocked
                | Self::TargetNotAvailable
        )
    }

    pub fn message(self, locale: Locale) -> &'static str {
        use Locale::*;
        match (self, locale) {
            (Self::InvalidCredentials, En) => "The login or password is not correct. Please check them and try again.",
            (Self::InvalidCredentials, Pl) => "Login lub hasło są nieprawidłowe. Sprawdź je i spróbuj ponownie.",
            (Self::InvalidOneTimeCode, En) => "That code is not correct. Please check the code from your bank and try again.",
            (Self::InvalidOneTimeCode, Pl) => "Kod jest nieprawidłowy. Sprawdź kod z banku i spróbuj ponownie.",
            (Self::AccessBlocked, En) => "Your bank has blocked access to this account. Please contact your bank.",
            (Self::AccessBlocked, Pl) => "Bank zablokował dostęp do tego konta. Skontaktuj się ze swoim bankiem.",
            (Self::AccessTemporarilyBlocked, En) => "Access is blocked for now after too many attempts. Please try again later.",
            (Self::AccessTemporarilyBlocked, Pl) => "Dostęp jest chwilowo zablokowany po zbyt wielu próbach. Spróbuj ponownie później.",
            (Self::ServiceTemporarilyUnavailable, En) => "Your bank is not answering right now. Please try again in a few minutes.",
            (Self::ServiceTemporarilyUnavailable, Pl) => "Twój bank chwilowo nie odpowiada. Spróbuj ponownie za kilka minut.",
            (Self::SessionExpired, En) => "This session has expired. Please start again.",
            (Self::SessionExpired, Pl) => "Sesja wygasła. Zacznij od początku.",
            (Self::UnknownClient, En) => "This bank connection is not set up correctly (unknown Client ID). Please tell the website owner.",
            (Self::UnknownClient, Pl) => "To połączenie z bankiem nie jest poprawnie skonfigurowane (nieznany Client ID). Poinformuj właściciela strony.",
            (Self::OriginNotAllowed, En) => "This website is not allowed to use this bank connection. Please tell the website owner.",
            (Self::OriginNotAllowed, Pl) => "Ta strona nie może korzystać z tego połączenia z bankiem. Poinformuj właściciela strony.",
            (Self::UserCancelled, En) => "You cancelled the bank connection.",
            (Self::UserCancelled, Pl) => "Anulowano połączenie z bankiem.",
            (Self::TargetNotAvailable, En) => "This bank is not available here. Please choose another bank.",
            (Self::TargetNotAvailable, Pl) => "Ten bank nie jest tu dostępny. Wybierz inny bank.",
            (Self::InvalidOptions, En) => "This bank connection is not set up correctly (invalid options). Please tell the website owner.",
            (Self::InvalidOptions, Pl) => "To połączenie z bankiem nie jest poprawnie skonfigurowane (błędne opcje). Poinformuj właściciela strony.",
            (Self::InternalError, En) => "Something went wrong on our side. Please try again.",
            (Self::InternalError, Pl) => "Coś poszło nie tak po naszej stronie. Spróbuj ponownie.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_distinct_message_in_each_language() {
        for code in WidgetErrorCode::ALL {
            assert_eq!(WidgetErrorCode::parse(code.as_str()).ok(), Some(code));
            let (en, pl) = (code.message(Locale::En), code.message(Locale::Pl));
            assert!(!en.is_empty() && !pl.is_empty() && en != pl, "{code:?}");
        }
    }
}
