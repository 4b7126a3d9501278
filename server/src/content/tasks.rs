//! Self-service tasks: `content/tasks/<id>.md`, a form with its validation rules, what
//! happens after it is sent, and the top five mistakes people make with it.

use super::diagnostic::{Diagnostic, Position};
use super::references::Target;
use super::source::SourceContext;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use telepath_domain::{FieldKind, FieldSpec, Mistake, MistakeCheck, MistakeRule, TASK_MISTAKES};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskFrontMatter {
    title: String,
    summary: String,
    category: Spanned<String>,
    what_happens_next: String,
    /// How many working days the first reply takes, so a request can say by when.
    reply_within_business_days: Option<u32>,
    /// The slug of the article about this task: the two link to each other.
    how_it_works: Option<Spanned<String>>,
    #[serde(default)]
    related_articles: Vec<Spanned<String>>,
    #[serde(default, rename = "field")]
    fields: Vec<FieldFrontMatter>,
    #[serde(default, rename = "mistake")]
    mistakes: Vec<MistakeFrontMatter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFrontMatter {
    name: Spanned<String>,
    label: String,
    kind: FieldKind,
    help: Option<String>,
    #[serde(default)]
    required: bool,
    min_length: Option<u32>,
    max_length: Option<u32>,
    pattern: Option<Spanned<String>>,
    pattern_hint: Option<String>,
    #[serde(default)]
    options: Vec<String>,
    min: Option<f64>,
    max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MistakeFrontMatter {
    title: String,
    what_people_do: String,
    why_it_fails: String,
    how_to_avoid: String,
    field: Option<Spanned<String>>,
    /// The rule that catches the mistake in the field's value.
    catch: Option<Spanned<CatchFrontMatter>>,
    /// Why no rule can catch it (a wrong but well-formed email address), so the
    /// check knows it was thought about.
    cannot_catch: Option<String>,
}

/// `catch = { pattern = "(?i)^inv", message = "…", example = "INV-0142" }`: one of
/// `pattern`, `older_than_days` or `min`/`max`, and the words the visitor is told.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatchFrontMatter {
    pattern: Option<String>,
    older_than_days: Option<u32>,
    min: Option<f64>,
    max: Option<f64>,
    message: String,
    example: Option<String>,
}

impl CatchFrontMatter {
    /// The one rule this names, or what is wrong with it.
    fn rule(&self) -> Result<MistakeRule, String> {
        let range = self.min.is_some() || self.max.is_some();
        match (&self.pattern, self.older_than_days, range) {
            (Some(pattern), None, false) => regex_lite::Regex::new(pattern)
                .map(|_| MistakeRule::Pattern(pattern.clone()))
                .map_err(|error| format!("the pattern is not a valid regular expression: {error}")),
            (None, Some(days), false) => Ok(MistakeRule::OlderThanDays(days)),
            (None, None, true) => Ok(MistakeRule::OutsideRange { min: self.min, max: self.max }),
            (None, None, false) => Err("the rule says nothing to check".to_owned()),
            _ => Err("the rule names more than one check".to_owned()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    /// The path as editors see it in diagnostics, e.g. `content/tasks/reset.md`.
    pub source: PathBuf,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub intro_html: String,
    pub what_happens_next: String,
    /// Working days until the first reply, when the task says.
    pub reply_within_business_days: Option<u32>,
    /// The slug of the article about this task ("How it works").
    pub how_it_works: Option<String>,
    pub related_articles: Vec<String>,
    pub fields: Vec<FieldSpec>,
    pub mistakes: Vec<Mistake>,
}

impl Task {
    /// Parses `content/tasks/<id>.md`, reporting every problem to `source`; `None`
    /// when the task has errors.
    pub(super) fn from_file(source: &mut SourceContext<'_>, path: &Path) -> Option<Task> {
        let id = path.file_stem()?.to_str()?.to_owned();
        let (document, text, shown) = source.parse_file::<TaskFrontMatter>(path)?;
        let offset = document.front_matter_offset;
        let at = |span: std::ops::Range<usize>| Position::of_offset(&text, offset + span.start);
        let front_matter = document.front_matter;

        let (mut problems, names) = field_problems(&front_matter.fields, &shown, &at);
        problems.extend(mistake_problems(&front_matter, &names, &shown, &at));
        let has_error = problems.iter().any(|problem| problem.severity == super::Severity::Error);
        for problem in problems {
            source.report(problem);
        }
        if has_error {
            return None;
        }

        source.reference(
            &shown,
            at(front_matter.category.span()),
            Target::Category { key: "category", slug: front_matter.category.get_ref().clone() },
        );
        if let Some(slug) = &front_matter.how_it_works {
            source.reference(
                &shown,
                at(slug.span()),
                Target::ArticleSlug { key: "how_it_works", slug: slug.get_ref().clone() },
            );
        }
        for slug in &front_matter.related_articles {
            source.reference(
                &shown,
                at(slug.span()),
                Target::ArticleSlug { key: "related_articles", slug: slug.get_ref().clone() },
            );
        }
        let intro = source.render_markdown_at(&shown, &text, document.body_offset, &document.body)?;
        source.expect_links(&shown, &text, document.body_offset, &intro.internal_links);

        Some(Task {
            id,
            source: shown.clone(),
            title: front_matter.title,
            summary: front_matter.summary,
            category: front_matter.category.into_inner(),
            intro_html: intro.html,
            what_happens_next: front_matter.what_happens_next,
            reply_within_business_days: front_matter.reply_within_business_days,
            how_it_works: front_matter.how_it_works.map(Spanned::into_inner),
            related_articles: front_matter.related_articles.into_iter().map(Spanned::into_inner).collect(),
            fields: front_matter
                .fields
                .into_iter()
                .map(|field| FieldSpec {
                    mistake_checks: mistake_checks(&front_matter.mistakes, field.name.get_ref()),
                    name: field.name.into_inner(),
                    label: field.label,
                    kind: field.kind,
                    help: field.help,
                    required: field.required,
                    min_length: field.min_length,
                    max_length: field.max_length,
                    pattern: field.pattern.map(Spanned::into_inner),
                    pattern_hint: field.pattern_hint,
                    options: field.options,
                    min: field.min,
                    max: field.max,
                })
                .collect(),
            mistakes: front_matter
                .mistakes
                .into_iter()
                .map(|mistake| Mistake {
                    title: mistake.title,
                    what_people_do: mistake.what_people_do,
                    why_it_fails: mistake.why_it_fails,
                    how_to_avoid: mistake.how_to_avoid,
                    field: mistake.field.map(Spanned::into_inner),
                })
                .collect(),
        })
    }
}

/// The rules that catch mistakes in the field `name`, in the guide's order.
fn mistake_checks(mistakes: &[MistakeFrontMatter], name: &str) -> Vec<MistakeCheck> {
    mistakes
        .iter()
        .enumerate()
        .filter(|(_, mistake)| mistake.field.as_ref().is_some_and(|field| field.get_ref() == name))
        .filter_map(|(index, mistake)| {
            let catch = mistake.catch.as_ref()?.get_ref();
            Some(MistakeCheck {
                mistake: index + 1,
                rule: catch.rule().ok()?,
                message: catch.message.clone(),
                example: catch.example.clone(),
            })
        })
        .collect()
}

/// What is wrong with a task's fields, and their names.
fn field_problems<'a>(
    fields: &'a [FieldFrontMatter],
    shown: &Path,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> (Vec<Diagnostic>, HashSet<&'a str>) {
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    for field in fields {
        let name = field.name.get_ref();
        if !names.insert(name.as_str()) {
            problems.push(
                Diagnostic::error(
                    shown,
                    at(field.name.span()),
                    "task",
                    format!("two fields are named `{name}`"),
                )
                .with_help("give every field of a task its own name"),
            );
        }
        if field.kind == FieldKind::Select && field.options.is_empty() {
            problems.push(
                Diagnostic::error(
                    shown,
                    at(field.name.span()),
                    "task",
                    format!("the select field `{name}` has no options"),
                )
                .with_help("add `options = [\"…\", \"…\"]`"),
            );
        }
        if let Some(pattern) = &field.pattern
            && let Err(error) = regex_lite::Regex::new(pattern.get_ref())
        {
            problems.push(
                Diagnostic::error(
                    shown,
                    at(pattern.span()),
                    "task",
                    format!("the pattern of `{name}` is not a valid regular expression: {error}"),
                )
                .with_help("test the pattern, and write backslashes twice inside \"…\" strings"),
            );
        }
        if field.pattern.is_some() && field.pattern_hint.is_none() {
            problems.push(
                Diagnostic::warning(
                    shown,
                    at(field.name.span()),
                    "task",
                    format!("the field `{name}` has a pattern but no `pattern_hint`"),
                )
                .with_help("add `pattern_hint = \"…\"` so people see the expected form in plain words"),
            );
        }
    }
    (problems, names)
}

/// What is wrong with a task's top-five-mistakes guide.
fn mistake_problems(
    front_matter: &TaskFrontMatter,
    names: &HashSet<&str>,
    shown: &Path,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if front_matter.mistakes.is_empty() {
        problems.push(
            Diagnostic::warning(
                shown,
                Position::START,
                "mistakes",
                "the task has no top-five-mistakes guide",
            )
            .with_help(
                "add five `[[mistake]]` entries with what people do, why it fails and how to avoid it",
            ),
        );
    } else if front_matter.mistakes.len() != TASK_MISTAKES {
        problems.push(
            Diagnostic::warning(
                shown,
                Position::START,
                "mistakes",
                format!(
                    "the mistakes guide lists {} mistakes; it lists exactly {TASK_MISTAKES}",
                    front_matter.mistakes.len()
                ),
            )
            .with_help("keep the five that cause most failed forms"),
        );
    }
    for (index, mistake) in front_matter.mistakes.iter().enumerate() {
        problems.extend(catch_problems(index + 1, mistake, front_matter, shown, at));
        if let Some(field) = &mistake.field
            && !names.contains(field.get_ref().as_str())
        {
            problems.push(
                Diagnostic::warning(
                    shown,
                    at(field.span()),
                    "mistakes",
                    format!(
                        "the mistake names the field `{}`, which this task does not have",
                        field.get_ref()
                    ),
                )
                .with_help(format!(
                    "use one of: {}",
                    front_matter
                        .fields
                        .iter()
                        .map(|f| f.name.get_ref().as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
    problems
}

/// What is wrong with how a mistake is caught: a rule needs a field and must be
/// valid, its example must be caught, and a field's mistake needs either a rule or
/// a reason why the form cannot catch it.
fn catch_problems(
    number: usize,
    mistake: &MistakeFrontMatter,
    front_matter: &TaskFrontMatter,
    shown: &Path,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let field = mistake
        .field
        .as_ref()
        .and_then(|name| front_matter.fields.iter().find(|field| field.name.get_ref() == name.get_ref()));
    match (&mistake.catch, &mistake.field) {
        (None, Some(name)) if mistake.cannot_catch.is_none() => problems.push(
            Diagnostic::warning(
                shown,
                at(name.span()),
                "mistakes",
                format!("the form warns about mistake {number} at `{}` but no rule catches it", name.get_ref()),
            )
            .with_help(
                "add `catch = { pattern = \"…\", message = \"…\" }` (or `older_than_days`, or `min`/`max`), or say why the form cannot with `cannot_catch = \"…\"`",
            ),
        ),
        (Some(catch), None) => problems.push(
            Diagnostic::error(shown, at(catch.span()), "mistakes", format!("mistake {number} has a rule but no field to check"))
                .with_help("add `field = \"…\"` naming the field whose value shows the mistake"),
        ),
        (Some(catch), Some(_)) => match (catch.get_ref().rule(), field) {
            (Err(problem), _) => problems.push(
                Diagnostic::error(shown, at(catch.span()), "mistakes", format!("the rule of mistake {number}: {problem}"))
                    .with_help("use one of `pattern`, `older_than_days`, or `min`/`max`"),
            ),
            (Ok(MistakeRule::OlderThanDays(_)), Some(field)) if field.kind != FieldKind::Date => problems.push(
                Diagnostic::error(
                    shown,
                    at(catch.span()),
                    "mistakes",
                    format!("mistake {number} counts days, but `{}` is not a date field", field.name.get_ref()),
                ),
            ),
            (Ok(rule), _) => {
                // A date's example cannot be checked without a today; patterns and ranges can.
                if let Some(example) = &catch.get_ref().example
                    && !matches!(rule, MistakeRule::OlderThanDays(_))
                    && !rule.catches(example.trim(), "")
                {
                    problems.push(
                        Diagnostic::warning(
                            shown,
                            at(catch.span()),
                            "mistakes",
                            format!("the example {example:?} of mistake {number} is not caught by its rule"),
                        )
                        .with_help("change the rule or the example, so the form catches what the guide describes"),
                    );
                }
            }
        },
        _ => {}
    }
    problems
}
