//! One pass over content/, collected: immutable, swapped whole on reload. The views
//! pages read are made here from it.

use super::article::Article;
use super::category::Category;
use super::dates::readable_date;
use super::diagnostic::{Diagnostic, Severity};
use super::kits::Kit;
use super::markdown::Heading;
use super::notices::Notice;
use super::site::SiteSettings;
use super::tasks::Task;
use std::collections::HashMap;
use std::path::PathBuf;
use telepath_app::wire::{ArticleView, CategoryView, Level, LevelWording, SiteView, TaskView, TocEntry};

/// Everything loaded from one pass over content/. Immutable: a reload builds a new one.
#[derive(Clone, Debug, Default)]
pub struct ContentSnapshot {
    pub site: SiteSettings,
    pub categories: Vec<Category>,
    pub articles: HashMap<String, Article>,
    pub diagnostics: Vec<Diagnostic>,
    pub kits: HashMap<Level, Kit>,
    pub tasks: HashMap<String, Task>,
    /// In file-name order.
    pub notices: Vec<Notice>,
    /// Groups of words search treats as one.
    pub synonyms: Vec<Vec<String>>,
    /// Files (as editors see their paths) that currently have errors and are served
    /// as they last loaded cleanly.
    pub last_good: Vec<PathBuf>,
}

impl ContentSnapshot {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// The files with at least one error, each once, by path.
    pub fn files_with_errors(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.path.clone())
            .collect();
        files.sort();
        files.dedup();
        files
    }

    pub fn site_view(&self) -> SiteView {
        SiteView {
            product_name: self.site.product_name.clone(),
            tagline: self.site.tagline.clone(),
            support_hours: self.site.support_hours.clone(),
            support_time_zone: self.site.support_time_zone.clone(),
            level_question: self.site.level_question.clone(),
            levels: [
                (Level::Newcomer, &self.site.levels.newcomer),
                (Level::Technical, &self.site.levels.technical),
                (Level::Expert, &self.site.levels.expert),
            ]
            .into_iter()
            .map(|(level, wording)| LevelWording {
                level,
                choice: wording.choice.clone(),
                description: wording.description.clone(),
            })
            .collect(),
        }
    }

    pub fn category_view(&self, category: &Category) -> CategoryView {
        CategoryView {
            slug: category.slug.clone(),
            title: category.title.clone(),
            description: category.description.clone(),
            articles: category
                .articles
                .iter()
                .filter_map(|slug| self.articles.get(slug))
                .map(Article::summary)
                .collect(),
        }
    }

    pub fn task_view(&self, id: &str) -> Option<TaskView> {
        let task = self.tasks.get(id)?;
        Some(TaskView {
            id: task.id.clone(),
            title: task.title.clone(),
            summary: task.summary.clone(),
            category_slug: task.category.clone(),
            intro_html: task.intro_html.clone(),
            what_happens_next: task.what_happens_next.clone(),
            fields: task.fields.clone(),
            mistakes: task.mistakes.clone(),
            related_articles: task
                .related_articles
                .iter()
                .filter_map(|slug| self.articles.get(slug))
                .map(Article::summary)
                .collect(),
        })
    }

    pub fn article_view(&self, slug: &str) -> Option<ArticleView> {
        let article = self.articles.get(slug)?;
        let category_title = self
            .categories
            .iter()
            .find(|category| category.slug == article.category)
            .map_or_else(|| article.category.clone(), |category| category.title.clone());
        let front_matter = &article.front_matter;
        Some(ArticleView {
            slug: article.slug.clone(),
            title: front_matter.title.clone(),
            summary: front_matter.summary.clone(),
            level: front_matter.level,
            kind: front_matter.kind,
            category_slug: article.category.clone(),
            category_title,
            updated: front_matter.updated.to_string(),
            updated_text: front_matter
                .updated
                .date
                .as_ref()
                .map_or_else(|| front_matter.updated.to_string(), readable_date),
            body: article.body.clone(),
            toc: table_of_contents(&article.headings),
            next_questions: front_matter
                .next
                .iter()
                .filter_map(|slug| self.articles.get(slug))
                .map(Article::summary)
                .collect(),
        })
    }
}

/// Articles with fewer second-level headings than this read fine without a table
/// of contents.
const TOC_MIN_HEADINGS: usize = 3;

fn table_of_contents(headings: &[Heading]) -> Vec<TocEntry> {
    let sections: Vec<TocEntry> = headings
        .iter()
        .filter(|heading| heading.level == 2)
        .map(|heading| TocEntry { id: heading.id.clone(), text: heading.text.clone() })
        .collect();
    if sections.len() >= TOC_MIN_HEADINGS { sections } else { Vec::new() }
}
