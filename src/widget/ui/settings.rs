//! `/widget`: the business's control panel for the SignIn Widget — settings, embed snippet, live preview.

use crate::components::error_view::ErrorMessage;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use crate::shared::Locale;
use crate::widget::api::{get_widget_config, SaveWidgetConfig};
use crate::widget::model::embed::{CountryCode, EmbedOptions, Months};
use crate::widget::model::settings::{AllowedOrigin, WidgetConfigView, WidgetSettings};
use leptos::prelude::*;
use leptos_meta::Title;

fn country_name(code: &str) -> &str {
    match code {
        "PL" => "Poland",
        "DE" => "Germany",
        other => other,
    }
}

#[component]
pub fn WidgetSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveWidgetConfig>::new();
    let config = Resource::new(move || save.version().get(), |_| get_widget_config());
    view! {
        <Title text="Widget — Insight"/>
        // The Copy button's script: a file of Insight's own (the CSP refuses inline handlers), listening on the
        // document so it works before hydration and after client-side navigation alike.
        <script src="/copy-snippet.js" defer></script>
        <PortalPage>
            <h1>"SignIn Widget"</h1>
            <p class="lead">"Choose what the widget asks for, where it may be embedded, then copy the snippet into your website."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match config.await {
                        Ok(c) => view! { <WidgetForm c save/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

#[component]
fn WidgetForm(c: WidgetConfigView, save: ServerAction<SaveWidgetConfig>) -> impl IntoView {
    let s = c.settings.clone();
    let error = last_error(save.value());
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(_))));
    // Live values of the form, for the snippet and the preview before anything is saved.
    let auto_import = RwSignal::new(s.auto_import);
    let months = RwSignal::new(s.months.get().to_string());
    let locale = RwSignal::new(s.locale.as_str().to_string());
    let country = RwSignal::new(s.country.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default());
    let origins_text = s.allowed_origins.iter().map(AllowedOrigin::as_str).collect::<Vec<_>>().join("\n");
    let live = {
        let saved_origins = s.allowed_origins.clone();
        move || WidgetSettings {
            auto_import: auto_import.get(),
            months: Months::parse(&months.get()).unwrap_or(Months::DEFAULT),
            locale: Locale::parse(&locale.get()).unwrap_or_default(),
            country: CountryCode::parse(&country.get()).ok(),
            allowed_origins: saved_origins.clone(),
            sandbox_banks: s.sandbox_banks,
        }
    };
    let snippet = {
        let live = live.clone();
        let (origin, client_id) = (c.insight_origin.clone(), c.client_id.clone());
        move || live().embed_snippet(&origin, &client_id)
    };
    let preview_src = {
        let (origin, client_id) = (c.insight_origin.clone(), c.client_id.clone());
        move || {
            let l = live();
            let options = EmbedOptions {
                client_id: client_id.clone(),
                origin: origin.clone(),
                locale: Some(l.locale.as_str().to_string()),
                months: Some(l.months.get().to_string()),
                country: l.country.map(|c| c.as_str().to_string()),
                ..EmbedOptions::default()
            };
            format!("{origin}/embed/signin?{}", options.to_query())
        }
    };
    let disabled = !c.can_edit;
    let month_options = (1..=24)
        .map(|m| view! { <option value=m.to_string() selected=m == s.months.get()>{m}</option> })
        .collect_view();
    let country_options = c
        .countries
        .iter()
        .map(|code| {
            let selected = s.country.as_ref().is_some_and(|c| c.as_str() == code);
            view! { <option value=code.clone() selected=selected>{country_name(code).to_string()}</option> }
        })
        .collect_view();
    view! {
        <div class="grid widget-admin">
            <section class="card">
                <h2>"Settings"</h2>
                {disabled.then(|| view! { <p class="hint" role="note">"Only admins and technicians can change these settings. You can see them."</p> })}
                <ActionForm action=save>
                    <fieldset disabled=disabled>
                        <div class="check">
                            <input id="auto_import" type="checkbox" name="auto_import" value="on" checked=s.auto_import
                                on:change=move |ev| auto_import.set(event_target_checked(&ev))/>
                            <label for="auto_import">"Auto import"</label>
                        </div>
                        <p class="hint">"On: the import starts by itself when the applicant has authorised. Off: the sign-in is recorded without an import."</p>
                        <div class="check">
                            <input id="sandbox_banks" type="checkbox" name="sandbox_banks" value="on" checked=s.sandbox_banks/>
                            <label for="sandbox_banks">"Sandbox banks"</label>
                        </div>
                        <p class="hint">"On: the widget also offers test banks (the Demo Bank) with the logins from the Banks page; their imports carry a Sandbox badge. Turn it off in production, so nobody can fill your queue with test data."</p>
                        <div class="field">
                            <label for="months">"Months of history"</label>
                            <select id="months" name="months" on:change=move |ev| months.set(event_target_value(&ev))>{month_options}</select>
                            <p class="hint">"How far back transactions are imported (1–24). The snippet's autoImport.months may change it per page."</p>
                            <p class="field-error" aria-live="polite">{move || field_error(error, "months").get()}</p>
                        </div>
                        <div class="field">
                            <label for="locale">"Language"</label>
                            <select id="locale" name="locale" on:change=move |ev| locale.set(event_target_value(&ev))>
                                <option value="en" selected=s.locale == Locale::En>"English"</option>
                                <option value="pl" selected=s.locale == Locale::Pl>"Polish"</option>
                            </select>
                            <p class="field-error" aria-live="polite">{move || field_error(error, "locale").get()}</p>
                        </div>
                        <div class="field">
                            <label for="country">"Country"</label>
                            <select id="country" name="country" on:change=move |ev| country.set(event_target_value(&ev))>
                                <option value="" selected=s.country.is_none()>"All countries"</option>
                                {country_options}
                            </select>
                            <p class="hint">"Which banks the applicant can choose from."</p>
                            <p class="field-error" aria-live="polite">{move || field_error(error, "country").get()}</p>
                        </div>
                        <div class="field">
                            <label for="allowed_origins">"Allowed origins"</label>
                            <textarea id="allowed_origins" name="allowed_origins" rows="5" spellcheck="false">{origins_text}</textarea>
                            <p class="hint">"One per line, like https://shop.example or http://localhost:3000. Only these sites may show the widget; https is required except for localhost."</p>
                            <p class="field-error multiline" aria-live="polite">{move || field_error(error, "allowed_origins").get()}</p>
                        </div>
                        <p class="form-error" role="alert">{move || form_error(error).get().filter(|_| error.with(|e| !matches!(e, Some(crate::error::AppError::Invalid(_)))))}</p>
                        <button type="submit">"Save"</button>
                        <span class="saved" role="status">{move || saved.get().then_some("Saved.")}</span>
                    </fieldset>
                </ActionForm>
            </section>
            <section class="card">
                <h2>"Embed snippet"</h2>
                <p>"Paste this where the widget should appear on your page."</p>
                <pre class="snippet" id="embed-snippet" data-testid="embed-snippet">{snippet}</pre>
                <button type="button" class="secondary" id="copy-snippet">"Copy"</button>
                <h2 class="preview-title">"Live preview"</h2>
                <p class="hint">"The widget with the settings above, against the Demo Bank (login test, password Test123)."</p>
                <iframe class="preview" title="Widget preview" src=preview_src></iframe>
            </section>
        </div>
    }
}
