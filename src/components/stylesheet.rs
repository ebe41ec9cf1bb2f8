//! The site's stylesheet link for the server-rendered shells.

use leptos::config::LeptosOptions;
use leptos::prelude::*;

/// `<link rel="stylesheet" id="leptos">` to the site's CSS under its hashed name. The name is read from the
/// build's hash file once per process: `leptos_meta::HashedStylesheet` reads that file on every page.
#[component]
pub fn SiteStylesheet(options: LeptosOptions) -> impl IntoView {
    let href = stylesheet_href(&options);
    view! { <link rel="stylesheet" id="leptos" href=href/> }
}

fn stylesheet_href(options: &LeptosOptions) -> String {
    let name = css_file_name(options);
    format!("/{}/{name}", options.site_pkg_dir)
}

#[cfg(feature = "ssr")]
fn css_file_name(options: &LeptosOptions) -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let hash = options
            .hash_files
            .then(|| {
                let path = std::env::current_exe().ok()?.with_file_name(options.hash_file.as_ref());
                let hashes = std::fs::read_to_string(path).ok()?;
                hashes.lines().find_map(|l| l.trim().strip_prefix("css:").map(|h| h.trim().to_string()))
            })
            .flatten();
        match hash {
            Some(hash) => format!("{}.{hash}.css", options.output_name),
            None => format!("{}.css", options.output_name),
        }
    })
    .clone()
}

#[cfg(not(feature = "ssr"))]
fn css_file_name(options: &LeptosOptions) -> String {
    format!("{}.css", options.output_name)
}
