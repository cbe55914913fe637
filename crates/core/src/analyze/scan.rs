//! The sentence set: every pattern that is matched against a sentence, searched at once, and the
//! spans of the triggers found.
//!
//! The set is what `regex::RegexSet` builds, so that it loads, fails and matches as the analyzer's
//! set always has. Most sentences are answered by the same patterns compiled as a lazy DFA that is
//! searched directly: it costs less per sentence, and it reports where every match ends. A trigger
//! whose matches in a sentence all end at one place then needs no search of its own for its span:
//! a reverse search from that end finds where the first match starts, which is what the trigger's
//! own regex would find. The lazy DFA can give up (a Unicode word boundary next to non-ASCII text,
//! or a cache that keeps filling up); the set and the triggers' own regexes answer then.
//!
//! The lazy DFAs are compiled when they are first needed, so that loading a rubric costs what it
//! did before they existed.

use std::ops::Range;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::OnceLock;

use regex::Regex;
use regex_automata::hybrid::dfa::{Cache, DFA, OverlappingState};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternSet, meta};

/// The cache capacity of the set's lazy DFAs (each thread that analyses has its own caches).
/// Replies nobody has typed before need new states all the time, so a cache fills up and is
/// cleared: at 64 MB a server fed 13,500 varied typed replies grew to 368 MB; at 16 MB it held
/// 154 MB, and such replies took about 45% longer. Replies seen before are not affected.
const CACHE_CAPACITY: usize = 16 << 20;

/// Patterns that are all searched at once, to tell which of them match a sentence.
#[derive(Debug)]
pub(crate) struct SentenceSet {
    /// What `regex::RegexSetBuilder` builds from the patterns, with its configuration.
    set: meta::Regex,
    /// The patterns, for the lazy DFAs.
    sources: Vec<String>,
    /// The patterns from here on are triggers.
    triggers_from: usize,
    /// The size limits of the whole set and of one trigger.
    size_limit: usize,
    trigger_size_limit: usize,
    /// The same patterns as a lazy DFA searched directly, when it could be built.
    forward: OnceLock<Option<DFA>>,
    /// Per pattern, a reverse lazy DFA that finds where a match ending at a given place starts:
    /// for the triggers, when it could be built.
    reverse: Vec<OnceLock<Option<DFA>>>,
    /// The lazy DFAs' caches, kept from one analysis to the next.
    caches: Pool<Caches, NewCaches>,
}

/// The mutable state of the scans with a [`SentenceSet`], kept from one reply to the next.
#[derive(Debug)]
struct Caches {
    forward: Option<Cache>,
    /// Made on the first search of each reverse DFA.
    reverse: Vec<Option<Cache>>,
    /// The set's answer, when the forward lazy DFA gave up.
    fallback: PatternSet,
    /// Per pattern, one past where its first and its last match in the sentence end: 0 when it
    /// did not match, `usize::MAX` when it matched but where is not known.
    first_end: Vec<usize>,
    last_end: Vec<usize>,
    /// The patterns that matched the sentence, in increasing order.
    matched: Vec<usize>,
    /// The spans of the trigger asked for last.
    spans: Vec<Range<usize>>,
}

type NewCaches = Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>;

impl SentenceSet {
    /// Compiles `sources` as a set whose automaton may take `size_limit` bytes; the patterns
    /// from `triggers_from` on are triggers, whose spans are asked for. An error is worded as
    /// `regex::Error` words it.
    pub(crate) fn new(
        sources: &[String],
        triggers_from: usize,
        size_limit: usize,
        trigger_size_limit: usize,
    ) -> Result<SentenceSet, String> {
        let set = pattern_set(sources, size_limit)?;
        let patterns = sources.len();
        let create: NewCaches = Box::new(move || Caches {
            forward: None,
            reverse: (0..patterns).map(|_| None).collect(),
            fallback: PatternSet::new(patterns),
            first_end: vec![0; patterns],
            last_end: vec![0; patterns],
            matched: Vec::new(),
            spans: Vec::new(),
        });
        Ok(SentenceSet {
            set,
            sources: sources.to_vec(),
            triggers_from,
            size_limit,
            trigger_size_limit,
            forward: OnceLock::new(),
            reverse: (0..patterns).map(|_| OnceLock::new()).collect(),
            caches: Pool::new(create),
        })
    }

    /// The lazy DFA of all the patterns, compiled on first use.
    fn forward(&self) -> Option<&DFA> {
        self.forward
            .get_or_init(|| {
                DFA::builder()
                    .configure(lazy_dfa().cache_capacity(CACHE_CAPACITY))
                    .syntax(syntax::Config::new())
                    .thompson(
                        thompson::Config::new()
                            .nfa_size_limit(Some(self.size_limit))
                            .which_captures(WhichCaptures::None),
                    )
                    .build_many(&self.sources)
                    .ok()
            })
            .as_ref()
    }

    /// The reverse lazy DFA of trigger `pattern`, compiled on first use; a trigger without one is
    /// searched with its own regex.
    fn reverse(&self, pattern: usize) -> Option<&DFA> {
        if pattern < self.triggers_from {
            return None;
        }
        self.reverse[pattern]
            .get_or_init(|| {
                let config = thompson::Config::new()
                    .reverse(true)
                    .nfa_size_limit(Some(self.trigger_size_limit))
                    .which_captures(WhichCaptures::None);
                DFA::builder()
                    .configure(lazy_dfa())
                    .syntax(syntax::Config::new())
                    .thompson(config)
                    .build(&self.sources[pattern])
                    .ok()
            })
            .as_ref()
    }

    /// The set as `regex::RegexSet` would build it, to check its size.
    pub(crate) fn memory_usage(&self) -> usize {
        self.set.memory_usage()
    }

    /// A scanner for the sentences of one reply.
    pub(crate) fn scanner(&self) -> SentenceScanner<'_> {
        SentenceScanner { set: self, caches: self.caches.get() }
    }
}

/// The configuration the set and the regex crate give their own lazy DFAs.
fn lazy_dfa() -> regex_automata::hybrid::dfa::Config {
    DFA::config()
        .match_kind(MatchKind::All)
        .unicode_word_boundary(true)
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10))
}

/// Compiles patterns into one set that tells which of them match: what `regex::RegexSetBuilder`
/// builds, with its configuration, so that sets load, match and fail as they did. An error is
/// worded as `regex::Error` words it.
pub(crate) fn pattern_set(sources: &[String], size_limit: usize) -> Result<meta::Regex, String> {
    let config = meta::Config::new()
        .nfa_size_limit(Some(size_limit))
        .hybrid_cache_capacity(CACHE_CAPACITY)
        .match_kind(MatchKind::All)
        .utf8_empty(true)
        .which_captures(WhichCaptures::None);
    meta::Builder::new().configure(config).syntax(syntax::Config::new()).build_many(sources).map_err(|error| {
        match (error.size_limit(), error.syntax_error()) {
            (Some(limit), _) => format!("Compiled regex exceeds size limit of {limit} bytes."),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => error.to_string(),
        }
    })
}

/// Scans the sentences of one reply with a [`SentenceSet`].
pub(crate) struct SentenceScanner<'a> {
    set: &'a SentenceSet,
    caches: PoolGuard<'a, Caches, NewCaches>,
}

impl SentenceScanner<'_> {
    /// Finds the patterns that match `sentence`.
    pub(crate) fn scan(&mut self, sentence: &str) {
        let caches = &mut *self.caches;
        caches.forget();
        let input = Input::new(sentence);
        if let Some(forward) = self.set.forward() {
            let cache = caches.forward.get_or_insert_with(|| forward.create_cache());
            // Every end of every match is reported, in order.
            let mut state = OverlappingState::start();
            let complete = loop {
                if forward.try_search_overlapping_fwd(cache, &input, &mut state).is_err() {
                    break false;
                }
                let Some(found) = state.get_match() else { break true };
                let pattern = found.pattern().as_usize();
                if caches.first_end[pattern] == 0 {
                    caches.matched.push(pattern);
                    caches.first_end[pattern] = found.offset() + 1;
                }
                caches.last_end[pattern] = found.offset() + 1;
            };
            if complete {
                caches.matched.sort_unstable();
                return;
            }
            caches.forget();
        }
        caches.fallback.clear();
        self.set.set.which_overlapping_matches(&input, &mut caches.fallback);
        for pattern in caches.fallback.iter() {
            caches.matched.push(pattern.as_usize());
            caches.first_end[pattern.as_usize()] = usize::MAX;
            caches.last_end[pattern.as_usize()] = usize::MAX;
        }
    }

    /// The patterns that matched the sentence scanned last, in increasing order.
    pub(crate) fn matched(&self) -> &[usize] {
        &self.caches.matched
    }

    /// The non-empty matches, in order, that `regex` (the trigger `pattern` of the set, compiled
    /// only if a search of its own is needed) finds with `find_iter` in `sentence`, the sentence
    /// scanned last.
    pub(crate) fn spans<'r>(
        &mut self,
        pattern: usize,
        regex: impl FnOnce() -> Option<&'r Regex>,
        sentence: &str,
    ) -> &[Range<usize>] {
        let caches = &mut *self.caches;
        caches.spans.clear();
        let (first_end, last_end) = (caches.first_end[pattern], caches.last_end[pattern]);
        // All matches end at one place: the first match starts where the one that starts
        // earliest does, and no other non-empty match can follow it.
        if first_end == last_end
            && last_end != usize::MAX
            && let Some(reverse) = self.set.reverse(pattern)
        {
            let end = last_end - 1;
            let cache = caches.reverse[pattern].get_or_insert_with(|| reverse.create_cache());
            let input = Input::new(sentence).range(..end).anchored(Anchored::Yes);
            if let Ok(Some(start)) = reverse.try_search_rev(cache, &input) {
                if start.offset() < end {
                    caches.spans.push(start.offset()..end);
                }
                return &caches.spans;
            }
        }
        let Some(regex) = regex() else { return &caches.spans };
        for found in regex.find_iter(sentence) {
            if !found.is_empty() {
                caches.spans.push(found.range());
            }
            // A later match would end after this one: nothing but an empty one can follow the
            // last match, or a match that ends the sentence.
            if found.end() == sentence.len() || (last_end != usize::MAX && found.end() + 1 >= last_end) {
                break;
            }
        }
        &caches.spans
    }
}

impl Caches {
    /// Clears what the last scan found.
    fn forget(&mut self) {
        for &pattern in &self.matched {
            self.first_end[pattern] = 0;
            self.last_end[pattern] = 0;
        }
        self.matched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanner must answer exactly as `RegexSet::matches` and each trigger's `find_iter` did:
    /// on ASCII text through its lazy DFAs, and next to non-ASCII letters, where a Unicode `\b`
    /// makes the lazy DFA give up, through the fallback.
    #[test]
    fn the_scanner_answers_as_the_set_and_each_regex_would() {
        let sources: Vec<String> = [
            r"(?-u:\b)sorry(?-u:\b)",
            r"(?-u:\b)you (?:always|never)(?-u:\b)",
            r"a+",
            r"\bnaïve\b",
            r"x*",
            r"(?:ab|a)(?:c|bcd)?",
            r"(?-u:\b)\w+ing(?-u:\b)",
        ]
        .map(String::from)
        .to_vec();
        let set = SentenceSet::new(&sources, 0, 1 << 24, 1 << 22).unwrap();
        let regexes: Vec<Regex> = sources.iter().map(|source| Regex::new(source).unwrap()).collect();
        let reference = regex::RegexSet::new(&sources).unwrap();
        let mut scanner = set.scanner();
        for sentence in [
            "you always do this, you never listen",
            "sorry, so sorry, sorrynot",
            "aaa baaa a",
            "a café for the naïve, naïvement",
            "",
            "abcd abc ab abcbcd",
            "waiting and being kept waiting",
            // One match each: the spans come from a reverse search from where it ends.
            "i am so sorry",
            "but you never call",
            "just waiting",
        ] {
            scanner.scan(sentence);
            let matched: Vec<usize> = reference.matches(sentence).into_iter().collect();
            assert_eq!(scanner.matched(), matched, "{sentence:?}");
            for pattern in matched {
                let expected: Vec<Range<usize>> =
                    regexes[pattern].find_iter(sentence).filter(|m| !m.is_empty()).map(|m| m.range()).collect();
                assert_eq!(
                    scanner.spans(pattern, || Some(&regexes[pattern]), sentence),
                    expected,
                    "{sentence:?} {pattern}"
                );
            }
        }
    }
}
