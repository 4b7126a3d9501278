use crate::backend::use_backend;
use crate::pages::meta::PageMeta;
use crate::wire::{NoticeState, NoticeView, order_notices_page};
use leptos::prelude::*;

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}

/// What customers should know now and soon. Expired notices are never shown.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let now = now_unix();
    let notices = use_backend().notices();
    let in_state = |state: NoticeState| -> Vec<NoticeView> {
        let mut selected: Vec<NoticeView> =
            notices.iter().filter(|notice| notice.state_at(now) == state).cloned().collect();
        order_notices_page(&mut selected);
        selected
    };
    let (current, upcoming) = (in_state(NoticeState::Current), in_state(NoticeState::Scheduled));
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
    }
}

#[component]
pub fn NoticeList(notices: Vec<NoticeView>) -> impl IntoView {
    view! {
        <ul class="notice-list" data-testid="notices">
            {notices
                .into_iter()
                .map(|notice| view! {
                    <li class=format!("notice severity-{}", notice.severity.as_str())>
                        <p class="notice-severity">{notice.severity.label()}</p>
                        <h3>{notice.title}</h3>
                        <div inner_html=notice.body_html></div>
                        <p class="muted">
                            "From "<time>{notice.starts_text}</time>" until "<time>{notice.ends_text}</time>
                        </p>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
