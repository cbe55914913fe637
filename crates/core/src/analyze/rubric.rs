//! The rubric: the analyzer's rules as data (YAML), loaded, checked and compiled to regexes.
//!
//! A counselor tunes the analyzer by editing a rubric file, without recompiling. So the rubric is
//! checked like source code: every problem is reported at once with its `file:line:col`, and a
//! rubric that loads is complete (every tag of labels.md, with a tip for each breakdown tag).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::scan::{SentenceSet, pattern_set};
use super::{Stopwords, Tag, TagSet};
use crate::diagnostic::{Diagnostic, Diagnostics, location as at};

/// The rubric that ships inside the binary.
pub const BUILTIN_RUBRIC: &str = include_str!("rubric.yaml");

/// The rubric file format version this build reads.
const FORMAT_VERSION: u32 = 1;

/// Rubric files larger than this are refused before parsing.
const MAX_RUBRIC_BYTES: usize = 1 << 20;

/// Compiled regexes are capped so that a rubric cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// The cap on all trigger patterns together.
const TRIGGER_SET_LIMIT: usize = REGEX_SIZE_LIMIT * 4;

/// A rubric file could not be used; every problem found is listed.
#[derive(Debug, thiserror::Error)]
#[error("the rubric has {count} problem(s):\n{0}", count = .0.0.len())]
pub struct RubricError(pub Diagnostics);

impl RubricError {
    /// The individual problems, each with its location.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.0.0
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RubricFile {
    version: Spanned<u32>,
    score: Spanned<ScoreScale>,
    #[serde(default)]
    lexicons: BTreeMap<String, Vec<String>>,
    sarcasm: SarcasmFile,
    reflection: ReflectionFile,
    tags: Spanned<BTreeMap<TagName, TagFile>>,
}

/// A tag's name as written in the file, with its location; ordered by name.
#[derive(Deserialize, PartialEq, Eq)]
#[serde(transparent)]
struct TagName(Spanned<String>);

impl Ord for TagName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.value.cmp(&other.0.value)
    }
}

impl PartialOrd for TagName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The range a reply's score is clamped to.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreScale {
    /// The lowest score a reply can get (the most harmful reply).
    pub min: i32,
    /// The highest score a reply can get.
    pub max: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SarcasmFile {
    shouted_praise: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReflectionFile {
    statement_frames: Vec<Spanned<String>>,
    not_with: Vec<Spanned<String>>,
    min_shared_words: usize,
    stopwords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagFile {
    weight: Spanned<i32>,
    explain: String,
    #[serde(default)]
    tip: Option<String>,
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    requires: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    negatable: bool,
    #[serde(default)]
    when_negated: Option<Spanned<String>>,
    #[serde(default)]
    suppresses: Vec<Spanned<String>>,
    #[serde(default)]
    suppresses_in_reply: Vec<Spanned<String>>,
    #[serde(default)]
    context_cancels: Vec<Spanned<String>>,
    #[serde(default)]
    answering: Vec<AnsweringFile>,
}

/// Patterns that mark a tag only in answer to certain partner's lines: "k." to "I'm really hurt"
/// shuts the subject, "k." to "dinner's at seven" only answers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnsweringFile {
    #[serde(default)]
    partner: Vec<Spanned<String>>,
    #[serde(default)]
    partner_unless: Vec<Spanned<String>>,
    /// The patterns count only when their sentence is the whole reply ("Okay." alone, not
    /// "Okay. What happened then?").
    #[serde(default)]
    alone: bool,
    patterns: Vec<Spanned<String>>,
}

/// When a trigger counts, beyond its sentence: what the partner's line must match and must not
/// (an `answering` group's `partner` and `partner_unless`, and the tag's `context_cancels`), and
/// whether the sentence must be the whole reply.
#[derive(Debug)]
pub(crate) struct AnsweringCondition {
    matches: Option<Regex>,
    unless: Vec<Arc<Regex>>,
    alone: bool,
}

impl AnsweringCondition {
    /// Whether a hit counts, given the partner's line (in canonical form) and the number of
    /// sentences in the reply.
    pub(crate) fn holds(&self, partner: &str, sentences: usize) -> bool {
        (!self.alone || sentences == 1)
            && self.matches.as_ref().is_none_or(|re| re.is_match(partner))
            && !self.unless.iter().any(|re| re.is_match(partner))
    }
}

fn yes() -> bool {
    true
}

/// The compiled rules for one tag.
#[derive(Debug)]
pub(crate) struct TagRule {
    pub weight: i32,
    pub explain: String,
    pub tip: Option<String>,
    /// Another pattern that must also match somewhere in the reply (both become evidence).
    pub requires: Option<Regex>,
    /// Whether a negation earlier in the clause cancels a hit.
    pub negatable: bool,
    /// The tag a negated hit turns into ("I don't think you're overreacting" is validation).
    pub when_negated: Option<Tag>,
    /// Tags this one cancels within its sentence.
    pub suppresses: TagSet,
    /// Tags this one cancels anywhere in the reply.
    pub suppresses_in_reply: TagSet,
}

/// Reflective listening without a stock phrase: a statement framed on the partner's side, or one
/// that reuses the partner's own words. Its patterns are in [`Rubric::sentence_set`].
#[derive(Debug)]
pub(crate) struct ReflectionRule {
    /// Content words a sentence must share with the partner's line to count as an echo.
    pub min_shared_words: usize,
    pub stopwords: Stopwords,
}

/// One pattern of [`Rubric::sentence_set`].
#[derive(Debug)]
pub(crate) enum SentencePattern {
    /// A tag's `unless` patterns (as one): the tag's hits in the sentence are dropped.
    Unless(Tag),
    /// The reflection's statement frames (as one): the sentence opens on the partner's side.
    StatementFrame,
    /// The reflection's `not_with` patterns (as one): the sentence is about the speaker, gives
    /// instructions or asks a bare "You ...?", so it is no reflection.
    NotWith,
    /// One trigger pattern of a tag, with its own regex for the evidence spans, and the condition
    /// of its `answering` group, if it has one.
    Trigger(Tag, TriggerRegex, Option<Arc<AnsweringCondition>>),
}

/// Compiles one of the rubric's regexes, as loading checks them and spans use them.
fn build_regex(source: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(source).size_limit(REGEX_SIZE_LIMIT).build()
}

/// A trigger's own regex, compiled the first time a span needs it: the set and its lazy DFAs
/// answer most sentences, and several hundred compiled regexes would hold megabytes that most
/// triggers never use. The pattern was compiled once when the rubric loaded, to check it.
#[derive(Debug)]
pub(crate) struct TriggerRegex {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl TriggerRegex {
    fn new(checked: &Regex) -> TriggerRegex {
        TriggerRegex { source: checked.as_str().to_owned(), compiled: OnceLock::new() }
    }

    /// The compiled regex. It compiled when the rubric loaded, with the same [`build_regex`], so
    /// `None` (no spans, rather than a panic) is only a safeguard.
    pub(crate) fn regex(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| build_regex(&self.source).ok()).as_ref()
    }
}

/// A loaded, checked and compiled rubric.
#[derive(Debug)]
pub struct Rubric {
    pub(crate) scale: ScoreScale,
    pub(crate) rules: Vec<TagRule>,
    /// Every pattern that is matched against a sentence, in one set so that a sentence is
    /// scanned once (see [`super::scan`]).
    pub(crate) sentence_set: SentenceSet,
    /// What each pattern of `sentence_set` stands for: first the sentence rules, then the
    /// triggers, so that a sentence's rules are known before its triggers are read.
    pub(crate) sentence_patterns: Vec<SentencePattern>,
    pub(crate) shouted_praise: Vec<String>,
    pub(crate) reflection: ReflectionRule,
}

impl Rubric {
    /// The rule for `tag`.
    pub(crate) fn rule(&self, tag: Tag) -> &TagRule {
        &self.rules[tag.index()]
    }

    /// The score range replies are clamped to.
    pub fn scale(&self) -> ScoreScale {
        self.scale
    }

    /// The rubric's weight for `tag`: what a reply using (or breaking) the principle adds to its score.
    pub fn weight(&self, tag: Tag) -> i32 {
        self.rule(tag).weight
    }

    /// The one-line explanation of `tag`.
    pub fn explain(&self, tag: Tag) -> &str {
        &self.rule(tag).explain
    }

    /// The tip for a better reply, for breakdown tags.
    pub fn tip(&self, tag: Tag) -> Option<&str> {
        self.rule(tag).tip.as_deref()
    }

    /// Loads a rubric from YAML text. `origin` names the file in diagnostics.
    pub fn from_yaml(origin: &str, yaml: &str) -> Result<Rubric, RubricError> {
        let fail = |diagnostic: Diagnostic| RubricError(Diagnostics(vec![diagnostic]));
        if yaml.len() > MAX_RUBRIC_BYTES {
            return Err(fail(Diagnostic::error(
                origin,
                (0, 0),
                format!("the rubric is {} bytes; the limit is {MAX_RUBRIC_BYTES}", yaml.len()),
            )));
        }
        let file: RubricFile = serde_saphyr::from_str(yaml).map_err(|error| {
            let at = error.location().map_or((0, 0), |l| (l.line(), l.column()));
            fail(Diagnostic::error(origin, at, first_line(&error.to_string())))
        })?;
        Compiler { origin, problems: Vec::new(), lexicons: &file.lexicons }.compile(&file)
    }
}

/// Rewrites `\b` and `\w` to their ASCII forms. Unicode word boundaries force the regex engine
/// off its fast DFA onto a much slower one; the canonical text the patterns run on is lowercase
/// English, where the ASCII forms mean the same thing.
fn ascii_word_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if !in_class => out.push_str("(?-u:\\b)"),
                Some('w') if in_class => out.push_str("0-9A-Za-z_"),
                Some('w') => out.push_str("[0-9A-Za-z_]"),
                Some(escaped) => {
                    out.push('\\');
                    out.push(escaped);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` or `^]` right after the opening bracket is a literal, not the end.
                let rest = chars.as_str();
                let literal = if rest.starts_with("^]") { 2 } else { usize::from(rest.starts_with(']')) };
                for _ in 0..literal {
                    out.extend(chars.next());
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_owned()
}

struct Compiler<'a> {
    origin: &'a str,
    problems: Vec<Diagnostic>,
    lexicons: &'a BTreeMap<String, Vec<String>>,
}

impl Compiler<'_> {
    fn compile(mut self, file: &RubricFile) -> Result<Rubric, RubricError> {
        if file.version.value != FORMAT_VERSION {
            self.problem(
                at(&file.version),
                format!("rubric version {} is not supported", file.version.value),
                format!("this build reads `version: {FORMAT_VERSION}`"),
            );
        }
        let scale = file.score.value;
        if scale.min >= 0 || scale.max <= 0 || scale.min < -100 || scale.max > 100 {
            self.problem(
                at(&file.score),
                format!(
                    "the score range {}..={} must run from a negative to a positive number, within -100..=100",
                    scale.min, scale.max
                ),
                "for example `score: {min: -10, max: 10}`",
            );
        }

        let mut rules: Vec<Option<TagRule>> = Tag::ALL.iter().map(|_| None).collect();
        let mut unless: Vec<(Tag, Regex)> = Vec::new();
        let mut triggers: Vec<(Tag, Regex, Option<Arc<AnsweringCondition>>)> = Vec::new();
        for (TagName(name), tag_file) in &file.tags.value {
            let Some(tag) = self.tag(name) else { continue };
            // `context_cancels` is a `partner_unless` for all of the tag's patterns.
            let cancels = self.alternation(&tag_file.context_cancels).map(Arc::new);
            let plain = cancels.as_ref().map(|cancels| {
                Arc::new(AnsweringCondition { matches: None, unless: vec![Arc::clone(cancels)], alone: false })
            });
            for pattern in &tag_file.patterns {
                if let Some(regex) = self.regex(pattern) {
                    triggers.push((tag, regex, plain.clone()));
                }
            }
            for group in &tag_file.answering {
                let matches = self.alternation(&group.partner);
                let unless =
                    self.alternation(&group.partner_unless).map(Arc::new).into_iter().chain(cancels.clone()).collect();
                if group.partner.is_empty() && group.partner_unless.is_empty() {
                    self.problem(
                        group.patterns.first().map_or_else(|| at(name), at),
                        format!("an `answering` group of `{}` says nothing of the partner's line", name.value),
                        "give it `partner:` (what the partner's line must match) or `partner_unless:`",
                    );
                }
                let condition = Arc::new(AnsweringCondition { matches, unless, alone: group.alone });
                for pattern in &group.patterns {
                    if let Some(regex) = self.regex(pattern) {
                        triggers.push((tag, regex, Some(Arc::clone(&condition))));
                    }
                }
            }
            if tag_file.patterns.is_empty() {
                self.problem(at(name), format!("tag `{}` has no patterns", name.value), "add at least one pattern");
            }
            let (rule, tag_unless) = self.rule(tag, name, tag_file);
            rules[tag.index()] = Some(rule);
            unless.extend(tag_unless.map(|regex| (tag, regex)));
        }
        for tag in Tag::ALL {
            if rules[tag.index()].is_none() && !file.tags.value.keys().any(|k| k.0.value == tag.name()) {
                self.problem(
                    at(&file.tags),
                    format!("tag `{tag}` is missing"),
                    "a rubric lists every tag of labels.md",
                );
            }
        }
        let reflection = &file.reflection;
        let statement_frames = self.alternation(&reflection.statement_frames);
        let not_with = self.alternation(&reflection.not_with);

        // The sentence rules are compiled on their own above, to be checked as every pattern is;
        // sentences meet them in the set, which takes them before the triggers.
        let mut sentence_sources = Vec::new();
        let mut sentence_patterns = Vec::new();
        let rules_in_set = unless
            .into_iter()
            .map(|(tag, regex)| (SentencePattern::Unless(tag), regex))
            .chain(statement_frames.map(|regex| (SentencePattern::StatementFrame, regex)))
            .chain(not_with.map(|regex| (SentencePattern::NotWith, regex)));
        for (pattern, regex) in rules_in_set {
            sentence_sources.push(regex.as_str().to_owned());
            sentence_patterns.push(pattern);
        }
        let has_statement_frames = sentence_patterns.iter().any(|p| matches!(p, SentencePattern::StatementFrame));
        let rules_in_set = sentence_sources.len();
        for (tag, regex, condition) in triggers {
            sentence_sources.push(regex.as_str().to_owned());
            sentence_patterns.push(SentencePattern::Trigger(tag, TriggerRegex::new(&regex), condition));
        }
        // Each sentence rule may be as large as a pattern, on top of the triggers' limit.
        let sentence_set = SentenceSet::new(
            &sentence_sources,
            rules_in_set,
            TRIGGER_SET_LIMIT + REGEX_SIZE_LIMIT * rules_in_set,
            REGEX_SIZE_LIMIT,
        );
        // The triggers alone keep the limit they had before the sentence rules joined them. Only a
        // set anywhere near that size needs the check, which compiles them once more.
        let triggers_alone = match &sentence_set {
            Ok(sentences) if sentences.memory_usage() <= TRIGGER_SET_LIMIT / 2 => Ok(()),
            _ => pattern_set(&sentence_sources[rules_in_set..], TRIGGER_SET_LIMIT).map(drop),
        };
        let sentence_set = triggers_alone.and(sentence_set);
        match sentence_set {
            Ok(sentence_set) if has_statement_frames && self.problems.is_empty() => Ok(Rubric {
                scale,
                rules: rules.into_iter().map(|rule| rule.expect("every tag was checked above")).collect(),
                sentence_set,
                sentence_patterns,
                shouted_praise: file.sarcasm.shouted_praise.iter().map(|w| w.to_lowercase()).collect(),
                reflection: ReflectionRule {
                    min_shared_words: reflection.min_shared_words.max(1),
                    stopwords: reflection.stopwords.iter().cloned().collect(),
                },
            }),
            Err(error) => {
                self.problem(
                    (0, 0),
                    format!("the patterns together are too large: {error}"),
                    "use fewer or simpler patterns",
                );
                Err(RubricError(Diagnostics(self.problems)))
            }
            Ok(_) => Err(RubricError(Diagnostics(self.problems))),
        }
    }

    /// The tag's rule, and its `unless` patterns as one regex (they go into the sentence set).
    fn rule(&mut self, tag: Tag, name: &Spanned<String>, file: &TagFile) -> (TagRule, Option<Regex>) {
        let weight = file.weight.value;
        let right_sign = if tag.is_breakdown() { weight < 0 } else { weight > 0 };
        if !(-20..=20).contains(&weight) {
            self.problem(at(&file.weight), format!("the weight of `{tag}` is {weight}"), "weights lie within -20..=20");
        } else if !right_sign {
            let sign = if tag.is_breakdown() { "negative" } else { "positive" };
            self.problem(
                at(&file.weight),
                format!("the weight of `{tag}` must be {sign}"),
                "weights are safety deltas",
            );
        }
        if tag.is_breakdown() && file.tip.as_deref().is_none_or(|tip| tip.trim().is_empty()) {
            self.problem(
                at(name),
                format!("breakdown tag `{tag}` has no tip"),
                "add `tip:` with a better way to say it",
            );
        }
        // In the file's order, so that problems are reported in it.
        let requires = self.alternation(&file.requires);
        let unless = self.alternation(&file.unless);
        let rule = TagRule {
            weight,
            explain: file.explain.trim().to_owned(),
            tip: file.tip.as_ref().map(|tip| tip.trim().to_owned()),
            requires,
            negatable: file.negatable,
            when_negated: file.when_negated.as_ref().and_then(|name| self.tag(name)),
            suppresses: TagSet::of(file.suppresses.iter().filter_map(|name| self.tag(name))),
            suppresses_in_reply: TagSet::of(file.suppresses_in_reply.iter().filter_map(|name| self.tag(name))),
        };
        (rule, unless)
    }

    fn tag(&mut self, name: &Spanned<String>) -> Option<Tag> {
        let tag = Tag::from_name(&name.value);
        if tag.is_none() {
            let known: Vec<&str> = Tag::ALL.iter().map(|t| t.name()).collect();
            self.problem(
                at(name),
                format!("unknown tag `{}`", name.value),
                format!("known tags: {}", known.join(", ")),
            );
        }
        tag
    }

    /// Compiles one pattern, after expanding `{lexicon}` references.
    fn regex(&mut self, pattern: &Spanned<String>) -> Option<Regex> {
        let expanded = self.expand(pattern)?;
        match build_regex(&expanded) {
            Ok(regex) => Some(regex),
            Err(error) => {
                let detail = error.to_string().lines().last().unwrap_or_default().to_owned();
                self.problem(
                    at(pattern),
                    format!("invalid pattern `{}`: {detail}", pattern.value),
                    "patterns use Rust regex syntax",
                );
                None
            }
        }
    }

    /// Joins several patterns into one regex that matches where any of them does.
    fn alternation(&mut self, patterns: &[Spanned<String>]) -> Option<Regex> {
        let compiled: Vec<Regex> = patterns.iter().filter_map(|p| self.regex(p)).collect();
        if compiled.is_empty() {
            return None;
        }
        let joined = compiled.iter().map(|r| format!("(?:{})", r.as_str())).collect::<Vec<_>>().join("|");
        match build_regex(&joined) {
            Ok(regex) => Some(regex),
            Err(error) => {
                let at = patterns.first().map_or((0, 0), at);
                self.problem(
                    at,
                    format!("these patterns together are too large: {error}"),
                    "use fewer or simpler patterns",
                );
                None
            }
        }
    }

    /// Replaces each `{name}` with the lexicon `name` as a non-capturing alternation. Braces that
    /// hold a repetition count (`{2}`, `{0,30}`) are regex syntax and stay as they are.
    fn expand(&mut self, pattern: &Spanned<String>) -> Option<String> {
        let source = &pattern.value;
        let mut out = String::with_capacity(source.len());
        let mut rest = source.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            let name = &after[..name_len];
            let is_reference =
                name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && after[name_len..].starts_with('}');
            if !is_reference {
                out.push('{');
                rest = after;
                continue;
            }
            let Some(words) = self.lexicons.get(name) else {
                let known: Vec<&str> = self.lexicons.keys().map(String::as_str).collect();
                self.problem(
                    at(pattern),
                    format!("unknown lexicon `{{{name}}}`"),
                    format!("lexicons: {}", known.join(", ")),
                );
                return None;
            };
            out.push_str("(?:");
            out.push_str(&words.join("|"));
            out.push(')');
            rest = &after[name_len + 1..];
        }
        out.push_str(rest);
        Some(ascii_word_classes(&out))
    }

    fn problem(&mut self, at: (u64, u64), message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(Diagnostic::error(self.origin, at, message).with_hint(hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<String> {
        match Rubric::from_yaml("test.yaml", yaml) {
            Ok(_) => Vec::new(),
            Err(error) => error.diagnostics().iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn the_builtin_rubric_loads() {
        let rubric = Rubric::from_yaml("builtin", BUILTIN_RUBRIC).expect("builtin rubric");
        for tag in Tag::ALL {
            assert!(!rubric.explain(tag).is_empty(), "{tag} has an explanation");
            if tag.is_breakdown() {
                assert!(rubric.tip(tag).is_some_and(|tip| !tip.is_empty()), "{tag} has a tip");
            }
        }
    }

    #[test]
    fn a_yaml_syntax_error_is_located() {
        let found = problems("version: 1\nscore: [\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("test.yaml:"), "{found:?}");
        assert!(!found[0].starts_with("test.yaml:0"), "has a line: {found:?}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_location() {
        let yaml = BUILTIN_RUBRIC.replacen("version: 1\n", "version: 1\ncolour: blue\n", 1);
        let found = problems(&yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("colour"), "{found:?}");
    }

    #[test]
    fn every_semantic_problem_is_reported_at_once_with_its_line() {
        let yaml = BUILTIN_RUBRIC
            .replacen("  criticism:\n", "  critcism:\n", 1)
            .replacen("{feeling}", "{no_such_lexicon}", 1)
            .replacen("weight: -3", "weight: 3", 1);
        let found = problems(&yaml);
        let line_of = |needle: &str| yaml.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert!(
            found.iter().any(|p| p.starts_with(&format!("test.yaml:{}:", line_of("critcism:")))
                && p.contains("unknown tag `critcism`")),
            "{found:#?}"
        );
        assert!(found.iter().any(|p| p.contains("tag `criticism` is missing")), "{found:#?}");
        assert!(
            found.iter().any(|p| p.starts_with(&format!("test.yaml:{}:", line_of("{no_such_lexicon}")))
                && p.contains("unknown lexicon")),
            "{found:#?}"
        );
        assert!(found.iter().any(|p| p.contains("must be negative")), "{found:#?}");
    }

    #[test]
    fn an_invalid_regex_names_its_line() {
        let yaml = BUILTIN_RUBRIC.replacen("patterns:\n", "patterns:\n      - 'broken(('\n", 1);
        let found = problems(&yaml);
        let line = yaml.lines().position(|l| l.contains("broken((")).unwrap() + 1;
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with(&format!("test.yaml:{line}:")), "{found:#?}");
        assert!(found[0].contains("invalid pattern"), "{found:#?}");
    }

    #[test]
    fn a_breakdown_tag_needs_a_tip_and_oversized_files_are_refused() {
        let yaml = BUILTIN_RUBRIC.replacen("    tip:", "    untip:", 1);
        assert!(!problems(&yaml).is_empty());
        let huge = "#".repeat(MAX_RUBRIC_BYTES + 1);
        assert!(problems(&huge)[0].contains("limit"));
    }

    #[test]
    fn an_answering_group_must_say_what_the_partner_said_and_its_patterns_are_checked() {
        let silent = BUILTIN_RUBRIC.replacen(
            "      - alone: true\n        partner:\n",
            "      - alone: true\n        partner_none:\n",
            1,
        );
        assert!(problems(&silent)[0].contains("partner_none"), "an unknown key is refused");

        let yaml = BUILTIN_RUBRIC.replacen(
            "    answering:\n",
            "    answering:\n      - patterns: ['^k$']\n      - partner: ['broken((']\n        patterns: ['^ok$']\n",
            1,
        );
        let found = problems(&yaml);
        let line_of = |needle: &str| yaml.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with(&format!("test.yaml:{}:", line_of("'^k$'"))), "{found:#?}");
        assert!(found[0].contains("says nothing of the partner's line"), "{found:#?}");
        assert!(found[1].starts_with(&format!("test.yaml:{}:", line_of("broken(("))), "{found:#?}");
        assert!(found[1].contains("invalid pattern"), "{found:#?}");
    }

    #[test]
    fn word_classes_become_ascii_inside_and_outside_brackets() {
        assert_eq!(ascii_word_classes(r"\bi [\w ]+\w\."), r"(?-u:\b)i [0-9A-Za-z_ ]+[0-9A-Za-z_]\.");
        assert_eq!(ascii_word_classes(r"[]\b]\\b"), r"[]\b]\\b");
    }

    #[test]
    fn repetition_braces_are_not_lexicon_references() {
        let mut compiler = Compiler { origin: "t", problems: Vec::new(), lexicons: &BTreeMap::new() };
        let pattern: Spanned<String> = serde_saphyr::from_str("'a{0,30}b{2}'").unwrap();
        assert_eq!(compiler.expand(&pattern).as_deref(), Some("a{0,30}b{2}"));
        assert!(compiler.problems.is_empty());
    }
}
