use crate::backend::use_content;
use crate::pages::meta::PageMeta;
use leptos::prelude::*;
use telepath_domain::notice::{order_notices_page, past_notices};
use telepath_domain::{Notice, NoticeState};

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}

/// What customers should know now and soon, then what happened lately.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let now = now_unix();
    let notices = use_content().notices();
    let in_state = |state: NoticeState| -> Vec<Notice> {
        let mut selected: Vec<Notice> =
            notices.iter().filter(|notice| notice.state_at(now) == state).cloned().collect();
        order_notices_page(&mut selected);
        selected
    };
    let (current, upcoming) = (in_state(NoticeState::Current), in_state(NoticeState::Scheduled));
    let past = past_notices(&notices, now);
    view! {
        <PageMeta title="Service notices" description="What is happening now, and what is planned, so nothing catches you by surprise."/>
        <h1>"Service notices"</h1>
        <p class="lede">"What is happening now, and what is planned, so nothing catches you by surprise."</p>
        <h2>"Now"</h2>
        {if current.is_empty() {
            view! { <p data-testid="no-current-notices">"Everything is running normally."</p> }.into_any()
        } else {
            view! { <NoticeList notices=current/> }.into_any()
        }}
        {(!upcoming.is_empty()).then(|| view! { <h2>"Coming up"</h2><NoticeList notices=upcoming/> })}
        {(!past.is_empty()).then(|| view! {
            <h2>"Past notices"</h2>
            <div data-testid="past-notices"><NoticeList notices=past/></div>
        })}
    }
}

#[component]
pub fn NoticeList(notices: Vec<Notice>) -> impl IntoView {
    view! {
        <ul class="notice-list" data-testid="notices">
            {notices
                .into_iter()
                .map(|notice| view! {
                    <li class=format!("notice severity-{}", notice.severity.as_str())>
                        <p class="notice-severity">{notice.severity.label()}</p>
                        <h3>{notice.title.clone()}</h3>
                        <div inner_html=notice.body_html.clone()></div>
                        <NoticeWhen notice=notice.clone()/>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// When it happens, if the notice says; otherwise when it is shown.
#[component]
pub fn NoticeWhen(notice: Notice) -> impl IntoView {
    match notice.happens_text {
        Some(when) => {
            view! { <p class="notice-when" data-testid="notice-when"><strong>"When: "</strong>{when}</p> }
                .into_any()
        }
        None => view! { <p class="notice-when muted" data-testid="notice-when">{notice.shown_text}</p> }
            .into_any(),
    }
}
