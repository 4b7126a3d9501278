use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use telepath_domain::Notice;

/// A current notice at the top of the pages it concerns, folded to its title. "Dismiss" hides it for this
/// visitor from then on: a form without JavaScript, in place with it.
#[island]
pub fn NoticeBanner(notice: Notice, csrf: String, return_to: String) -> impl IntoView {
    let dismissed = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let dismiss = {
        let (id, csrf) = (notice.id.clone(), csrf.clone());
        move |event: leptos::ev::MouseEvent| {
            event.prevent_default();
            dismissed.set(true);
            let (id, csrf) = (id.clone(), csrf.clone());
            leptos::task::spawn_local(async move {
                if dismiss_notice(id, None, csrf).await.is_err() {
                    dismissed.set(false);
                    failed.set(true);
                }
            });
        }
    };
    let (id, form_id) = (notice.id.clone(), notice.id.clone());
    view! {
        <div
            class=format!("notice-banner severity-{}", notice.severity.as_str())
            data-testid="notice-banner"
            data-notice=id
            hidden=move || dismissed.get()
        >
            // Folded to one line until opened, so banners never fill a phone's first
            // screen; the title (and when it happens) is the message, the text its detail.
            <details class="notice-banner-text" data-testid="notice-details">
                <summary class="notice-banner-title">
                    <span class="notice-severity">{notice.severity.label()}": "</span>
                    {notice.title}
                    {notice.happens_text.map(|when| view! { <span class="notice-when">" · When: "{when}</span> })}
                </summary>
                <div class="notice-banner-body" inner_html=notice.body_html></div>
            </details>
            {move || failed.get().then(|| view! {
                <p class="error" role="alert">"We couldn't hide this notice. Please try again."</p>
            })}
            <form method="post" action=DismissNotice::PATH class="notice-dismiss">
                <input type="hidden" name="_csrf" value=csrf/>
                <input type="hidden" name="notice" value=form_id/>
                <input type="hidden" name="return_to" value=return_to/>
                <button type="submit" data-testid="dismiss-notice" on:click=dismiss>
                    "Dismiss"<span class="visually-hidden">" this notice"</span>
                </button>
            </form>
        </div>
    }
}

/// Hides a notice for this visitor from now on. A plain form post goes back to the
/// page it came from. `_csrf` is checked by the server's middleware.
#[server(endpoint = "dismiss-notice")]
pub async fn dismiss_notice(
    notice: String,
    return_to: Option<String>,
    _csrf: String,
) -> Result<(), crate::error::AppError> {
    use crate::backend::{redirect_after_form, set_cookie, use_visitor_prefs};

    set_cookie(&use_visitor_prefs().dismissed.with(&notice).set_cookie());
    redirect_after_form(return_to.as_deref().unwrap_or("/"));
    Ok(())
}
