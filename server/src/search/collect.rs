//! One pass over everything the words match: how many of the words each article
//! matches for real (exactly, by prefix or synonym), how many at all (typos
//! included) and how well, the total within the filters, the best results among those the filters keep (more words
//! first, then relevance lifted for the visitor's level), whether any article has
//! every word, and the counts behind the filter links. Category, level and kind are
//! read from fast fields (columns), never from stored documents, once per segment
//! into a cache of plain ordinals, so counting thousands of matches costs
//! microseconds.

use super::FacetCounts;
use super::SearchRequest;
use super::query::{KIND_BONUS, LEVEL_BONUS, WordQuery};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::collector::TopNComputer;
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::columnar::StrColumn;
use tantivy::fastfield::AliveBitSet;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, TantivyError,
};
use telepath_domain::guidance::preferred_kind;
use telepath_domain::{ArticleKind, Level};

/// The fast fields the collector reads; the schema declares them FAST.
pub(super) const CATEGORY: &str = "category";
pub(super) const LEVEL: &str = "level";
pub(super) const KIND: &str = "kind";

/// Stands for "no value" in [`SegmentFacets`]; never a real term ordinal.
const NO_ORDINAL: u32 = u32::MAX;

/// The category, level and kind term ordinals of every document of one segment.
/// Reading three columns per match was a sixth of a search; a segment never
/// changes, so its ordinals are read once and kept for as long as it is searched.
pub(super) struct SegmentFacets {
    /// Per document: category, level and kind ordinals.
    ordinals: Vec<[u32; 3]>,
}

impl SegmentFacets {
    fn read(reader: &SegmentReader) -> Result<SegmentFacets, TantivyError> {
        let columns = [str_column(reader, CATEGORY)?, str_column(reader, LEVEL)?, str_column(reader, KIND)?];
        let ordinals = (0..reader.max_doc())
            .map(|doc| {
                columns.each_ref().map(|column| {
                    // Every article has exactly one value; the fallback only keeps a
                    // damaged index from panicking.
                    column
                        .ords()
                        .first(doc)
                        .and_then(|ordinal| u32::try_from(ordinal).ok())
                        .unwrap_or(NO_ORDINAL)
                })
            })
            .collect();
        Ok(SegmentFacets { ordinals })
    }

    fn of(&self, doc: DocId) -> [u64; 3] {
        let ordinals = self.ordinals.get(doc as usize).copied().unwrap_or([NO_ORDINAL; 3]);
        ordinals.map(|ordinal| if ordinal == NO_ORDINAL { u64::MAX } else { u64::from(ordinal) })
    }
}

/// [`SegmentFacets`] of the segments being searched, by segment id. Segments are
/// immutable and ids unique, so an entry stays right for its segment's lifetime;
/// entries of segments a reload (sync, merge, another process's commit) retired
/// are dropped on the next search.
#[derive(Default)]
pub(super) struct FacetCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl FacetCache {
    /// The facets of each of `searcher`'s segments, in segment order.
    fn for_searcher(&self, searcher: &Searcher) -> Result<Vec<Arc<SegmentFacets>>, TantivyError> {
        let readers = searcher.segment_readers();
        let mut segments = self.segments.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        segments.retain(|id, _| readers.iter().any(|reader| reader.segment_id() == *id));
        readers
            .iter()
            .map(|reader| match segments.get(&reader.segment_id()) {
                Some(facets) => Ok(Arc::clone(facets)),
                None => {
                    let facets = Arc::new(SegmentFacets::read(reader)?);
                    segments.insert(reader.segment_id(), Arc::clone(&facets));
                    Ok(facets)
                }
            })
            .collect()
    }

    /// The segments cached, for tests of invalidation.
    #[cfg(test)]
    pub(super) fn cached_segments(&self) -> std::collections::HashSet<SegmentId> {
        self.segments.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).keys().copied().collect()
    }
}

fn str_column(reader: &SegmentReader, field: &str) -> Result<StrColumn, TantivyError> {
    reader
        .fast_fields()
        .str(field)?
        .ok_or_else(|| TantivyError::SchemaError(format!("`{field}` is not a fast field")))
}

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
        let column = str_column(reader, field)?;
        let wanted = Wanted::resolve(&column, value)?;
        let counts = vec![0; column.num_terms()];
        Ok(Dimension { column, wanted, counts })
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

/// How an article ranks: the number of query words it matches for real (exactly,
/// by prefix or synonym), then the number it matches at all (typos too), then its
/// relevance lifted for the visitor's level. Compared lexicographically, higher first.
pub(super) type RankKey = (u32, u32, Score);

/// The outcome of one search pass.
pub(super) struct Ranked {
    /// Best first.
    pub(super) top: Vec<(RankKey, DocAddress)>,
    pub(super) counts: FacetCounts,
    /// The most query words any article kept by the filters matched, typos included.
    pub(super) most_words_matched: u32,
    /// How many articles the filters keep.
    pub(super) total: usize,
}

impl RankAndCount {
    /// Runs one query per word over every segment, each word's weight built once.
    pub(super) fn run(
        &self,
        searcher: &Searcher,
        facets: &FacetCache,
        words: &[WordQuery],
    ) -> Result<Ranked, TantivyError> {
        let facets = facets.for_searcher(searcher)?;
        let weight = |query: &dyn Query| query.weight(EnableScoring::enabled_from_searcher(searcher));
        let mut weights = Vec::new();
        for (index, word) in words.iter().enumerate() {
            weights.push(WordWeight { word: index, strong: true, weight: weight(word.strong.as_ref())? });
            if let Some(typo) = &word.typo {
                weights.push(WordWeight { word: index, strong: false, weight: weight(typo.as_ref())? });
            }
        }
        let mut ranked =
            Ranked { top: Vec::new(), counts: FacetCounts::default(), most_words_matched: 0, total: 0 };
        for (segment, (reader, facets)) in searcher.segment_readers().iter().zip(facets).enumerate() {
            let mut collector = self.for_segment(segment as SegmentOrdinal, reader, facets)?;
            let mut union = WordUnion::new(&weights, reader)?;
            union.for_each(reader.alive_bitset(), &mut collector);
            let Ranked { top, counts, most_words_matched, total } = collector.harvest();
            ranked.top.extend(top);
            ranked.total += total;
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
        // More words for real first, then more words at all, then relevance; equal
        // keys in index order (slug order).
        ranked.top.sort_by(|((a_strong, a_words, a_score), a), ((b_strong, b_words, b_score), b)| {
            b_strong.cmp(a_strong).then(b_words.cmp(a_words)).then(b_score.total_cmp(a_score)).then(a.cmp(b))
        });
        ranked.top.truncate(self.limit);
        Ok(ranked)
    }

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
        facets: Arc<SegmentFacets>,
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
            total: 0,
            facets,
            category,
            level,
            kind,
            level_bonuses,
            kind_bonus,
        })
    }
}

/// One word's strong or typo query, ready to score.
struct WordWeight {
    word: usize,
    strong: bool,
    weight: Box<dyn Weight>,
}

/// Every document any word matches, in doc order, with how many words it matches
/// for real and at all; the summed relevance of those words is computed only when
/// asked for.
struct WordUnion {
    /// (word index, strong, scorer).
    scorers: Vec<(usize, bool, Box<dyn Scorer>)>,
}

impl WordUnion {
    fn new(weights: &[WordWeight], reader: &SegmentReader) -> Result<WordUnion, TantivyError> {
        let scorers = weights
            .iter()
            .map(|word| Ok((word.word, word.strong, word.weight.scorer(reader, 1.0)?)))
            .collect::<Result<_, TantivyError>>()?;
        Ok(WordUnion { scorers })
    }

    fn for_each(&mut self, alive: Option<&AliveBitSet>, collector: &mut SegmentRankAndCount) {
        let mut doc = self.scorers.iter().map(|(_, _, scorer)| scorer.doc()).min().unwrap_or(TERMINATED);
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                // Query words are at most a dozen: one bit each.
                let (mut strong, mut any) = (0u32, 0u32);
                for (word, is_strong, scorer) in &self.scorers {
                    if scorer.doc() == doc {
                        let bit = 1 << (*word).min(31);
                        any |= bit;
                        if *is_strong {
                            strong |= bit;
                        }
                    }
                }
                collector.collect(doc, (strong.count_ones(), any.count_ones()), || {
                    self.scorers
                        .iter_mut()
                        .filter(|(_, _, scorer)| scorer.doc() == doc)
                        .map(|(_, _, scorer)| scorer.score())
                        .sum()
                });
            }
            let mut next = TERMINATED;
            for (_, _, scorer) in &mut self.scorers {
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
    total: usize,
    facets: Arc<SegmentFacets>,
    category: Dimension,
    level: Dimension,
    kind: Dimension,
    level_bonuses: Vec<(u64, Score)>,
    kind_bonus: Option<u64>,
}

impl SegmentRankAndCount {
    /// `matched`: (words matched for real, words matched at all).
    fn collect(&mut self, doc: DocId, matched: (u32, u32), relevance: impl FnOnce() -> Score) {
        let [category, level, kind] = self.facets.of(doc);
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
        self.total += 1;
        self.most_words_matched = self.most_words_matched.max(matched.1);
        // Fewer words than the weakest of a full top list can never get in: skip scoring.
        if self.top.threshold.is_some_and(|(strong, words, _)| matched < (strong, words)) {
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
        self.top.push((matched.0, matched.1, lifted), doc);
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
        Ranked { top, counts, most_words_matched: self.most_words_matched, total: self.total }
    }
}
