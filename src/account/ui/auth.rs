use crate::account::api::auth::{LogIn, LogInWithCode, LogOut, Register};
use crate::components::field::Field;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = last_error(action.value());
    let pending = action.pending();
    view! {
        <Title text="Create your Insight account"/>
        <PortalPage>
            <div class="card narrow">
                <h1>"Create your account"</h1>
                <p>"Register your business to get a Client ID for the SignIn Widget."</p>
                <ActionForm action=action attr:novalidate="novalidate">
                    <Field label="Company name" name="company_name" autocomplete="organization"
                        error=field_error(value, "company_name")/>
                    <Field label="Email" name="email" kind="email" autocomplete="email"
                        error=field_error(value, "email")/>
                    <Field label="Password" name="password" kind="password" autocomplete="new-password"
                        hint="At least 12 characters." error=field_error(value, "password")/>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <button type="submit" disabled=move || pending.get()>"Create account"</button>
                </ActionForm>
                <p class="muted">"Already registered? "<a href="/login">"Log in"</a></p>
            </div>
        </PortalPage>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let value = last_error(action.value());
    let pending = action.pending();
    view! {
        <Title text="Log in to Insight"/>
        <PortalPage>
            <div class="card narrow">
                <h1>"Log in"</h1>
                <ActionForm action=action attr:novalidate="novalidate">
                    <Field label="Email" name="email" kind="email" autocomplete="username"
                        error=field_error(value, "email")/>
                    <Field label="Password" name="password" kind="password" autocomplete="current-password"
                        error=field_error(value, "password")/>
                    <p class="form-error" role="alert" data-testid="login-error">{move || form_error(value).get()}</p>
                    <button type="submit" disabled=move || pending.get()>"Log in"</button>
                </ActionForm>
                <p class="muted">"New to Insight? "<a href="/register">"Create an account"</a></p>
            </div>
        </PortalPage>
    }
}

/// `GET /logout` never signs anyone out by itself; it offers the button that does (a POST).
#[component]
pub fn LogoutPage() -> impl IntoView {
    let action = ServerAction::<LogOut>::new();
    view! {
        <Title text="Log out of Insight"/>
        <PortalPage>
            <div class="card narrow">
                <h1>"Log out"</h1>
                <p>"Do you want to log out of Insight on this device?"</p>
                <ActionForm action=action>
                    <button type="submit">"Log out"</button>
                </ActionForm>
            </div>
        </PortalPage>
    }
}

/// The second step of a log-in with two-factor on.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LogInWithCode>::new();
    let value = last_error(action.value());
    let pending = action.pending();
    view! {
        <Title text="Authentication code — Insight"/>
        <PortalPage>
            <div class="card narrow">
                <h1>"Two-factor authentication"</h1>
                <p>"Enter the 6-digit code your authenticator app shows for Insight."</p>
                <ActionForm action=action attr:novalidate="novalidate">
                    <Field label="Authentication code" name="code" autocomplete="one-time-code"
                        hint="Lost your phone? Enter one of your recovery codes instead." error=field_error(value, "code")/>
                    <p class="form-error" role="alert" data-testid="login-error">{move || form_error(value).get().filter(|_| field_error(value, "code").get().is_none())}</p>
                    <button type="submit" disabled=move || pending.get()>"Verify"</button>
                </ActionForm>
                <p class="muted"><a href="/login">"Start again"</a></p>
            </div>
        </PortalPage>
    }
}
