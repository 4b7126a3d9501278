//! What the visitor's level changes, written down in one place:
//!
//! 1. **Articles** written for the visitor's level come first, then those for
//!    everyone, then the rest; among equals, the level's preferred kind comes first
//!    (step-by-step guides for newcomers, reference for experts), then the editors'
//!    order. Used on the home page, category pages and "popular" lists.
//! 2. **Categories** with more articles written for the level come first on the home
//!    page; ties keep the editors' order.
//! 3. **Per-level sections** inside an article put the visitor's level first, open;
//!    the others stay one click away.
//! 4. **Search** adds the same preferences to the score (see `search/query.rs` on the
//!    server for the weights).
//! 5. **Help from the team** is offered to newcomers under every article; others see
//!    it when they say an article did not help.
//!
//! A visitor who has not chosen a level sees the editors' order everywhere. Inside a
//! category that order starts newcomer-friendly (`editors_level_rank`), then goes
//! by title.

use crate::article::LevelSection;
use crate::level::{ArticleKind, Level};

/// An article as the rules see it: who it is for and its shape of help.
pub trait Suited {
    fn level(&self) -> Level;
    fn kind(&self) -> ArticleKind;
}

/// A category as rule 2 sees it: its articles, in the editors' order.
pub trait ArticleGroup {
    type Article: Suited;
    fn articles(&self) -> &[Self::Article];
    fn articles_mut(&mut self) -> &mut [Self::Article];
}

/// The shape of help each level is routed to first.
pub fn preferred_kind(level: Level) -> Option<ArticleKind> {
    match level {
        Level::Newcomer => Some(ArticleKind::Guide),
        Level::Expert => Some(ArticleKind::Reference),
        Level::Technical | Level::All => None,
    }
}

/// How well an article suits a visitor: higher comes first.
pub fn article_affinity(visitor: Level, article_level: Level, kind: ArticleKind) -> u8 {
    let level_match = if article_level == visitor {
        4
    } else if article_level == Level::All {
        2
    } else {
        0
    };
    level_match + u8::from(preferred_kind(visitor) == Some(kind))
}

/// Rule 1: the visitor's articles first; a stable sort keeps the editors' order among equals.
pub fn order_articles<A: Suited>(visitor: Option<Level>, articles: &mut [A]) {
    if let Some(visitor) = visitor {
        articles.sort_by_key(|article| {
            std::cmp::Reverse(article_affinity(visitor, article.level(), article.kind()))
        });
    }
}

/// Rule 2, and rule 1 inside each category.
pub fn order_categories<C: ArticleGroup>(visitor: Option<Level>, categories: &mut [C]) {
    let Some(visitor) = visitor else { return };
    for category in categories.iter_mut() {
        order_articles(Some(visitor), category.articles_mut());
    }
    categories.sort_by_key(|category| {
        std::cmp::Reverse(category.articles().iter().filter(|article| article.level() == visitor).count())
    });
}

/// Rule 3: the visitor's section first; the first section is the one shown open.
pub fn order_level_sections(visitor: Option<Level>, sections: &mut [LevelSection]) {
    if let Some(visitor) = visitor {
        sections.sort_by_key(|section| section.level != visitor);
    }
}

/// The editors' order of levels inside a category: newcomers' articles first, then
/// everyone's, then technical, then expert. Lower comes first.
pub fn editors_level_rank(level: Level) -> u8 {
    match level {
        Level::Newcomer => 0,
        Level::All => 1,
        Level::Technical => 2,
        Level::Expert => 3,
    }
}

/// Rule 5: whether the article page offers the team's help before being asked.
pub fn offers_help_up_front(visitor: Option<Level>) -> bool {
    visitor == Some(Level::Newcomer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug)]
    struct Article {
        slug: &'static str,
        level: Level,
        kind: ArticleKind,
    }

    impl Suited for Article {
        fn level(&self) -> Level {
            self.level
        }
        fn kind(&self) -> ArticleKind {
            self.kind
        }
    }

    #[derive(Clone, Debug)]
    struct Category {
        slug: &'static str,
        articles: Vec<Article>,
    }

    impl ArticleGroup for Category {
        type Article = Article;
        fn articles(&self) -> &[Article] {
            &self.articles
        }
        fn articles_mut(&mut self) -> &mut [Article] {
            &mut self.articles
        }
    }

    fn article(slug: &'static str, level: Level, kind: ArticleKind) -> Article {
        Article { slug, level, kind }
    }

    fn slugs(articles: &[Article]) -> Vec<&str> {
        articles.iter().map(|article| article.slug).collect()
    }

    fn editors_order() -> Vec<Article> {
        vec![
            article("api-limits", Level::Expert, ArticleKind::Reference),
            article("what-is-a-draft", Level::Newcomer, ArticleKind::Explanation),
            article("bank-feeds", Level::Technical, ArticleKind::Guide),
            article("glossary", Level::All, ArticleKind::Reference),
            article("first-invoice", Level::Newcomer, ArticleKind::Guide),
            article("webhooks", Level::Expert, ArticleKind::Guide),
        ]
    }

    #[test]
    fn each_level_gets_its_own_articles_first_and_its_preferred_kind_among_them() {
        for (visitor, expected) in [
            (
                Level::Newcomer,
                ["first-invoice", "what-is-a-draft", "glossary", "bank-feeds", "webhooks", "api-limits"],
            ),
            (
                Level::Technical,
                ["bank-feeds", "glossary", "api-limits", "what-is-a-draft", "first-invoice", "webhooks"],
            ),
            (
                Level::Expert,
                ["api-limits", "webhooks", "glossary", "what-is-a-draft", "bank-feeds", "first-invoice"],
            ),
        ] {
            let mut articles = editors_order();
            order_articles(Some(visitor), &mut articles);
            assert_eq!(slugs(&articles), expected, "{visitor}");
        }
    }

    #[test]
    fn without_a_level_the_editors_order_stands() {
        let mut articles = editors_order();
        order_articles(None, &mut articles);
        assert_eq!(slugs(&articles), slugs(&editors_order()));
    }

    #[test]
    fn categories_with_more_articles_for_the_level_come_first_ties_in_editors_order() {
        let category = |slug: &'static str, levels: &[Level]| Category {
            slug,
            articles: levels.iter().map(|level| article(slug, *level, ArticleKind::Guide)).collect(),
        };
        let categories = vec![
            category("getting-started", &[Level::Newcomer, Level::Newcomer, Level::All]),
            category("invoices", &[Level::Newcomer, Level::Technical]),
            category("api", &[Level::Expert, Level::Expert, Level::Technical]),
            category("billing", &[Level::Technical, Level::Expert]),
        ];
        let order = |visitor: Option<Level>| {
            let mut ordered = categories.clone();
            order_categories(visitor, &mut ordered);
            ordered.into_iter().map(|category| category.slug).collect::<Vec<_>>()
        };
        assert_eq!(order(Some(Level::Newcomer)), ["getting-started", "invoices", "api", "billing"]);
        assert_eq!(order(Some(Level::Expert)), ["api", "billing", "getting-started", "invoices"]);
        assert_eq!(order(Some(Level::Technical)), ["invoices", "api", "billing", "getting-started"]);
        assert_eq!(order(None), ["getting-started", "invoices", "api", "billing"]);
    }

    #[test]
    fn the_visitors_section_comes_first_and_the_rest_keep_their_order() {
        let sections = |levels: &[Level]| -> Vec<LevelSection> {
            levels.iter().map(|level| LevelSection { level: *level, html: String::new() }).collect()
        };
        let mut written = sections(&[Level::Newcomer, Level::Technical, Level::Expert]);
        order_level_sections(Some(Level::Expert), &mut written);
        assert_eq!(written, sections(&[Level::Expert, Level::Newcomer, Level::Technical]));
        order_level_sections(None, &mut written);
        assert_eq!(written, sections(&[Level::Expert, Level::Newcomer, Level::Technical]));
    }

    #[test]
    fn newcomers_are_offered_help_up_front_and_others_when_stuck() {
        assert!(offers_help_up_front(Some(Level::Newcomer)));
        assert!(!offers_help_up_front(Some(Level::Expert)));
        assert!(!offers_help_up_front(None));
    }

    #[test]
    fn the_editors_order_of_levels_starts_newcomer_friendly() {
        let mut levels = [Level::Expert, Level::All, Level::Technical, Level::Newcomer];
        levels.sort_by_key(|level| editors_level_rank(*level));
        assert_eq!(levels, [Level::Newcomer, Level::All, Level::Technical, Level::Expert]);
    }
}
