//! Task forms: the fields a task asks for, the mistakes its guide warns about, and
//! the rules each value is checked against. The server applies them to every
//! submission whatever the browser did; the same code runs in the browser.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Mistakes in every task's guide: the top five, no more and no fewer.
pub const TASK_MISTAKES: usize = 5;

/// The input a task's form field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Email,
    Textarea,
    Select,
    Date,
    Number,
    Checkbox,
}

/// A task form field and its validation rules, the same on server and browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub help: Option<String>,
    pub required: bool,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub pattern: Option<String>,
    pub pattern_hint: Option<String>,
    pub options: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The task's mistakes this field's value can show, in the guide's order: each
    /// is caught before the field's general rules, so its message can say which
    /// mistake it is.
    #[serde(default)]
    pub mistake_checks: Vec<MistakeCheck>,
}

/// How a task's form recognises one of its top mistakes in a field's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MistakeRule {
    /// The value matches this pattern, e.g. `(?i)^INV` for one of the visitor's
    /// own invoice numbers where Ledgerly's is wanted.
    Pattern(String),
    /// A date more than this many days before today, e.g. a charge outside a
    /// 30-day refund window.
    OlderThanDays(u32),
    /// An amount (digits, with an optional `$` and thousands commas) below `min` or
    /// above `max`, e.g. more than any plan costs.
    OutsideRange { min: Option<f64>, max: Option<f64> },
}

/// One of a task's mistakes as its form catches it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MistakeCheck {
    /// The mistake's number in the guide, from 1.
    pub mistake: usize,
    pub rule: MistakeRule,
    /// What the visitor is told: which mistake it is, in their words.
    pub message: String,
    /// A value the rule catches, as the editor wrote it (`telepath check` makes sure
    /// it is caught).
    pub example: Option<String>,
}

impl MistakeRule {
    /// Whether `value` (trimmed, not empty) shows the mistake, with `today` as
    /// `YYYY-MM-DD`. A value the rule cannot read (a date that is no date) is left to
    /// the field's general rules.
    pub fn catches(&self, value: &str, today: &str) -> bool {
        match self {
            // Content checks reject invalid patterns; one that fails to compile can
            // only come from a stale snapshot, and catches nothing.
            MistakeRule::Pattern(pattern) => {
                regex_lite::Regex::new(pattern).is_ok_and(|regex| regex.is_match(value))
            }
            MistakeRule::OlderThanDays(days) => match (day_number(value), day_number(today)) {
                (Some(date), Some(today)) => today - date > i64::from(*days),
                _ => false,
            },
            MistakeRule::OutsideRange { min, max } => amount(value).is_some_and(|amount| {
                min.is_some_and(|min| amount < min) || max.is_some_and(|max| amount > max)
            }),
        }
    }
}

/// An amount as people write one: `29`, `29.00`, `$29.00`, `$1,290.00`.
fn amount(value: &str) -> Option<f64> {
    let digits: String = value.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    digits.trim().parse::<f64>().ok().filter(|amount| amount.is_finite())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (Howard Hinnant's days_from_civil).
fn day_number(value: &str) -> Option<i64> {
    if !is_iso_date(value) {
        return None;
    }
    let mut parts = value.split('-').map(|part| part.parse::<i64>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// One of a task's top five mistakes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mistake {
    pub title: String,
    pub what_people_do: String,
    pub why_it_fails: String,
    pub how_to_avoid: String,
    /// The field it concerns, if any.
    pub field: Option<String>,
}

/// A value that broke one of its field's rules, in words a customer understands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Checks `values` (field name → trimmed text) against `fields`, with `today` as
/// `YYYY-MM-DD` in the site's time zone; one error per field at most.
pub fn validate_fields(
    fields: &[FieldSpec],
    values: &HashMap<String, String>,
    today: &str,
) -> Vec<FieldError> {
    fields
        .iter()
        .filter_map(|field| {
            let value = values.get(&field.name).map_or("", |value| value.trim());
            check_field(field, value, today).map(|message| FieldError { field: field.name.clone(), message })
        })
        .collect()
}

fn check_field(field: &FieldSpec, value: &str, today: &str) -> Option<String> {
    if value.is_empty() {
        return field.required.then(|| match field.kind {
            FieldKind::Checkbox => "Please tick this box to confirm.".to_owned(),
            FieldKind::Select => "Please choose one of the options.".to_owned(),
            _ => format!("Please fill in “{}”.", field.label),
        });
    }
    let characters = value.chars().count();
    if let Some(max) = field.max_length
        && characters > max as usize
    {
        return Some(format!("Please keep this to {max} characters or fewer (it has {characters})."));
    }
    if let Some(min) = field.min_length
        && characters < min as usize
    {
        return Some(format!("Please write at least {min} characters."));
    }
    if let Some(check) = field.mistake_checks.iter().find(|check| check.rule.catches(value, today)) {
        return Some(check.message.clone());
    }
    match field.kind {
        FieldKind::Email if !looks_like_email(value) => {
            return Some("Please enter an email address like name@example.com.".to_owned());
        }
        FieldKind::Date if !is_iso_date(value) => {
            return Some("Please enter a date like 2026-11-23.".to_owned());
        }
        FieldKind::Select if !field.options.iter().any(|option| option == value) => {
            return Some("Please choose one of the options.".to_owned());
        }
        FieldKind::Checkbox if value != "yes" => return Some("Please tick this box to confirm.".to_owned()),
        FieldKind::Number => match value.parse::<f64>() {
            Err(_) => return Some("Please enter a number, using digits.".to_owned()),
            Ok(number) if field.min.is_some_and(|min| number < min) => {
                return Some(format!("Please enter {} or more.", field.min.unwrap_or_default()));
            }
            Ok(number) if field.max.is_some_and(|max| number > max) => {
                return Some(format!("Please enter {} or less.", field.max.unwrap_or_default()));
            }
            Ok(_) => {}
        },
        _ => {}
    }
    if let Some(pattern) = &field.pattern {
        // Content checks reject invalid patterns, so one that fails to compile here
        // can only come from a stale snapshot; accept the value rather than block people.
        let matches = regex_lite::Regex::new(pattern).map_or(true, |regex| regex.is_match(value));
        if !matches {
            return Some(match &field.pattern_hint {
                Some(hint) => format!("This doesn't look right. Expected: {hint}."),
                None => "This doesn't look right. Please check it.".to_owned(),
            });
        }
    }
    None
}

fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

fn is_iso_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts.as_slice() else { return false };
    let number = |text: &str, len: usize| {
        (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u32>().ok())
            .flatten()
    };
    matches!((number(year, 4), number(month, 2), number(day, 2)), (Some(_), Some(1..=12), Some(1..=31)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> FieldSpec {
        FieldSpec {
            name: "f".into(),
            label: "Order number".into(),
            kind,
            help: None,
            required: true,
            min_length: None,
            max_length: None,
            pattern: None,
            pattern_hint: None,
            options: vec!["Monthly".into(), "Yearly".into()],
            min: Some(1.0),
            max: Some(100.0),
            mistake_checks: Vec::new(),
        }
    }

    fn check(field: &FieldSpec, value: &str) -> Option<String> {
        let values = HashMap::from([("f".to_owned(), value.to_owned())]);
        validate_fields(std::slice::from_ref(field), &values, "2026-12-02").pop().map(|error| error.message)
    }

    #[test]
    fn a_mistake_the_form_warns_about_is_caught_by_its_rule_and_named_before_the_general_rules() {
        let mistake = |number: usize, rule: MistakeRule, message: &str| MistakeCheck {
            mistake: number,
            rule,
            message: message.into(),
            example: None,
        };
        let mut invoice = field(FieldKind::Text);
        invoice.pattern = Some("^LG-[0-9]{4}-[0-9]{6}$".into());
        invoice.mistake_checks =
            vec![mistake(1, MistakeRule::Pattern("(?i)^inv".into()), "One of your own invoices.")];
        let mut charged = field(FieldKind::Date);
        charged.mistake_checks = vec![mistake(3, MistakeRule::OlderThanDays(30), "Older than 30 days.")];
        let mut amount = field(FieldKind::Text);
        amount.pattern = Some("^\\$?[0-9]{1,3}(\\.[0-9]{2})?$".into());
        amount.mistake_checks = vec![mistake(
            4,
            MistakeRule::OutsideRange { min: None, max: Some(290.0) },
            "More than any plan.",
        )];
        let cases: Vec<(&FieldSpec, &str, Option<&str>)> = vec![
            (&invoice, "INV-0142", Some("One of your own invoices.")),
            (&invoice, "inv 142", Some("One of your own invoices.")),
            (&invoice, "LG-2026-000123", None),
            (&invoice, "12345", Some("This doesn't look right. Please check it.")),
            (&charged, "2026-11-01", Some("Older than 30 days.")),
            (&charged, "2026-11-02", None),
            (&charged, "2025-12-02", Some("Older than 30 days.")),
            (&charged, "2026-12-02", None),
            (&charged, "02/11/2026", Some("Please enter a date like 2026-11-23.")),
            (&amount, "$29.00", None),
            (&amount, "29", None),
            (&amount, "$312.50", Some("More than any plan.")),
            (&amount, "twenty", Some("This doesn't look right. Please check it.")),
        ];
        for (field, value, expected) in cases {
            assert_eq!(check(field, value).as_deref(), expected, "{value:?}");
        }
    }

    #[test]
    fn dates_count_days_across_months_years_and_leap_days() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2026-12-02").zip(day_number("2026-11-02")).map(|(a, b)| a - b), Some(30));
        assert_eq!(day_number("2024-03-01").zip(day_number("2024-02-28")).map(|(a, b)| a - b), Some(2));
        assert_eq!(day_number("2027-01-01").zip(day_number("2026-12-31")).map(|(a, b)| a - b), Some(1));
        assert_eq!(day_number("2026-13-01"), None);
        assert_eq!(amount("$1,290.00"), Some(1290.0));
        assert_eq!(amount("abc"), None);
    }

    #[test]
    fn every_rule_gives_a_plain_message_and_good_values_pass() {
        let mut patterned = field(FieldKind::Text);
        patterned.pattern = Some("^TAP-[0-9]{6}$".into());
        patterned.pattern_hint = Some("TAP- and 6 digits, e.g. TAP-204518".into());
        let mut limited = field(FieldKind::Textarea);
        limited.max_length = Some(5);
        limited.min_length = Some(2);
        let mut optional = field(FieldKind::Email);
        optional.required = false;
        let (date, select, checkbox, number) = (
            field(FieldKind::Date),
            field(FieldKind::Select),
            field(FieldKind::Checkbox),
            field(FieldKind::Number),
        );

        let cases: Vec<(&FieldSpec, &str, Option<&str>)> = vec![
            (&patterned, "", Some("Please fill in “Order number”.")),
            (&patterned, "   ", Some("Please fill in “Order number”.")),
            (
                &patterned,
                "TAP-12345",
                Some("This doesn't look right. Expected: TAP- and 6 digits, e.g. TAP-204518."),
            ),
            (&patterned, " TAP-204518 ", None),
            (&limited, "abcdef", Some("Please keep this to 5 characters or fewer (it has 6).")),
            (&limited, "a", Some("Please write at least 2 characters.")),
            (&limited, "éééé", None),
            (&optional, "", None),
            (&optional, "maya@", Some("Please enter an email address like name@example.com.")),
            (&optional, "maya@rivera.studio", None),
            (&date, "23/11/2026", Some("Please enter a date like 2026-11-23.")),
            (&date, "2026-13-01", Some("Please enter a date like 2026-11-23.")),
            (&date, "2026-11-23", None),
            (&select, "Weekly", Some("Please choose one of the options.")),
            (&select, "", Some("Please choose one of the options.")),
            (&select, "Yearly", None),
            (&checkbox, "", Some("Please tick this box to confirm.")),
            (&checkbox, "on", Some("Please tick this box to confirm.")),
            (&checkbox, "yes", None),
            (&number, "ten", Some("Please enter a number, using digits.")),
            (&number, "0", Some("Please enter 1 or more.")),
            (&number, "101", Some("Please enter 100 or less.")),
            (&number, "42", None),
        ];
        for (field, value, expected) in cases {
            assert_eq!(check(field, value).as_deref(), expected, "{:?} {value:?}", field.kind);
        }
    }

    #[test]
    fn values_for_fields_the_form_does_not_have_are_ignored() {
        let values =
            HashMap::from([("f".to_owned(), "Yearly".to_owned()), ("admin".to_owned(), "true".to_owned())]);
        assert_eq!(validate_fields(&[field(FieldKind::Select)], &values, "2026-12-02"), []);
    }
}
