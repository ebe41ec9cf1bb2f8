//! Errors of a submitted form, as signals the fields and the form-level message read.

use crate::error::AppError;
use leptos::prelude::*;

/// The message for `field` from the last submission's error, if any.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(field))))
}

/// A form-level message for errors that are not about one field.
pub fn form_error(error: Signal<Option<AppError>>) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|e| match e {
            Some(AppError::Invalid(errors)) => errors.get("form").map(str::to_string),
            Some(e) => Some(e.to_string()),
            None => None,
        })
    })
}

/// The error of an action's latest result, as a plain signal.
pub fn last_error<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.get().and_then(|r| r.err()))
}
