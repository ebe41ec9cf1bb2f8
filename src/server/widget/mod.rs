//! The embeddable SignIn Widget, server side: the loader script, the framing policy, signatures and the
//! sign-in steps that talk to the bank connectors.

pub mod http;
pub mod rate_limit;
pub mod signature;
pub mod signin;
