//! The insights charts as SVG, drawn on the server with charts-rs (a well-kept
//! ECharts-like crate): no script needed to read them, and every label is escaped
//! by the crate, so a hostile search shows as text.

use charts_rs::{BarChart, HorizontalBarChart};

const WIDTH: f32 = 720.0;
const HEIGHT: f32 = 320.0;

/// Searches per day with those that found nothing; `None` when there is nothing to draw.
pub fn searches_per_day(days: &[(String, u32, u32)]) -> Option<String> {
    if days.iter().all(|(_, searched, _)| *searched == 0) {
        return None;
    }
    let searched: Vec<f32> = days.iter().map(|(_, searched, _)| *searched as f32).collect();
    let failed: Vec<f32> = days.iter().map(|(_, _, failed)| *failed as f32).collect();
    let labels: Vec<String> = days.iter().map(|(day, _, _)| day.clone()).collect();
    let mut chart =
        BarChart::new(vec![("Searches", searched).into(), ("Found nothing", failed).into()], labels);
    chart.width = WIDTH;
    chart.height = HEIGHT;
    svg(chart.svg())
}

/// The share of "yes" (percent) per article, least helpful first.
pub fn helpful_share(articles: &[(String, u32)]) -> Option<String> {
    if articles.is_empty() {
        return None;
    }
    // The chart draws its first category at the bottom: reversed, the worst is on top.
    let shares: Vec<f32> = articles.iter().rev().map(|(_, percent)| *percent as f32).collect();
    let labels: Vec<String> = articles.iter().rev().map(|(title, _)| title.clone()).collect();
    let mut chart = HorizontalBarChart::new(vec![("Helpful (%)", shares).into()], labels);
    chart.width = WIDTH;
    chart.height = 60.0 + 36.0 * articles.len() as f32;
    svg(chart.svg())
}

/// How each task's ratings spread over the five scores, as shares of its ratings:
/// one bar per task (the first on top), from very low effort to very high.
pub fn effort_spread(tasks: &[(String, [u32; 5])]) -> Option<String> {
    if tasks.iter().all(|(_, counts)| counts.iter().all(|count| *count == 0)) {
        return None;
    }
    // The chart draws its first category at the bottom: reversed, the first is on top.
    let series = telepath_domain::EffortScore::all()
        .map(|score| {
            let counts: Vec<f32> =
                tasks.iter().rev().map(|(_, counts)| counts[score.index()] as f32).collect();
            let mut series: charts_rs::Series =
                (format!("{score} {}", score.words()).as_str(), counts).into();
            series.stack = Some("ratings".to_owned());
            series
        })
        .collect();
    let labels: Vec<String> = tasks.iter().rev().map(|(title, _)| chart_label(title)).collect();
    let mut chart = HorizontalBarChart::new(series, labels);
    chart.stack_percent = true;
    chart.width = WIDTH;
    chart.height = 90.0 + 36.0 * tasks.len() as f32;
    svg(chart.svg())
}

/// A category label short enough to leave the bars most of the width, cut at a
/// word (the table beside the chart has the whole name), and padded with en
/// spaces: the crate measures labels in its own Roboto, and a browser without that
/// font draws them in a wider sans-serif, which would run into the bars.
fn chart_label(label: &str) -> String {
    const MAX_CHARS: usize = 28;
    let mut text = if label.chars().count() <= MAX_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(MAX_CHARS - 1).collect();
        let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(words, _)| words);
        format!("{}…", at_word.trim_end())
    };
    let pad = text.chars().count().div_ceil(6);
    text.extend(std::iter::repeat_n('\u{2002}', pad));
    text
}

fn svg(drawn: charts_rs::Result<String>) -> Option<String> {
    drawn.map_err(|error| tracing::warn!("an insights chart could not be drawn: {error}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_draw_their_bars_and_keep_hostile_labels_as_text() {
        let svg =
            helpful_share(&[("<script>alert(1)</script>".into(), 20), ("Refunds & credits".into(), 75)])
                .unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<rect"), "{svg}");
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"), "{svg}");
        let days = [("1 Dec".to_owned(), 4, 1), ("2 Dec".to_owned(), 0, 0)];
        assert!(searches_per_day(&days).unwrap().contains("Found nothing"));
        assert_eq!(searches_per_day(&[("1 Dec".to_owned(), 0, 0)]), None, "an empty period draws nothing");
        let spread = effort_spread(&[("Request a <refund>".into(), [2, 1, 0, 0, 1])]).unwrap();
        assert!(spread.contains("Request a &lt;refund&gt;") && spread.contains("5 very high"), "{spread}");
        let long = effort_spread(&[("Change the bank account your payouts go to".into(), [1, 0, 0, 0, 0])]);
        assert!(long.unwrap().contains("Change the bank account…"), "long names are cut at a word");
        assert_eq!(effort_spread(&[]), None);
    }
}
