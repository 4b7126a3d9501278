//! The staff sign-in page and the bar that tells a signed-in staff member who they
//! are. Plain forms: both work without JavaScript, and carry the form token.

use crate::backend::{request_extension, use_csrf_token};
use crate::pages::meta::{Indexing, PageMeta};
use crate::staff::{RETURN_TO_PARAM, SignInFormState, SignedInStaff};
use crate::urls::{CONSOLE, EDITORS, STAFF_SIGN_IN, STAFF_SIGN_OUT};
use crate::visitor::{CSRF_FIELD, local_return_path};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use telepath_domain::StaffRole;

/// The staff member making the current request, if signed in.
pub fn use_signed_in_staff() -> Option<SignedInStaff> {
    request_extension::<SignedInStaff>()
}

fn role_label(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Agent => "support agent",
        StaffRole::Editor => "content editor",
        StaffRole::Admin => "admin",
    }
}

/// `/staff/sign-in`: the form, or who is signed in and the way out.
#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let form = use_context::<SignInFormState>();
    let query = use_query_map();
    let (return_to, signed_out) = query.with_untracked(|query| {
        (query.get(RETURN_TO_PARAM).unwrap_or_default(), query.get("signed_out").is_some())
    });
    let form = form.unwrap_or_else(|| SignInFormState {
        return_to: local_return_path(&return_to).unwrap_or_default().to_owned(),
        ..SignInFormState::default()
    });
    let body = match use_signed_in_staff() {
        Some(staff) => view! { <SignedInNote staff/> }.into_any(),
        None => view! { <SignInForm form signed_out/> }.into_any(),
    };
    view! {
        <PageMeta title="Staff sign-in" description="Sign in to Telepath as a support agent, content editor or admin." indexing=Indexing::Never/>
        <section class="staff-sign-in" data-testid="staff-sign-in">
            <h1>"Staff sign-in"</h1>
            {body}
        </section>
    }
}

#[component]
fn SignInForm(form: SignInFormState, signed_out: bool) -> impl IntoView {
    view! {
        <p class="lede">"For the support team and content editors. Customers don't need an account to use the help centre."</p>
        {signed_out.then(|| view! { <p class="callout tip" role="status" data-testid="signed-out">"You have signed out."</p> })}
        <form class="staff-form" method="post" action=STAFF_SIGN_IN data-testid="sign-in-form">
            {form.error.map(|message| view! { <p class="form-error" role="alert" data-testid="sign-in-error">{message}</p> })}
            <input type="hidden" name=CSRF_FIELD value=use_csrf_token()/>
            <input type="hidden" name=RETURN_TO_PARAM value=form.return_to/>
            <div class="field">
                <label for="staff-email">"Email"</label>
                <input id="staff-email" name="email" type="email" autocomplete="username" required maxlength="254"
                    spellcheck="false" value=form.email data-testid="sign-in-email"/>
            </div>
            <div class="field">
                <label for="staff-password">"Password"</label>
                <input id="staff-password" name="password" type="password" autocomplete="current-password" required
                    maxlength="128" data-testid="sign-in-password"/>
            </div>
            <p><button class="button primary" type="submit" data-testid="sign-in">"Sign in"</button></p>
            <p class="muted">"Forgot your password, or no account yet? Ask an admin of your help centre."</p>
        </form>
    }
}

#[component]
fn SignedInNote(staff: SignedInStaff) -> impl IntoView {
    let sees_editors = staff.role.grants(StaffRole::Editor);
    let answers_chats = staff.role.grants(StaffRole::Agent);
    view! {
        <StaffBar staff/>
        {answers_chats.then(|| view! { <p><a class="button primary" href=CONSOLE>"Go to the agent console"</a></p> })}
        {sees_editors.then(|| view! { <p><a class="button primary" href=EDITORS>"Go to content status"</a></p> })}
    }
}

/// "Signed in as NAME · Sign out", at the top of every staff page.
#[component]
pub fn StaffBar(staff: SignedInStaff) -> impl IntoView {
    view! {
        <div class="staff-bar" data-testid="staff-bar">
            <p>
                "Signed in as "<strong data-testid="staff-name">{staff.name}</strong>
                <span class="muted">{format!(" ({})", role_label(staff.role))}</span>
            </p>
            <form method="post" action=STAFF_SIGN_OUT>
                <input type="hidden" name=CSRF_FIELD value=use_csrf_token()/>
                <button type="submit" class="link-button" data-testid="sign-out">"Sign out"</button>
            </form>
        </div>
    }
}
