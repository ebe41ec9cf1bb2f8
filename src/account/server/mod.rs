//! Accounts on the server: password hashing, the portal session, the signed-in user, and the stores of
//! organisations, users, the team and the audit trail.

pub mod audit;
pub mod current_user;
pub mod guard;
pub mod login;
pub mod organisations;
pub mod password;
pub mod session;
pub mod team;
pub mod two_factor;
pub mod users;
