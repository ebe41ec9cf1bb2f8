use tracing_subscriber::EnvFilter;

/// Logs go to stdout; `RUST_LOG` overrides the default level. Secrets never reach a log line because the
/// types that hold them print placeholders.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("insight=info,tower_http=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
