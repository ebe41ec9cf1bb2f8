//! The Insight PSD2 Sandbox: a bank (ASPSP) that speaks the NextGenPSD2 XS2A AIS API, with redirect SCA at its
//! own page and scenario PSU ids that behave like hard real banks (README, *PSD2 banks*). The portal mounts it at
//! `/sandbox/xs2a` (off with `APP_XS2A_SANDBOX=off`); tests also serve it on a port of its own.

pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
