//! Articles and categories as the pages show them.

use super::tasks::TaskSummary;
use serde::{Deserialize, Serialize};
use telepath_domain::guidance::{ArticleGroup, Suited};
use telepath_domain::{ArticleKind, BodyPart, Level};

/// An article as listed on the home and category pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
}

/// A category with its articles, in the editors' order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub articles: Vec<ArticleSummary>,
}

/// Everything the article page shows. `body_html` is already sanitised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
    pub category_slug: String,
    pub category_title: String,
    /// ISO date, e.g. `2026-10-14`.
    pub updated: String,
    /// The same as people read it, e.g. `14 October 2026`.
    pub updated_text: String,
    pub body: Vec<BodyPart>,
    /// Empty for short articles, which need none.
    pub toc: Vec<TocEntry>,
    /// What people go on to after this article: learned from journeys, blended
    /// with the editors' picks (see the server's `journeys::blend`).
    pub next_questions: Vec<NextQuestion>,
    /// The tasks this article explains, offered as "Do it now": the article says how
    /// it works, the task does it.
    pub do_it_now: Vec<super::tasks::TaskSummary>,
}

/// A heading listed in an article's table of contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TocEntry {
    pub id: String,
    pub text: String,
}

impl Suited for ArticleSummary {
    fn level(&self) -> Level {
        self.level
    }
    fn kind(&self) -> ArticleKind {
        self.kind
    }
}

impl ArticleGroup for CategoryView {
    type Article = ArticleSummary;
    fn articles(&self) -> &[ArticleSummary] {
        &self.articles
    }
    fn articles_mut(&mut self) -> &mut [ArticleSummary] {
        &mut self.articles
    }
}

/// One "people usually ask next" link: an article or a task's form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NextQuestion {
    Article(ArticleSummary),
    Task(TaskSummary),
}

impl NextQuestion {
    pub fn title(&self) -> &str {
        match self {
            NextQuestion::Article(article) => &article.title,
            NextQuestion::Task(task) => &task.title,
        }
    }

    /// Where it leads: the portal path, as impressions record it.
    pub fn path(&self) -> String {
        match self {
            NextQuestion::Article(article) => crate::urls::article(&article.slug),
            NextQuestion::Task(task) => crate::urls::task(&task.id),
        }
    }

    /// The link shown after `from` (an article, or a sent task): it says where it
    /// was followed from, so the click is recorded when the page it leads to is shown.
    pub fn href(&self, from: &str, from_page: telepath_domain::ListedPage) -> String {
        crate::urls::next_question(&self.path(), from, from_page)
    }
}
