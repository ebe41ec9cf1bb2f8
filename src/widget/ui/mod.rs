//! The widget's page in the portal: the business's configuration, snippet and live preview. The widget's
//! own steps are server-rendered HTML (`widget::server::embed`): an applicant's phone loads no wasm.

pub mod settings;
