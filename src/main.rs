// The server's allocator (see Cargo.toml); the browser build keeps the default.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use insight::platform::{config::Settings, startup::Application, telemetry};

    telemetry::init();
    let run = async {
        let mut conf = leptos::config::get_configuration(None)?;
        // A build with hashed asset names leaves its hash file beside the binary; use it unless told otherwise,
        // so a release binary started by hand serves the names its pages link to.
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            let hash_file = std::env::current_exe()?.with_file_name(conf.leptos_options.hash_file.as_ref());
            conf.leptos_options.hash_files = hash_file.exists();
        }
        let addr = conf.leptos_options.site_addr;
        let app = Application::build(Settings::from_env()?, conf.leptos_options, addr).await?;
        app.run_until_stopped().await
    };
    if let Err(e) = run.await {
        // `{:#}` prints the whole cause chain on one line: the operator sees what failed and why.
        tracing::error!("Insight could not start: {e:#}");
        eprintln!("Insight could not start: {e:#}");
        std::process::exit(1);
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no server entry point; `hydrate()` in lib.rs is its start.
}
