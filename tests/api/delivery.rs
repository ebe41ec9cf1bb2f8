//! How responses travel: no Nagle stall on keep-alive connections, content-hashed assets cached for a year and
//! sent compressed (precompressed variants first, else compressed on the fly), the loader revalidated by its
//! ETag, pages compressed while they stream, and a long streamed export arriving whole in every encoding.

use crate::helpers::*;
use std::io::Write;
use std::time::{Duration, Instant};

const CSS: &str = "pkg/insight.AbCdEfGhIjKlMnOpQrStUv.css";
const WASM: &str = "pkg/insight.AbCdEfGhIjKlMnOpQrStUw.wasm";

/// A site with two hashed assets: the CSS precompressed (brotli and gzip) as the release build writes it, the
/// wasm not (as a debug build leaves it).
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    let css: String = (0..400).map(|i| format!(".rule-{i} {{ color: #{i:06x}; margin: {i}px; }}\n")).collect();
    std::fs::write(dir.path().join(CSS), &css).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(css.as_bytes()).unwrap();
    std::fs::write(dir.path().join(format!("{CSS}.gz")), gz.finish().unwrap()).unwrap();
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut css.as_bytes(), &mut br, &brotli::enc::BrotliEncoderParams::default()).unwrap();
    std::fs::write(dir.path().join(format!("{CSS}.br")), br).unwrap();
    let wasm: Vec<u8> = (0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
    std::fs::write(dir.path().join(WASM), wasm).unwrap();
    dir
}

/// A client that shows the wire: no transparent decompression.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().no_brotli().build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_requests_on_one_keep_alive_connection_do_not_wait_for_delayed_acks() {
    let site = site();
    let app = spawn_app_serving(site.path().to_str().unwrap(), |_| {}).await;
    let c = reqwest::Client::builder().pool_max_idle_per_host(1).http1_only().build().unwrap();
    let url = app.url(&format!("/{CSS}"));
    assert!(c.get(&url).send().await.unwrap().status().is_success(), "warm-up");
    let started = Instant::now();
    for _ in 0..10 {
        let r = c.get(&url).send().await.unwrap();
        assert!(r.status().is_success());
        r.bytes().await.unwrap();
    }
    let took = started.elapsed();
    // With Nagle's algorithm on, each streamed file waited ~40 ms for the client's delayed ACK (400 ms here).
    assert!(took < Duration::from_millis(200), "ten keep-alive requests took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_are_cached_for_a_year_and_sent_compressed() {
    let site = site();
    let app = spawn_app_serving(site.path().to_str().unwrap(), |_| {}).await;
    let c = raw_client();
    // Precompressed variants first (brotli included); else gzip on the fly.
    for (file, accepted, encoding) in [
        (CSS, "br", "br"),
        (CSS, "gzip", "gzip"),
        (CSS, "br, gzip", "br"),
        (WASM, "gzip", "gzip"),
        (WASM, "br, gzip", "gzip"),
    ] {
        let r = c.get(app.url(&format!("/{file}"))).header("accept-encoding", accepted).send().await.unwrap();
        assert_eq!(r.status(), 200, "{file}");
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable", "{file}");
        assert_eq!(r.headers()["content-encoding"], encoding, "{file} for a client accepting {accepted}");
        assert!(r.headers()["vary"].to_str().unwrap().to_lowercase().contains("accept-encoding"), "{file}");
        let original = std::fs::metadata(site.path().join(file)).unwrap().len();
        let sent = r.bytes().await.unwrap().len() as u64;
        assert!(sent < original / 2, "{file}: {sent} bytes sent of {original}");
    }
    // A browser decompresses what it was sent back to the very file.
    let decoding = reqwest::Client::new();
    let css = decoding.get(app.url(&format!("/{CSS}"))).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(css.bytes().await.unwrap(), std::fs::read(site.path().join(CSS)).unwrap());
    let plain = c.get(app.url(&format!("/{CSS}"))).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "no encoding for a client that accepts none");
    let other = c.get(app.url("/favicon-that-is-not-hashed.svg")).send().await.unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loader_keeps_a_short_max_age_and_answers_its_etag_with_304() {
    let app = spawn_app().await;
    let c = raw_client();
    let first = c.get(app.url("/signin-widget.js")).send().await.unwrap();
    assert_eq!(first.headers()["cache-control"], "public, max-age=300");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = c.get(app.url("/signin-widget.js")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let stale = c.get(app.url("/signin-widget.js")).header("if-none-match", "\"old\"").send().await.unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_and_a_long_streamed_export_arrives_whole_in_every_encoding() {
    let app = spawn_app().await;
    let (client_id, _, owner) = app.business("delivery@example.com").await;
    let import_id = app.widget_sign_in(&WidgetRun::new(&client_id, "test")).await.unwrap().import_id.unwrap();
    app.run_imports().await;
    let raw = raw_client();
    // Pages stream compressed with gzip, also for a browser that would take brotli (see startup.rs).
    let page = raw.get(app.url("/banks")).header("accept-encoding", "br, gzip").send().await.unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");
    assert_eq!(page.headers()["vary"], "accept-encoding");
    let mut sizes = Vec::new();
    for encoding in ["gzip", "identity"] {
        // The owner's client decompresses, as a browser does; the encoding asked for is set by hand.
        let r = owner
            .get(app.url(&format!("/applications/{import_id}/export.json")))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let json: serde_json::Value = r.json().await.unwrap_or_else(|e| panic!("{encoding}: {e}"));
        let transactions: usize =
            json["accounts"].as_array().unwrap().iter().map(|a| a["transactions"].as_array().unwrap().len()).sum();
        sizes.push(transactions);
    }
    assert!(sizes[0] > 1000 && sizes[1] == sizes[0], "{sizes:?}");
}
