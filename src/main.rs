// The server's allocator (see Cargo.toml); the browser build keeps the default.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use insight::platform::{config::Settings, startup::Application, telemetry};

    telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("audit") {
        std::process::exit(audit_command(&args[1..]).await);
    }
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

/// `insight audit verify`: recomputes every organisation's audit hash chain; exits 1 if one is broken.
#[cfg(feature = "ssr")]
async fn audit_command(args: &[String]) -> i32 {
    use insight::account::model::ChainStatus;
    use insight::account::server::audit;
    use insight::platform::{config::Settings, db::Db};
    if args.first().map(String::as_str) != Some("verify") || args.len() > 1 {
        eprintln!(
            "usage: insight audit verify   (checks every organisation's audit trail; DATABASE_URL as for the server)"
        );
        return 2;
    }
    let checked = async {
        let settings = Settings::from_env()?;
        let (db, _) = Db::connect(&settings.database_url).await?;
        audit::chain_entries_from_before(&db).await?;
        anyhow::Ok(audit::verify_all(&db).await?)
    };
    match checked.await {
        Err(e) => {
            eprintln!("audit verify could not run: {e:#}");
            2
        }
        Ok(results) => {
            let mut broken = 0;
            for (id, name, status) in results {
                match status {
                    ChainStatus::Verified { entries } => {
                        println!("organisation {id} ({name}): verified, {entries} entries")
                    }
                    ChainStatus::Broken { audit_event_id, .. } => {
                        broken += 1;
                        println!("organisation {id} ({name}): BROKEN at audit entry {audit_event_id}");
                    }
                }
            }
            i32::from(broken > 0)
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no server entry point; `hydrate()` in lib.rs is its start.
}
