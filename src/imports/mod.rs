//! Imports: the durable queue, the worker that runs an Auto import page by page, and the reads of what it
//! stored. Pages and exports of imported data live in `review`, the widget that queues imports in `widget`.

pub mod model;

#[cfg(feature = "ssr")]
pub mod server;
