//! One pass over everything the words match: how many of the words each article
//! matches and how well, the best results among those the filters keep (more words
//! first, then relevance lifted for the visitor's level), whether any article has
//! every word, and the counts behind the filter links. Category, level and kind are
//! read from fast fields (columns), never from stored documents, so counting
//! thousands of matches costs microseconds.

use super::SearchRequest;
use super::query::{KIND_BONUS, LEVEL_BONUS};
use std::collections::BTreeMap;
use tantivy::collector::TopNComputer;
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::columnar::StrColumn;
use tantivy::fastfield::AliveBitSet;
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, TantivyError,
};
use telepath_app::guidance::preferred_kind;
use telepath_app::wire::{ArticleKind, FacetCounts, Level};

/// The fast fields the collector reads; the schema declares them FAST.
pub(super) const CATEGORY: &str = "category";
pub(super) const LEVEL: &str = "level";
pub(super) const KIND: &str = "kind";

pub(super) struct RankAndCount {
    limit: usize,
    category: Option<String>,
    level: Option<&'static str>,
    kind: Option<&'static str>,
    /// (level, bonus): the visitor's level, and articles for everyone at half.
    level_bonuses: Vec<(&'static str, Score)>,
    kind_bonus: Option<&'static str>,
}

impl RankAndCount {
    pub(super) fn new(request: &SearchRequest, limit: usize) -> RankAndCount {
        let (level_bonuses, kind_bonus) = match request.visitor_level {
            Some(level) => (
                vec![(level.as_str(), LEVEL_BONUS), (Level::All.as_str(), LEVEL_BONUS / 2.0)],
                preferred_kind(level).map(ArticleKind::as_str),
            ),
            None => (Vec::new(), None),
        };
        RankAndCount {
            limit,
            category: request.category.clone(),
            level: request.level.map(Level::as_str),
            kind: request.kind.map(ArticleKind::as_str),
            level_bonuses,
            kind_bonus,
        }
    }
}

/// A filter resolved to one segment's term ordinals.
#[derive(Clone, Copy)]
enum Wanted {
    Any,
    Ordinal(u64),
    /// The value occurs nowhere in this segment.
    Nothing,
}

impl Wanted {
    fn resolve(column: &StrColumn, value: Option<&str>) -> Result<Wanted, TantivyError> {
        Ok(match value {
            None => Wanted::Any,
            Some(value) => column.dictionary().term_ord(value)?.map_or(Wanted::Nothing, Wanted::Ordinal),
        })
    }

    fn keeps(self, ordinal: u64) -> bool {
        match self {
            Wanted::Any => true,
            Wanted::Ordinal(wanted) => wanted == ordinal,
            Wanted::Nothing => false,
        }
    }
}

struct Dimension {
    column: StrColumn,
    wanted: Wanted,
    /// Matches per term ordinal.
    counts: Vec<usize>,
}

impl Dimension {
    fn open(reader: &SegmentReader, field: &str, value: Option<&str>) -> Result<Dimension, TantivyError> {
        let column = reader
            .fast_fields()
            .str(field)?
            .ok_or_else(|| TantivyError::SchemaError(format!("`{field}` is not a fast field")))?;
        let wanted = Wanted::resolve(&column, value)?;
        let counts = vec![0; column.num_terms()];
        Ok(Dimension { column, wanted, counts })
    }

    fn ordinal(&self, doc: DocId) -> u64 {
        // Every article has exactly one value; the guard only keeps a damaged index
        // from panicking.
        self.column.ords().first(doc).unwrap_or(u64::MAX)
    }

    fn count(&mut self, ordinal: u64) {
        if let Some(count) = usize::try_from(ordinal).ok().and_then(|index| self.counts.get_mut(index)) {
            *count += 1;
        }
    }

    fn harvest(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        let mut value = String::new();
        for (ordinal, &count) in self.counts.iter().enumerate() {
            if count > 0 && self.column.ord_to_str(ordinal as u64, &mut value).unwrap_or(false) {
                counts.insert(value.clone(), count);
            }
        }
        counts
    }
}

/// How an article ranks: the number of query words it matches, then its relevance
/// lifted for the visitor's level. Compared lexicographically, higher first.
pub(super) type RankKey = (u32, Score);

/// The outcome of one search pass.
pub(super) struct Ranked {
    /// Best first.
    pub(super) top: Vec<(RankKey, DocAddress)>,
    pub(super) counts: FacetCounts,
    /// The most query words any article kept by the filters matched.
    pub(super) most_words_matched: u32,
}

impl RankAndCount {
    /// Runs one query per word over every segment, each word's weight built once.
    pub(super) fn run(&self, searcher: &Searcher, words: &[Box<dyn Query>]) -> Result<Ranked, TantivyError> {
        let weights = words
            .iter()
            .map(|word| word.weight(EnableScoring::enabled_from_searcher(searcher)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut ranked = Ranked { top: Vec::new(), counts: FacetCounts::default(), most_words_matched: 0 };
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            let mut collector = self.for_segment(segment as SegmentOrdinal, reader)?;
            let mut union = WordUnion::new(&weights, reader)?;
            union.for_each(reader.alive_bitset(), &mut collector);
            let Ranked { top, counts, most_words_matched } = collector.harvest();
            ranked.top.extend(top);
            for (merged, segment) in [
                (&mut ranked.counts.categories, counts.categories),
                (&mut ranked.counts.levels, counts.levels),
                (&mut ranked.counts.kinds, counts.kinds),
            ] {
                for (value, count) in segment {
                    *merged.entry(value).or_default() += count;
                }
            }
            ranked.most_words_matched = ranked.most_words_matched.max(most_words_matched);
        }
        // More words first, then relevance; equal keys in index order (slug order).
        ranked.top.sort_by(|((a_words, a_score), a), ((b_words, b_score), b)| {
            b_words.cmp(a_words).then(b_score.total_cmp(a_score)).then(a.cmp(b))
        });
        ranked.top.truncate(self.limit);
        Ok(ranked)
    }

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> Result<SegmentRankAndCount, TantivyError> {
        let category = Dimension::open(reader, CATEGORY, self.category.as_deref())?;
        let level = Dimension::open(reader, LEVEL, self.level)?;
        let kind = Dimension::open(reader, KIND, self.kind)?;
        let mut level_bonuses = Vec::new();
        for &(value, bonus) in &self.level_bonuses {
            if let Some(ordinal) = level.column.dictionary().term_ord(value)? {
                level_bonuses.push((ordinal, bonus));
            }
        }
        let kind_bonus = match self.kind_bonus {
            Some(value) => kind.column.dictionary().term_ord(value)?,
            None => None,
        };
        Ok(SegmentRankAndCount {
            segment,
            // Natural order keeps the highest keys: most words, then best score.
            top: TopNComputer::new_with_comparator(self.limit, NaturalComparator),
            most_words_matched: 0,
            category,
            level,
            kind,
            level_bonuses,
            kind_bonus,
        })
    }
}

/// Every document any word matches, in doc order, with how many words it matches;
/// the summed relevance of those words is computed only when asked for.
struct WordUnion {
    scorers: Vec<Box<dyn Scorer>>,
}

impl WordUnion {
    fn new(weights: &[Box<dyn Weight>], reader: &SegmentReader) -> Result<WordUnion, TantivyError> {
        let scorers = weights.iter().map(|weight| weight.scorer(reader, 1.0)).collect::<Result<_, _>>()?;
        Ok(WordUnion { scorers })
    }

    fn for_each(&mut self, alive: Option<&AliveBitSet>, collector: &mut SegmentRankAndCount) {
        let mut doc = self.scorers.iter().map(|scorer| scorer.doc()).min().unwrap_or(TERMINATED);
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                let matched = self.scorers.iter().filter(|scorer| scorer.doc() == doc).count() as u32;
                collector.collect(doc, matched, || {
                    self.scorers
                        .iter_mut()
                        .filter(|scorer| scorer.doc() == doc)
                        .map(|scorer| scorer.score())
                        .sum()
                });
            }
            let mut next = TERMINATED;
            for scorer in &mut self.scorers {
                let at = if scorer.doc() == doc { scorer.advance() } else { scorer.doc() };
                next = next.min(at);
            }
            doc = next;
        }
    }
}

struct SegmentRankAndCount {
    segment: SegmentOrdinal,
    top: TopNComputer<RankKey, DocId, NaturalComparator>,
    most_words_matched: u32,
    category: Dimension,
    level: Dimension,
    kind: Dimension,
    level_bonuses: Vec<(u64, Score)>,
    kind_bonus: Option<u64>,
}

impl SegmentRankAndCount {
    fn collect(&mut self, doc: DocId, matched: u32, relevance: impl FnOnce() -> Score) {
        let (category, level, kind) =
            (self.category.ordinal(doc), self.level.ordinal(doc), self.kind.ordinal(doc));
        let category_ok = self.category.wanted.keeps(category);
        let level_ok = self.level.wanted.keeps(level);
        let kind_ok = self.kind.wanted.keeps(kind);
        // Each dimension's counts respect the other dimensions' filters, as shoppers expect.
        if level_ok && kind_ok {
            self.category.count(category);
        }
        if category_ok && kind_ok {
            self.level.count(level);
        }
        if category_ok && level_ok {
            self.kind.count(kind);
        }
        if !(category_ok && level_ok && kind_ok) {
            return;
        }
        self.most_words_matched = self.most_words_matched.max(matched);
        // Fewer words than the weakest of a full top list can never get in: skip scoring.
        if self.top.threshold.is_some_and(|(words, _)| matched < words) {
            return;
        }
        let mut lifted = relevance();
        for &(ordinal, bonus) in &self.level_bonuses {
            if ordinal == level {
                lifted += bonus;
            }
        }
        if self.kind_bonus == Some(kind) {
            lifted += KIND_BONUS;
        }
        self.top.push((matched, lifted), doc);
    }

    fn harvest(self) -> Ranked {
        let segment = self.segment;
        let top = self
            .top
            .into_vec()
            .into_iter()
            .map(|ranked| (ranked.sort_key, DocAddress::new(segment, ranked.doc)))
            .collect();
        let counts = FacetCounts {
            categories: self.category.harvest(),
            levels: self.level.harvest(),
            kinds: self.kind.harvest(),
        };
        Ranked { top, counts, most_words_matched: self.most_words_matched }
    }
}
