//! The reply analyzer: which of the guide's principles a reply uses or breaks, and the words that show it.
//!
//! Analysis is a pure function of (rubric, reply, partner's line). It never fails: text that no
//! rule recognises gets an analysis with no tags (style `neutral`, score 0).
//!
//! The pipeline, per reply:
//! 1. normalise the reply ([`text`]), and the partner's line when a later step first reads it;
//!    plain ASCII with nothing to rewrite keeps its lowercased bytes and needs no table of origins;
//! 2. split the reply into sentences and scan each once with one set of patterns ([`scan`]):
//!    every trigger, and the sentence rules (each tag's `unless`, the reflection's statement
//!    frames and `not_with`), so that one pass says which triggers match and which rules hold,
//!    and where each match ends;
//! 3. find the spans of each matching trigger (a trigger whose matches all end at one place
//!    needs only a reverse search from there; others are searched again in their sentence), and
//!    apply the tag's rule: negation scope, `unless` (a vetoed trigger is not searched unless a
//!    negated hit could turn into another tag), `requires` (searched once per reply); a trigger
//!    of an `answering` group, or of a tag with `context_cancels`, counts only if the partner's
//!    line meets the condition ("k." to "I'm hurt", not to "dinner's at seven"; advice the
//!    partner asked for is not unsolicited);
//! 4. add the hits that need more than a pattern: shouted praise (sarcasm) and reflective
//!    listening without a stock phrase (statements on the partner's side, unless a bare "You ...?",
//!    a contradiction of the partner's own word, or a sentence whose first clause another tag
//!    already claims; echoes of their words);
//! 5. apply suppressions ("sorry, but" cancels the apology in its sentence);
//! 6. derive style, score and feedback; evidence quotes a hit from its first word, without the
//!    separators a pattern matched to tell where the phrase starts.
//!
//! The scan of step 2 takes the largest part of the time, then normalisation; see
//! docs/performance.md.

mod rubric;
mod scan;
mod tag;
mod text;

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use rubric::SentencePattern;
pub use rubric::{BUILTIN_RUBRIC, Rubric, RubricError, ScoreScale};
use scan::SentenceScanner;
pub use tag::{Style, Tag};
use text::{Clauses, Normalized, Sentence};

/// A stretch of the original reply that shows a tag: byte offsets on UTF-8 boundaries, and the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// Byte offset of the first byte, in the original reply.
    pub start: usize,
    /// Byte offset one past the last byte, in the original reply.
    pub end: usize,
    /// The original text between `start` and `end`.
    pub text: String,
}

/// One tag found in a reply, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagHit {
    /// The principle used or broken.
    pub tag: Tag,
    /// The words that show it, in reply order, never overlapping.
    pub evidence: Vec<Span>,
}

/// What the analyzer says of one reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Analysis {
    /// The style derived from the tags by the rule of labels.md.
    pub style: Style,
    /// The reply's effect on emotional safety: the sum of its tags' weights, clamped to the
    /// rubric's scale (by default -10..=10). Positive builds safety, negative erodes it.
    pub score: i32,
    /// The tags found, in the order of labels.md.
    pub tags: Vec<TagHit>,
    /// One line per tag saying what it means here, quoting the reply; a tip for each breakdown.
    pub feedback: Vec<String>,
}

impl Analysis {
    /// Whether the analysis found `tag`.
    pub fn has(&self, tag: Tag) -> bool {
        self.tags.iter().any(|hit| hit.tag == tag)
    }

    /// The tags found, in the order of labels.md.
    pub fn tag_set(&self) -> BTreeSet<Tag> {
        self.tags.iter().map(|hit| hit.tag).collect()
    }

    /// The analysis for a person to read: style and score, then one line per finding.
    pub fn explain(&self) -> String {
        let mut text = format!("style: {}   score: {:+}\n", self.style, self.score);
        for line in &self.feedback {
            text.push_str("  - ");
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// Scores replies against a rubric.
#[derive(Debug)]
pub struct Analyzer {
    rubric: Rubric,
}

/// A tag found in one sentence, before suppressions: a range of the normalised reply.
#[derive(Debug, Clone)]
struct Hit {
    tag: Tag,
    sentence: usize,
    range: Range<usize>,
}

impl Analyzer {
    /// The analyzer with the rubric shipped in the binary.
    pub fn builtin() -> Analyzer {
        let rubric = Rubric::from_yaml("<builtin rubric>", BUILTIN_RUBRIC)
            .unwrap_or_else(|error| panic!("the builtin rubric is checked by the tests: {error}"));
        Analyzer { rubric }
    }

    /// An analyzer with a rubric of one's own (see [`Rubric::from_yaml`]).
    pub fn from_rubric(rubric: Rubric) -> Analyzer {
        Analyzer { rubric }
    }

    /// The rubric in use.
    pub fn rubric(&self) -> &Rubric {
        &self.rubric
    }

    /// Analyses `reply`, said in answer to the partner's line `context` (empty if none).
    pub fn analyze(&self, reply: &str, context: &str) -> Analysis {
        let reply_text = Normalized::new(reply);
        let context_text = Context { original: context, canonical: OnceCell::new() };
        let sentences = reply_text.sentences();

        // Most replies find fewer hits than this: the list then never grows.
        let mut hits = Vec::with_capacity(16);
        let mut scan = Scan::new(&self.rubric);
        let whole = WholeReply { text: &reply_text.text, context: &context_text, sentences: sentences.len() };
        let marks: Vec<SentenceMarks> = sentences
            .iter()
            .enumerate()
            .map(|(index, sentence)| self.sentence_hits(&whole, index, sentence, &mut scan, &mut hits))
            .collect();
        self.sarcasm_hits(&reply_text, &sentences, &mut hits);
        self.reflection_hits(&reply_text.text, &context_text, &sentences, &marks, &mut hits);
        let hits = self.settle(hits, sentences.len());
        self.conclude(reply, &reply_text, hits)
    }

    /// Scans one sentence with every pattern of the sentence set, keeps the trigger hits their
    /// rules allow, and returns what the reflection rule needs to know of the sentence.
    fn sentence_hits(
        &self,
        reply: &WholeReply,
        index: usize,
        sentence: &Sentence,
        scan: &mut Scan,
        hits: &mut Vec<Hit>,
    ) -> SentenceMarks {
        let text = reply.text;
        let offset = sentence.range.start;
        let sentence_text = &text[sentence.range.clone()];
        let mut marks = SentenceMarks::default();
        let mut vetoed = TagSet::default();
        // Worked out on the first hit that needs them, once per sentence.
        let mut clauses: Option<Clauses> = None;
        // The sentence rules come first, so they are known before any trigger is read.
        scan.sentences.scan(sentence_text);
        for at in 0..scan.sentences.matched().len() {
            let pattern = scan.sentences.matched()[at];
            let (tag, regex) = match &self.rubric.sentence_patterns[pattern] {
                SentencePattern::Unless(tag) => {
                    vetoed.extend([*tag]);
                    continue;
                }
                SentencePattern::StatementFrame => {
                    marks.framed = true;
                    continue;
                }
                SentencePattern::NotWith => {
                    marks.not_with = true;
                    continue;
                }
                SentencePattern::Trigger(tag, regex, answering) => {
                    if answering
                        .as_ref()
                        .is_some_and(|answering| !answering.holds(reply.context.text(), reply.sentences))
                    {
                        continue;
                    }
                    (*tag, regex)
                }
            };
            let rule = self.rubric.rule(tag);
            // A vetoed tag's hits are dropped; only negated ones that turn into another tag count.
            if vetoed.contains(tag) && !(rule.negatable && rule.when_negated.is_some()) {
                continue;
            }
            for found in scan.sentences.spans(pattern, || regex.regex(), sentence_text) {
                let clause = clauses.get_or_insert_with(|| Clauses::of(sentence_text)).start_of(found.start);
                if rule.negatable && has_negation(&sentence_text[clause..found.start]) {
                    if let Some(flipped) = rule.when_negated {
                        let range = offset + clause..offset + found.end;
                        hits.push(Hit { tag: flipped, sentence: index, range });
                    }
                } else if !vetoed.contains(tag) {
                    // What a tag requires may stand in another sentence ("Can we pause? I'll come back.").
                    if let Some(requires) = &rule.requires {
                        let required =
                            scan.required[tag.index()].get_or_insert_with(|| requires.find(text).map(|m| m.range()));
                        let Some(required) = required else { continue };
                        hits.push(Hit { tag, sentence: index, range: required.clone() });
                    }
                    hits.push(Hit { tag, sentence: index, range: offset + found.start..offset + found.end });
                }
            }
        }
        marks
    }

    /// Praise typed in capitals ("thank you SO much") is read as sarcasm: contempt.
    fn sarcasm_hits(&self, reply: &Normalized, sentences: &[Sentence], hits: &mut Vec<Hit>) {
        for shouted in &reply.shouted {
            let word = &reply.text[shouted.clone()];
            if !self.rubric.shouted_praise.iter().any(|praise| praise == word) {
                continue;
            }
            if let Some(sentence) = sentences.iter().position(|s| s.range.contains(&shouted.start)) {
                hits.push(Hit { tag: Tag::Contempt, sentence, range: shouted.clone() });
            }
        }
    }

    /// Reflective listening without a stock phrase: a statement framed on the partner's side that
    /// says nothing about the speaker ("So you carried bedtime all week."), unless it is a bare
    /// "You ...?", negates the partner's own word or answers their one-line question; or a
    /// statement that reuses enough of the partner's own content words, unless their line was a
    /// question. Neither counts in a reply that defends or attacks: there, a statement about the
    /// partner is a counter ("You cry at adverts."), not their experience handed back; nor in a
    /// sentence whose first clause another tag already claims.
    fn reflection_hits(
        &self,
        reply: &str,
        context: &Context,
        sentences: &[Sentence],
        marks: &[SentenceMarks],
        hits: &mut Vec<Hit>,
    ) {
        if Style::from_tags(hits.iter().map(|hit| hit.tag)) == Style::Defensive {
            return;
        }
        let rule = &self.rubric.reflection;
        let partner_line = context.text().trim_end();
        // "Who's picking up Leo?" "Your mum said she could." answers, it doesn't reflect. A
        // statement closed by "..., you know?" or "..., right?" asks for nothing.
        let answers_question =
            partner_line.strip_suffix('?').is_some_and(|question| !question.contains(['.', '!', '?', '\n', ',']));
        // The partner's words are only needed for a sentence that might echo or contradict them.
        let context_stems = OnceCell::new();
        let context_stems = || {
            context_stems.get_or_init(|| {
                let mut stems: Vec<&str> =
                    content_words(context.text(), &rule.stopwords).map(|(_, stem)| stem).collect();
                stems.sort_unstable();
                stems.dedup();
                stems
            })
        };
        for ((index, sentence), marks) in sentences.iter().enumerate().zip(marks) {
            if marks.not_with {
                continue;
            }
            let text = &reply[sentence.range.clone()];
            // A statement whose first clause already does something else is that, not a
            // reflection: "You've every right to be angry" validates, "You need more daylight"
            // advises. "You're carrying all of it, and that's not fair on you" reflects, then
            // validates. The clauses are worked out only for a sentence with another tag's hit.
            let mut clauses: Option<Clauses> = None;
            let opens_with_another_act = hits.iter().any(|hit| {
                hit.sentence == index
                    && hit.tag != Tag::ReflectiveListening
                    && sentence.range.contains(&hit.range.start)
                    && clauses.get_or_insert_with(|| Clauses::of(text)).start_of(hit.range.start - sentence.range.start)
                        == 0
            });
            if opens_with_another_act {
                continue;
            }
            let at = |range: Range<usize>| sentence.range.start + range.start..sentence.range.start + range.end;
            // A framed statement keeps statement word order even when it is asked with a rising
            // "?" ("So you've cut down already?"): it is still a reflection. One that asks with a
            // question word ("So when she's at work, what happens?") is a question instead.
            let asked_openly = || hits.iter().any(|hit| hit.sentence == index && hit.tag == Tag::OpenQuestion);
            if marks.framed && !(text.ends_with('?') && asked_openly()) {
                if answers_question {
                    continue;
                }
                // Negating the partner's own words ("I'm drowning." "You're not drowning.")
                // hands back the opposite of what they said: reassurance or dismissal, not a
                // reflection.
                let contradicts = || {
                    let words: Vec<&str> = words_of(text).map(|(_, word)| word).collect();
                    let partners = |word: &&str| {
                        content_stem(word, &rule.stopwords)
                            .is_some_and(|stem| context_stems().binary_search(&stem).is_ok())
                    };
                    // The negation reaches the partner's word within a few words ("haven't been useless").
                    let negated_echo = (0..words.len())
                        .any(|at| negates(words[at].as_bytes()) && words[at + 1..].iter().take(3).any(partners));
                    negated_echo && !has_negation(context.text())
                };
                if !contradicts() {
                    hits.push(Hit { tag: Tag::ReflectiveListening, sentence: index, range: sentence.range.clone() });
                }
                continue;
            }
            // An answer reuses the words of the question it answers ("Blue or grey?" "Grey."):
            // echoing a question is no reflection.
            if text.ends_with('?') || partner_line.is_empty() || partner_line.ends_with('?') {
                continue;
            }
            let context_stems = context_stems();
            let echoed: Vec<(Range<usize>, &str)> = content_words(text, &rule.stopwords)
                .filter(|(_, stem)| context_stems.binary_search(stem).is_ok())
                .collect();
            let mut distinct: Vec<&str> = echoed.iter().map(|(_, stem)| *stem).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() >= rule.min_shared_words {
                hits.extend(echoed.into_iter().map(|(range, _)| Hit {
                    tag: Tag::ReflectiveListening,
                    sentence: index,
                    range: at(range),
                }));
            }
        }
    }

    /// Applies suppressions.
    fn settle(&self, mut hits: Vec<Hit>, sentences: usize) -> Vec<Hit> {
        let mut suppressed_in_reply = TagSet::default();
        let mut suppressed_in_sentence = vec![TagSet::default(); sentences];
        for hit in &hits {
            let rule = self.rubric.rule(hit.tag);
            suppressed_in_reply.insert_all(rule.suppresses_in_reply);
            suppressed_in_sentence[hit.sentence].insert_all(rule.suppresses);
        }
        hits.retain(|hit| {
            !suppressed_in_reply.contains(hit.tag) && !suppressed_in_sentence[hit.sentence].contains(hit.tag)
        });
        hits
    }

    /// Groups hits by tag into evidence, and derives style, score and feedback.
    fn conclude(&self, original: &str, reply: &Normalized, hits: Vec<Hit>) -> Analysis {
        // By tag in the order of labels.md, then in reply order: each tag's ranges, ready to merge.
        let mut ranges: Vec<(Tag, Range<usize>)> =
            hits.into_iter().map(|hit| (hit.tag, reply.original_range(quoted_part(&reply.text, hit.range)))).collect();
        ranges.sort_unstable_by_key(|(tag, range)| (*tag, range.start, range.end));
        let mut tags: Vec<TagHit> = Vec::new();
        for group in ranges.chunk_by(|a, b| a.0 == b.0) {
            tags.push(TagHit {
                tag: group[0].0,
                evidence: merge_spans(original, group.iter().map(|(_, r)| r.clone())),
            });
        }
        let style = Style::from_tags(tags.iter().map(|hit| hit.tag));
        let scale = self.rubric.scale;
        let score = tags
            .iter()
            .fold(0i32, |sum, hit| sum.saturating_add(self.rubric.weight(hit.tag)))
            .clamp(scale.min, scale.max);
        let feedback = self.feedback(&tags);
        Analysis { style, score, tags, feedback }
    }

    fn feedback(&self, tags: &[TagHit]) -> Vec<String> {
        if tags.is_empty() {
            return vec![
                "No principle of the guide shows clearly in this reply; it neither builds nor erodes safety."
                    .to_owned(),
            ];
        }
        // Breakdowns first: they are what the learner most needs to see.
        let ordered = tags.iter().filter(|h| h.tag.is_breakdown()).chain(tags.iter().filter(|h| !h.tag.is_breakdown()));
        ordered
            .map(|hit| {
                // `Title: "quote", "quote" explanation Try: tip`, written into one string.
                let (title, explain, tip) = (hit.tag.title(), self.rubric.explain(hit.tag), self.rubric.tip(hit.tag));
                let quoted: usize = hit.evidence.iter().map(|span| span.text.len() + 4).sum();
                let tip_len = tip.map_or(0, |tip| tip.len() + 6);
                let mut line = String::with_capacity(title.len() + 2 + quoted + 1 + explain.len() + tip_len);
                line.push_str(title);
                line.push_str(": ");
                for (i, span) in hit.evidence.iter().enumerate() {
                    if i > 0 {
                        line.push_str(", ");
                    }
                    line.push('"');
                    line.push_str(&span.text);
                    line.push('"');
                }
                line.push(' ');
                line.push_str(explain);
                if let Some(tip) = tip {
                    line.push_str(" Try: ");
                    line.push_str(tip);
                }
                line
            })
            .collect()
    }
}

/// The partner's line, put in canonical form the first time a rule needs it: many replies need
/// none of it.
struct Context<'a> {
    original: &'a str,
    canonical: OnceCell<String>,
}

impl Context<'_> {
    fn text(&self) -> &str {
        self.canonical.get_or_init(|| Normalized::canonical(self.original))
    }
}

/// What a sentence's scan may need of the whole reply.
struct WholeReply<'a> {
    /// The reply in canonical form.
    text: &'a str,
    /// The partner's line it answers.
    context: &'a Context<'a>,
    /// How many sentences the reply has.
    sentences: usize,
}

/// What the scan of one reply reuses from sentence to sentence.
struct Scan<'a> {
    /// Finds the patterns of the sentence set that match a sentence, and the triggers' spans.
    sentences: SentenceScanner<'a>,
    /// Per tag, where its `requires` pattern first matches the reply, once looked up.
    required: [Option<Option<Range<usize>>>; Tag::ALL.len()],
}

impl Scan<'_> {
    fn new(rubric: &Rubric) -> Scan<'_> {
        Scan { sentences: rubric.sentence_set.scanner(), required: [const { None }; Tag::ALL.len()] }
    }
}

/// What the reflection rule's patterns said of one sentence.
#[derive(Debug, Clone, Copy, Default)]
struct SentenceMarks {
    /// It opens as a statement about the partner's experience.
    framed: bool,
    /// It cannot be a reflection: it is about the speaker, gives instructions, or is a bare
    /// "You ...?" (see the rubric's `not_with`).
    not_with: bool,
}

/// The reflection rule's stopwords, looked up for every word of a sentence that might echo the
/// partner: hashed with FNV-1a, which is much cheaper than the default hasher on short words.
pub(crate) type Stopwords = fnv::FnvHashSet<String>;

/// A set of tags, one bit per tag.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TagSet(u32);

impl TagSet {
    fn of(tags: impl IntoIterator<Item = Tag>) -> TagSet {
        let mut set = TagSet::default();
        set.extend(tags);
        set
    }

    fn extend(&mut self, tags: impl IntoIterator<Item = Tag>) {
        for tag in tags {
            self.0 |= 1 << tag.index();
        }
    }

    fn insert_all(&mut self, tags: TagSet) {
        self.0 |= tags.0;
    }

    fn contains(self, tag: Tag) -> bool {
        self.0 & (1 << tag.index()) != 0
    }
}

/// Whether a stretch of normalised text holds a negation ("not", "never", "don't", ...).
fn has_negation(text: &str) -> bool {
    // On ASCII text, bytes split where characters would, without decoding them.
    if text.is_ascii() {
        return text.as_bytes().split(|b| !(b.is_ascii_alphanumeric() || *b == b'\'')).any(negates);
    }
    words_of(text).any(|(_, word)| negates(word.as_bytes()))
}

/// Whether a word negates what follows it.
fn negates(word: &[u8]) -> bool {
    matches!(word, b"not" | b"no" | b"never" | b"nobody" | b"nothing" | b"hardly" | b"without")
        || word.ends_with(b"n't")
}

/// The words of a normalised text, with where each starts: runs of letters, digits and
/// apostrophes (the rules' idea of a word, which is not normalisation's: that one also keeps the
/// slash of "b/c").
fn words_of(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_word_char = |c: char| c.is_alphanumeric() || c == '\'';
    let mut offset = 0;
    text.split_inclusive(move |c: char| !is_word_char(c)).filter_map(move |piece| {
        let start = offset;
        offset += piece.len();
        let word = piece.trim_end_matches(|c: char| !is_word_char(c));
        (!word.is_empty()).then_some((start, word))
    })
}

/// The content words of a normalised text, with a crude stem so that "worn"/"wearing" do not
/// match but "feeling"/"feel" and "plans"/"plan" do.
fn content_words<'a>(text: &'a str, stopwords: &'a Stopwords) -> impl Iterator<Item = (Range<usize>, &'a str)> + 'a {
    words_of(text)
        .filter_map(|(start, word)| content_stem(word, stopwords).map(|stem| (start..start + word.len(), stem)))
}

/// The stem of `word` when it is a content word: not a stopword, and a stem of three letters or more.
fn content_stem<'a>(word: &'a str, stopwords: &Stopwords) -> Option<&'a str> {
    let stem = stem(word);
    (stem.len() >= 3 && !stopwords.contains(word) && !stopwords.contains(stem)).then_some(stem)
}

fn stem(word: &str) -> &str {
    let word = word.split('\'').next().unwrap_or(word);
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 3
        {
            return stem;
        }
    }
    word
}

/// The part of a hit worth quoting: without the separators a pattern matched to tell where a
/// phrase starts (", grow up" quotes as "grow up"), nor spaces at either end.
fn quoted_part(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(hit) = text.get(range.clone()) else { return range };
    let is_separator = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-');
    let start = range.start + (hit.len() - hit.trim_start_matches(is_separator).len());
    let end = range.start + hit.trim_end_matches(char::is_whitespace).len();
    if start < end { start..end } else { range }
}

/// Merges overlapping ranges of the original text, given in order, and attaches their text.
fn merge_spans(original: &str, mut ranges: impl Iterator<Item = Range<usize>>) -> Vec<Span> {
    let mut spans = Vec::new();
    let Some(mut merged) = ranges.next() else { return spans };
    let mut push = |r: Range<usize>| {
        if let Some(text) = original.get(r.clone()) {
            spans.push(Span { start: r.start, end: r.end, text: text.to_owned() });
        }
    };
    for range in ranges {
        if range.start <= merged.end {
            merged.end = merged.end.max(range.end);
        } else {
            push(std::mem::replace(&mut merged, range));
        }
    }
    push(merged);
    spans
}

#[cfg(test)]
mod tests;
