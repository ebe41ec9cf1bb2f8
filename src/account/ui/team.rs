//! `/settings/team` (admins): invite colleagues by link, see and revoke pending invites, change roles, remove
//! members.
//! `/invite/:token`: a colleague sets a password and joins.

use crate::account::api::team::{
    get_invite, list_invites, list_members, AcceptInvite, ChangeMemberRole, CreateInvite, RemoveMember, RevokeInvite,
};
use crate::components::error_view::{set_status, ErrorMessage};
use crate::components::field::Field;
use crate::components::form::{field_error, form_error, last_error};
use crate::components::layout::PortalPage;
use crate::components::status::format_instant;
use crate::shared::{Role, Secret};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TeamPage() -> impl IntoView {
    let invite = ServerAction::<CreateInvite>::new();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let members = Resource::new(
        move || (invite.version().get(), change.version().get(), remove.version().get()),
        |_| list_members(),
    );
    // Removing or demoting an admin voids their invites, so those actions refresh the list too.
    let invites = Resource::new(
        move || (invite.version().get(), change.version().get(), remove.version().get(), revoke.version().get()),
        |_| list_invites(),
    );
    let invite_error = last_error(invite.value());
    let change_error = last_error(change.value());
    let remove_error = last_error(remove.value());
    let link = move || invite.value().get().and_then(Result::ok);
    view! {
        <Title text="Team — Insight"/>
        <PortalPage>
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"Team"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                        Ok(list) => view! {
                            <div class="grid">
                                <section class="card">
                                    <h2>"Invite a colleague"</h2>
                                    <ActionForm action=invite attr:novalidate="novalidate">
                                        <Field label="Email" name="email" kind="email" error=field_error(invite_error, "email")/>
                                        <div class="field">
                                            <label for="invite-role">"Role"</label>
                                            <select id="invite-role" name="role">
                                                {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=*r == Role::Reviewer>{r.as_str()}</option> }).collect_view()}
                                            </select>
                                            <p class="hint">"admin: everything · technician: widget · reviewer: sees and decides applications · viewer: sees only"</p>
                                        </div>
                                        <button type="submit">"Create invite link"</button>
                                    </ActionForm>
                                    {move || link().map(|l| view! {
                                        <p>"Send this link to your colleague. It works once, for 7 days."</p>
                                        <p><code class="secret" data-testid="invite-link">{l}</code></p>
                                    })}
                                </section>
                                <PendingInvites invites revoke/>
                                <section class="card">
                                    <h2>"Members"</h2>
                                    <p class="form-error" role="alert">{move || form_error(change_error).get().or_else(|| form_error(remove_error).get())}</p>
                                    <div class="table-wrap">
                                        <table data-testid="members">
                                            <thead><tr><th>"Email"</th><th>"Role"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|m| { let role_label = format!("Role of {}", m.email); view! {
                                                    <tr data-email=m.email.clone()>
                                                        <td>{m.email.clone()}{m.is_me.then_some(" (you)")}</td>
                                                        <td>
                                                            {if m.is_me { view! { <span>{m.role.as_str()}</span> }.into_any() } else { view! {
                                                                <ActionForm action=change>
                                                                    <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                                                    <label class="visually-hidden" for=format!("role-{}", m.user_id)>{role_label}</label>
                                                                    <select id=format!("role-{}", m.user_id) name="role">
                                                                        {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=*r == m.role>{r.as_str()}</option> }).collect_view()}
                                                                    </select>
                                                                    <button type="submit" class="secondary small">"Change role"</button>
                                                                </ActionForm>
                                                            }.into_any() }}
                                                        </td>
                                                        <td>
                                                            {(!m.is_me).then(|| view! {
                                                                <ActionForm action=remove>
                                                                    <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                                                    <button type="submit" class="danger small">"Remove"</button>
                                                                </ActionForm>
                                                            })}
                                                        </td>
                                                    </tr>
                                                }}).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </section>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </PortalPage>
    }
}

#[component]
fn PendingInvites(
    invites: Resource<Result<Vec<crate::account::model::PendingInviteView>, crate::error::AppError>>,
    revoke: ServerAction<RevokeInvite>,
) -> impl IntoView {
    let revoke_error = last_error(revoke.value());
    view! {
        <section class="card">
            <h2>"Pending invites"</h2>
            <p class="form-error" role="alert">{move || form_error(revoke_error).get()}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = invites.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p class="muted" data-testid="no-invites">"No pending invites."</p> }.into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table data-testid="invites">
                                <thead><tr><th>"Email"</th><th>"Role"</th><th>"Created by"</th><th>"Expires"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|i| view! {
                                        <tr data-email=i.email.clone()>
                                            <td>{i.email.clone()}</td>
                                            <td>{i.role.as_str()}</td>
                                            <td>{i.created_by.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td>{format_instant(i.expires_at)}</td>
                                            <td>
                                                <ActionForm action=revoke>
                                                    <input type="hidden" name="invite_id" value=i.invite_id.to_string()/>
                                                    <button type="submit" class="danger small">"Revoke"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invite = Resource::new(token, |t| get_invite(Secret::new(t)));
    let accept = ServerAction::<AcceptInvite>::new();
    let error = last_error(accept.value());
    view! {
        <Title text="Join your team — Insight"/>
        <PortalPage>
            <div class="card narrow">
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match invite.await {
                            Ok(i) => view! {
                                <h1>{format!("Join {}", i.organisation_name)}</h1>
                                <p>"You were invited as "<strong>{i.role.as_str()}</strong>" with the e-mail "<strong>{i.email.clone()}</strong>"."</p>
                                <ActionForm action=accept attr:novalidate="novalidate">
                                    <input type="hidden" name="token" value=token()/>
                                    <Field label="Password" name="password" kind="password" autocomplete="new-password"
                                        hint="At least 12 characters." error=field_error(error, "password")/>
                                    <p class="form-error" role="alert">{move || form_error(error).get().filter(|_| field_error(error, "password").get().is_none())}</p>
                                    <button type="submit">"Join"</button>
                                </ActionForm>
                            }.into_any(),
                            Err(_) => view! {
                                {set_status(404)}
                                <h1>"Invite link not valid"</h1>
                                <p role="alert">"This invite link has expired or was already used. Ask your admin for a new one."</p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </PortalPage>
    }
}
