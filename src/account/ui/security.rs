//! `/settings/security`: turn two-factor sign-in on (scan the QR code or type the secret, confirm a code, keep
//! the recovery codes) or off; admins require it of every member.

use crate::account::api::security::{
    get_security, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor, RequireTwoFactor,
};
use crate::account::model::SecurityView;
use crate::components::error_view::ErrorMessage;
use crate::components::field::Field;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let require = ServerAction::<RequireTwoFactor>::new();
    let view_data = Resource::new(
        move || (confirm.version().get(), disable.version().get(), require.version().get()),
        |_| get_security(),
    );
    let sent_here = use_query_map().with_untracked(|q| q.get("required").is_some());
    view! {
        <Title text="Security — Insight"/>
        <PortalPage>
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"Security"</h1>
            {sent_here.then(|| view! {
                <p class="notice" role="status" data-testid="two-factor-required">"Your organisation requires two-factor authentication. Turn it on to continue."</p>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(s) => view! { <TwoFactorCard s=s.clone() begin confirm disable/> <RequireCard s require/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

#[component]
fn TwoFactorCard(
    s: SecurityView,
    begin: ServerAction<BeginTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let confirm_error = last_error(confirm.value());
    let disable_error = last_error(disable.value());
    let begin_error = last_error(begin.value());
    let codes = move || confirm.value().get().and_then(Result::ok);
    let setup = move || begin.value().get().and_then(Result::ok);
    view! {
        <section class="card">
            <h2>"Two-factor authentication"</h2>
            {move || codes().map(|codes| view! {
                <div class="notice" role="status">
                    <p><strong>"Two-factor authentication is on."</strong>" Keep these recovery codes somewhere safe. Each works once if you lose your phone; they are not shown again."</p>
                    <ul class="recovery-codes" data-testid="recovery-codes">{codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                </div>
            })}
            {if s.two_factor {
                view! {
                    <p data-testid="two-factor-status">"On for "{s.email.clone()}". "{format!("{} recovery codes left.", s.recovery_codes_left)}</p>
                    {(!s.required).then(|| view! {
                        <ActionForm action=disable attr:novalidate="novalidate">
                            <Field label="Authentication code" name="code" autocomplete="one-time-code"
                                hint="To turn it off, confirm with a current code." error=field_error(disable_error, "code")/>
                            <p class="form-error" role="alert">{move || form_error(disable_error).get().filter(|_| field_error(disable_error, "code").get().is_none())}</p>
                            <button type="submit" class="secondary">"Turn off two-factor authentication"</button>
                        </ActionForm>
                    })}
                }.into_any()
            } else {
                view! {
                    <p data-testid="two-factor-status">"Off. With it on, logging in needs your password and a code from an authenticator app on your phone."</p>
                    <ActionForm action=begin>
                        <button type="submit">"Turn on two-factor authentication"</button>
                    </ActionForm>
                    <p class="form-error" role="alert">{move || form_error(begin_error).get()}</p>
                    {move || setup().map(|t| view! {
                        <div class="totp-setup">
                            <p>"Scan this QR code with your authenticator app, or type the secret:"</p>
                            <div class="qr" role="img" aria-label="QR code of the two-factor secret" inner_html=t.qr_svg.clone()></div>
                            <p><code class="secret" data-testid="totp-secret">{t.secret.clone()}</code></p>
                            <ActionForm action=confirm attr:novalidate="novalidate">
                                <Field label="Authentication code" name="code" autocomplete="one-time-code"
                                    hint="The 6-digit code your app shows now." error=field_error(confirm_error, "code")/>
                                <p class="form-error" role="alert">{move || form_error(confirm_error).get().filter(|_| field_error(confirm_error, "code").get().is_none())}</p>
                                <button type="submit">"Confirm"</button>
                            </ActionForm>
                        </div>
                    })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn RequireCard(s: SecurityView, require: ServerAction<RequireTwoFactor>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"For the whole organisation"</h2>
            {if s.can_require {
                view! {
                    <ActionForm action=require>
                        <div class="check">
                            <input id="require-two-factor" type="checkbox" name="required" value="on" checked=s.required/>
                            <label for="require-two-factor">"Require two-factor for all members"</label>
                        </div>
                        <p class="hint">"Members without it are sent to set it up at their next log-in, and cannot open other pages until they do."</p>
                        <button type="submit" class="secondary">"Save"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p>{if s.required { "Your organisation requires two-factor authentication." } else { "Your organisation does not require two-factor authentication." }}</p> }.into_any()
            }}
        </section>
    }
}
