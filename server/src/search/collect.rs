//! One pass over everything the words match: the best results among those the
//! filters keep, lifted for the visitor's level, and the counts behind the filter
//! links. Category, level and kind are read from fast fields (columns), never from
//! stored documents, so counting thousands of matches costs microseconds.

use super::SearchRequest;
use super::query::{KIND_BONUS, LEVEL_BONUS};
use std::collections::BTreeMap;
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};
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
            Some(level) => {
                let routed_kind = match level {
                    Level::Newcomer => Some(ArticleKind::Guide),
                    Level::Expert => Some(ArticleKind::Reference),
                    Level::Technical | Level::All => None,
                };
                (
                    vec![(level.as_str(), LEVEL_BONUS), (Level::All.as_str(), LEVEL_BONUS / 2.0)],
                    routed_kind.map(ArticleKind::as_str),
                )
            }
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

pub(super) struct SegmentRankAndCount {
    segment: SegmentOrdinal,
    top: TopNComputer<Score, DocId, NaturalComparator>,
    category: Dimension,
    level: Dimension,
    kind: Dimension,
    level_bonuses: Vec<(u64, Score)>,
    kind_bonus: Option<u64>,
}

impl SegmentCollector for SegmentRankAndCount {
    type Fruit = (Vec<(Score, DocAddress)>, FacetCounts);

    fn collect(&mut self, doc: DocId, score: Score) {
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
        if category_ok && level_ok && kind_ok {
            let mut lifted = score;
            for &(ordinal, bonus) in &self.level_bonuses {
                if ordinal == level {
                    lifted += bonus;
                }
            }
            if self.kind_bonus == Some(kind) {
                lifted += KIND_BONUS;
            }
            self.top.push(lifted, doc);
        }
    }

    fn harvest(self) -> Self::Fruit {
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
        (top, counts)
    }
}

impl Collector for RankAndCount {
    type Fruit = (Vec<(Score, DocAddress)>, FacetCounts);
    type Child = SegmentRankAndCount;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRankAndCount> {
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
            // Natural order keeps the highest scores.
            top: TopNComputer::new_with_comparator(self.limit, NaturalComparator),
            category,
            level,
            kind,
            level_bonuses,
            kind_bonus,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut top = Vec::new();
        let mut counts = FacetCounts::default();
        for (segment_top, segment_counts) in fruits {
            top.extend(segment_top);
            for (merged, segment) in [
                (&mut counts.categories, segment_counts.categories),
                (&mut counts.levels, segment_counts.levels),
                (&mut counts.kinds, segment_counts.kinds),
            ] {
                for (value, count) in segment {
                    *merged.entry(value).or_default() += count;
                }
            }
        }
        // Best first; equal scores in index order (slug order), as tantivy's TopDocs does.
        top.sort_by(|(a_score, a), (b_score, b)| b_score.total_cmp(a_score).then(a.cmp(b)));
        top.truncate(self.limit);
        Ok((top, counts))
    }
}
