//! Text normalisation for the analyzer: one canonical lowercase form, mapped back to the original bytes.
//!
//! People type replies with curly apostrophes, full-width letters, texting forms ("u", "dont",
//! "idk") and both spelled-out and contracted forms ("do not", "don't"). The rubric's patterns are
//! written once, against a single canonical form; this module produces that form and remembers,
//! for every byte of it, which bytes of the original text it came from, so that evidence can be
//! highlighted in exactly what the person typed.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// A reply in canonical form: NFKC, lowercase, straight quotes, texting forms and spelled-out
/// contractions rewritten to one spelling each.
#[derive(Debug)]
pub(crate) struct Normalized {
    /// The canonical text the rubric's patterns run against.
    pub text: String,
    /// Where each byte of `text` came from in the original text.
    origins: Origins,
    /// Byte ranges of `text` that were typed in capitals in the original ("SO much").
    pub shouted: Vec<Range<usize>>,
}

/// Where the bytes of a canonical text came from in the original text.
#[derive(Debug)]
enum Origins {
    /// Byte `i` came from byte `i`: ASCII text in which no word was rewritten, the common case,
    /// which then needs no table.
    Identity,
    /// For each byte, the original bytes of the character (or rewritten word) it came from.
    Table(Vec<Origin>),
}

/// The original bytes one canonical byte came from.
#[derive(Debug, Clone, Copy)]
struct Origin {
    start: u32,
    end: u32,
}

impl Origin {
    /// The origin of a byte that stands for itself: byte `at` of the original.
    fn byte(at: usize) -> Origin {
        Origin { start: to_u32(at), end: to_u32(at + 1) }
    }
}

impl Origins {
    /// Where canonical byte `at` came from; `at` lies within the canonical text.
    fn at(&self, at: usize) -> Origin {
        match self {
            Origins::Identity => Origin::byte(at),
            Origins::Table(table) => table[at],
        }
    }
}

/// One sentence of a normalised reply, as a byte range of [`Normalized::text`].
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub range: Range<usize>,
}

impl Normalized {
    /// Normalises `original`. Never fails: any string has a canonical form.
    pub fn new(original: &str) -> Self {
        let (text, origins) = rewrite_words(Folded::new(original, true));
        let origins = origins.expect("origins are tracked for a reply");
        let mut normalized = Normalized { text, origins, shouted: Vec::new() };
        normalized.shouted = shouted_words(original, &normalized);
        normalized
    }

    /// Only the canonical text, for text whose evidence is never quoted (the partner's line).
    pub fn canonical(original: &str) -> String {
        rewrite_words(Folded::new(original, false)).0
    }

    /// Maps a byte range of the canonical text back to the original text. The result always lies
    /// on UTF-8 boundaries of the original, because every canonical byte remembers the whole
    /// original character (or word, for rewritten words) it came from.
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() || range.end > self.text.len() {
            let at = if range.start < self.text.len() { self.origins.at(range.start).start as usize } else { 0 };
            return at..at;
        }
        self.origins.at(range.start).start as usize..self.origins.at(range.end - 1).end as usize
    }

    /// Splits the canonical text into sentences at `.`, `!`, `?`, `;` and line breaks. A sentence keeps its closing punctuation, so a pattern can tell a question by its `?`.
    pub fn sentences(&self) -> Vec<Sentence> {
        let bytes = self.text.as_bytes();
        let mut sentences = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Most bytes end nothing: skip them with one test each.
            while i < bytes.len() && !matches!(bytes[i], b'!' | b'?' | b';' | b'\n' | b'.') {
                i += 1;
            }
            let Some(&b) = bytes.get(i) else { break };
            let ends_here = match b {
                b'!' | b'?' | b';' | b'\n' => true,
                // A full stop ends a sentence unless it sits inside a number ("9.30") or a run of dots.
                b'.' => bytes.get(i + 1).is_none_or(|next| !next.is_ascii_alphanumeric()),
                _ => false,
            };
            if ends_here {
                // Keep runs like "?!" or "..." together with the sentence they close.
                let mut end = i + 1;
                while end < bytes.len() && matches!(bytes[end], b'!' | b'?' | b'.') {
                    end += 1;
                }
                push_sentence(&self.text, start..end, &mut sentences);
                start = end;
                i = end;
            } else {
                i += 1;
            }
        }
        push_sentence(&self.text, start..bytes.len(), &mut sentences);
        sentences
    }
}

fn push_sentence(text: &str, range: Range<usize>, sentences: &mut Vec<Sentence>) {
    let slice = &text[range.clone()];
    // Opening quotes and brackets are not part of what the sentence says ("\"Whatever.\"").
    let opened =
        slice.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | '[' | '*' | '_' | '`'));
    let trimmed_start = range.start + (slice.len() - opened.len());
    let trimmed_end = range.start + slice.trim_end().len();
    if trimmed_start < trimmed_end && text[trimmed_start..trimmed_end].chars().any(char::is_alphanumeric) {
        sentences.push(Sentence { range: trimmed_start..trimmed_end });
    }
}

/// Where the clauses of a sentence start. Clauses end at commas, colons, dashes, brackets and quotes,
/// and at the conjunctions that usually start a new thought ("but", "and", "though"); negation does
/// not reach across them ("I'm not telling you what to do, but you should...").
#[derive(Debug)]
pub(crate) struct Clauses(Vec<usize>);

impl Clauses {
    /// Finds the clause boundaries of `sentence`, in one pass over its bytes.
    pub fn of(sentence: &str) -> Clauses {
        const CONJUNCTIONS: [&str; 6] = ["but", "and", "though", "because", "although", "yet"];
        let bytes = sentence.as_bytes();
        // Boundaries are found left to right, so the list comes out sorted.
        let mut starts = vec![0];
        for (i, &byte) in bytes.iter().enumerate() {
            match byte {
                b',' | b':' | b'-' | b'(' | b')' | b'"' => starts.push(i + 1),
                // Every conjunction starts with one of these letters: most spaces need no more.
                b' ' if matches!(bytes.get(i + 1), Some(b'b' | b'a' | b't' | b'y')) => {
                    let rest = &bytes[i + 1..];
                    let conjunction = CONJUNCTIONS
                        .iter()
                        .find(|word| rest.starts_with(word.as_bytes()) && rest.get(word.len()) == Some(&b' '));
                    if let Some(word) = conjunction {
                        starts.push(i + word.len() + 2);
                    }
                }
                _ => {}
            }
        }
        Clauses(starts)
    }

    /// Where the clause containing byte `at` starts.
    pub fn start_of(&self, at: usize) -> usize {
        let after = self.0.partition_point(|&start| start <= at);
        self.0[after.saturating_sub(1)]
    }
}

/// The first pass: Unicode folding, character by character.
struct Folded {
    text: String,
    /// `None` when the caller does not need them (the partner's line).
    origins: Option<Origins>,
}

impl Folded {
    /// Folds `original`; `track` says whether to remember where each byte came from.
    fn new(original: &str, track: bool) -> Self {
        // Most replies are plain ASCII: each byte then maps to itself.
        if original.is_ascii() {
            let origins = track.then_some(Origins::Identity);
            return Folded { text: original.to_ascii_lowercase(), origins };
        }
        let capacity = if track { original.len() } else { 0 };
        let mut text = String::with_capacity(original.len());
        let mut table = Vec::with_capacity(capacity);
        let bytes = original.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // Runs of ASCII, most of any text ("I’m sorry" has one curly apostrophe), are copied
            // whole. The run's last character is left to the loop below when a non-ASCII
            // character follows it: that may be a combining mark, which folds with it.
            let run_end = bytes[at..].iter().position(|b| !b.is_ascii()).map_or(bytes.len(), |run| at + run);
            let copy_end = if run_end < bytes.len() { run_end.saturating_sub(1).max(at) } else { run_end };
            if copy_end > at {
                let from = text.len();
                text.push_str(&original[at..copy_end]);
                text[from..].make_ascii_lowercase();
                if track {
                    table.extend((at..copy_end).map(Origin::byte));
                }
                at = copy_end;
            }
            if at < bytes.len() {
                at = fold_unit(original, at, &mut text, track.then_some(&mut table));
            }
        }
        Folded { text, origins: track.then_some(Origins::Table(table)) }
    }
}

/// Folds the character at byte `start` of `original` together with the combining marks after it,
/// as one unit, so that composition ("e" + acute) works and no span can split them; returns where
/// the next unit starts.
fn fold_unit(original: &str, start: usize, text: &mut String, mut table: Option<&mut Vec<Origin>>) -> usize {
    let mut chars = original[start..].chars();
    let Some(c) = chars.next() else { return original.len() };
    let mut end = start + c.len_utf8();
    for next in chars {
        if next.is_ascii() || canonical_combining_class(next) == 0 {
            break;
        }
        end += next.len_utf8();
    }
    let mut push_char = |folded: char| {
        if let Some(table) = table.as_deref_mut() {
            let origin = Origin { start: to_u32(start), end: to_u32(end) };
            table.extend(std::iter::repeat_n(origin, folded.len_utf8()));
        }
        text.push(folded);
    };
    if c.is_ascii() && end == start + 1 {
        push_char(c.to_ascii_lowercase());
    } else {
        for folded in original[start..end].chars().map(straighten).nfkc().flat_map(char::to_lowercase) {
            push_char(straighten(folded));
        }
    }
    end
}

fn to_u32(n: usize) -> u32 {
    // Replies are bounded far below 4 GiB by every frontend; saturating keeps a pathological
    // caller from panicking, at worst with imprecise evidence spans.
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Typographic quotes, apostrophes and dashes to their ASCII forms (NFKC leaves them alone).
fn straighten(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{0060}' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        other => other,
    }
}

/// The canonical words for texting forms and misspelt contractions ("u" -> "you", "idk" -> "i don't know"),
/// in byte order.
static TEXTING_FORMS: WordTable = WordTable::new(&[
    ("abt", "about"),
    ("alwys", "always"),
    ("arent", "aren't"),
    ("b/c", "because"),
    ("bc", "because"),
    ("bcuz", "because"),
    ("bday", "birthday"),
    ("cannot", "can't"),
    ("cant", "can't"),
    ("cos", "because"),
    ("couldnt", "couldn't"),
    ("coz", "because"),
    ("cuz", "because"),
    ("didnt", "didn't"),
    ("doesnt", "doesn't"),
    ("dont", "don't"),
    ("dunno", "don't know"),
    ("evry", "every"),
    ("gonna", "going to"),
    ("gotta", "got to"),
    ("hasnt", "hasn't"),
    ("havent", "haven't"),
    ("id", "i'd"),
    ("idk", "i don't know"),
    ("ily", "i love you"),
    ("im", "i'm"),
    ("imo", "in my opinion"),
    ("isnt", "isn't"),
    ("its", "it's"),
    ("ive", "i've"),
    ("k", "ok"),
    ("kk", "ok"),
    ("lets", "let's"),
    ("nevr", "never"),
    ("ngl", "not going to lie"),
    ("nvr", "never"),
    ("okay", "ok"),
    ("pls", "please"),
    ("plz", "please"),
    ("ppl", "people"),
    ("r", "are"),
    ("rn", "right now"),
    ("shouldnt", "shouldn't"),
    ("soz", "sorry"),
    ("srry", "sorry"),
    ("sry", "sorry"),
    ("tbh", "to be honest"),
    ("thats", "that's"),
    ("theyre", "they're"),
    ("tho", "though"),
    ("thru", "through"),
    ("thx", "thanks"),
    ("tx", "thanks"),
    ("ty", "thank you"),
    ("u", "you"),
    ("ure", "you're"),
    ("w/", "with"),
    ("wanna", "want to"),
    ("wasnt", "wasn't"),
    ("werent", "weren't"),
    ("whats", "what's"),
    ("wont", "won't"),
    ("wouldnt", "wouldn't"),
    ("ya", "you"),
    ("youll", "you'll"),
    ("youre", "you're"),
    ("youve", "you've"),
    ("yu", "you"),
]);

/// Short words and what they are rewritten to, in byte order, behind a [`WordFilter`] that rules
/// out almost every other word before any comparison. Words that pass it ("what", "about",
/// "too") are looked up by their bytes packed into one integer, which compares without a call to
/// `memcmp`.
struct WordTable {
    entries: &'static [(&'static str, &'static str)],
    /// Each word's bytes, big-endian and padded with zeros: they sort as the words do.
    keys: [u64; WordTable::MAX_ENTRIES],
    filter: WordFilter,
}

impl WordTable {
    const MAX_ENTRIES: usize = 128;

    /// Builds the table at compile time; every word is 1 to 8 bytes, starts with a lowercase
    /// letter and comes after the one before it in byte order, so that it can be looked up by
    /// binary search.
    const fn new(entries: &'static [(&'static str, &'static str)]) -> WordTable {
        assert!(entries.len() <= WordTable::MAX_ENTRIES);
        let mut filter = WordFilter::EMPTY;
        let mut keys = [u64::MAX; WordTable::MAX_ENTRIES];
        let mut i = 0;
        while i < entries.len() {
            let word = entries[i].0;
            assert!(i == 0 || comes_before(entries[i - 1].0.as_bytes(), word.as_bytes()));
            filter = filter.with(word);
            keys[i] = word_key(word.as_bytes());
            i += 1;
        }
        WordTable { entries, keys, filter }
    }

    fn get(&self, word: &str) -> Option<&'static str> {
        if !self.filter.may_hold(word) {
            return None;
        }
        let at = self.keys[..self.entries.len()].binary_search(&word_key(word.as_bytes())).ok()?;
        Some(self.entries[at].1)
    }
}

/// A test on length, first and last byte that a set of short words passes and almost every other
/// word fails, in a few instructions: it runs for every word of every reply.
#[derive(Clone, Copy)]
struct WordFilter {
    /// One bit per (length, first letter, last byte mod 32) of a word in the set.
    bits: [u64; WordFilter::WORDS],
}

impl WordFilter {
    const MAX_LEN: usize = 8;
    const WORDS: usize = (WordFilter::MAX_LEN + 1) * 26 * 32 / 64;
    const EMPTY: WordFilter = WordFilter { bits: [0; WordFilter::WORDS] };

    /// The filter that also passes `word`, which is 1 to 8 bytes and starts with a lowercase letter.
    const fn with(mut self, word: &str) -> WordFilter {
        let word = word.as_bytes();
        assert!(!word.is_empty() && word.len() <= WordFilter::MAX_LEN && word[0].is_ascii_lowercase());
        let bit = WordFilter::bit(word);
        self.bits[bit / 64] |= 1 << (bit % 64);
        self
    }

    /// Whether `word` may be in the set; `false` means it is not.
    fn may_hold(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        let Some(&first) = bytes.first() else { return false };
        if bytes.len() > WordFilter::MAX_LEN || !first.is_ascii_lowercase() {
            return false;
        }
        let bit = WordFilter::bit(bytes);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The bit of a word of 1 to 8 bytes that starts with a lowercase letter.
    const fn bit(word: &[u8]) -> usize {
        let first = (word[0] - b'a') as usize;
        let last = (word[word.len() - 1] % 32) as usize;
        (word.len() * 26 + first) * 32 + last
    }
}

/// A word of up to 8 bytes as one integer. Words hold no zero byte, so no two share a key, and a
/// word sorts before the words it starts, as in byte order.
const fn word_key(word: &[u8]) -> u64 {
    let mut key = 0;
    let mut i = 0;
    while i < WordFilter::MAX_LEN {
        key = key << 8 | if i < word.len() { word[i] as u64 } else { 0 };
        i += 1;
    }
    key
}

/// Whether `a` comes strictly before `b` in byte order (`Ord` for use at compile time).
const fn comes_before(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// Spelled-out contractions, by their second word, with the one contracted spelling of each pair
/// ("do not" -> "don't").
const CONTRACTIONS: &[(&str, &[(&str, &str)])] = &[
    ("am", &[("i", "i'm")]),
    ("are", &[("you", "you're"), ("we", "we're"), ("they", "they're")]),
    ("is", &[("it", "it's"), ("that", "that's"), ("what", "what's")]),
    ("will", &[("i", "i'll"), ("you", "you'll"), ("we", "we'll")]),
    ("would", &[("i", "i'd")]),
    ("us", &[("let", "let's")]),
    (
        "not",
        &[
            ("do", "don't"),
            ("does", "doesn't"),
            ("did", "didn't"),
            ("is", "isn't"),
            ("are", "aren't"),
            ("was", "wasn't"),
            ("were", "weren't"),
            ("can", "can't"),
            ("will", "won't"),
            ("would", "wouldn't"),
            ("should", "shouldn't"),
            ("could", "couldn't"),
            ("have", "haven't"),
            ("has", "hasn't"),
        ],
    ),
];

/// The contracted spelling of `first` followed by `second`, if [`CONTRACTIONS`] lists the pair.
fn contraction(first: &str, second: &str) -> Option<&'static str> {
    let (_, firsts) = CONTRACTIONS.iter().find(|(listed, _)| *listed == second)?;
    firsts.iter().find(|(listed, _)| *listed == first).map(|&(_, contracted)| contracted)
}

/// The words a rewrite can start with: a texting form, "ur", or the first word of a spelled-out
/// contraction. Every other word is passed over after one test.
static REWRITE_STARTS: WordFilter = {
    let mut filter = TEXTING_FORMS.filter.with("ur");
    let mut i = 0;
    while i < CONTRACTIONS.len() {
        let firsts = CONTRACTIONS[i].1;
        let mut j = 0;
        while j < firsts.len() {
            filter = filter.with(firsts[j].0);
            j += 1;
        }
        i += 1;
    }
    filter
};

/// Words after "ur" that show it means "you're" rather than "your" ("ur upset" / "ur mom").
const UR_AS_YOU_ARE: &[&str] = &[
    "so",
    "not",
    "being",
    "always",
    "never",
    "just",
    "really",
    "right",
    "wrong",
    "upset",
    "mad",
    "angry",
    "sad",
    "hurt",
    "overreacting",
    "going",
    "gonna",
    "too",
    "the",
    "a",
    "an",
    "such",
    "literally",
    "acting",
    "making",
    "kidding",
    "welcome",
    "sorry",
    "tired",
    "stressed",
    "exhausted",
    "worried",
];

/// The words of a folded text, in order: runs of letters, digits, apostrophes and the slash of
/// "b/c" and "w/", as byte ranges.
#[derive(Clone)]
struct Words<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Words<'a> {
    fn of(text: &'a str) -> Words<'a> {
        Words { bytes: text.as_bytes(), at: 0 }
    }
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    #[inline]
    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.bytes;
        let mut i = self.at;
        while i < bytes.len() && BYTE_CLASS[usize::from(bytes[i])] != WORD_START {
            i += 1;
        }
        if i == bytes.len() {
            self.at = i;
            return None;
        }
        let start = i;
        while i < bytes.len() && BYTE_CLASS[usize::from(bytes[i])] != NOT_WORD {
            i += 1;
        }
        // A trailing apostrophe or slash belongs to the word only in "w/" and "b/c".
        let mut end = i;
        while end > start + 1 && bytes[end - 1] == b'\'' {
            end -= 1;
        }
        self.at = i;
        Some(start..end)
    }
}

/// What a byte can be in a word: letters, digits and every byte of a non-ASCII character start or
/// continue one; an apostrophe or a slash only continues one.
const NOT_WORD: u8 = 0;
const WORD_START: u8 = 1;
const WORD_INSIDE: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut classes = [NOT_WORD; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        classes[b] = if byte.is_ascii_alphanumeric() || byte >= 0x80 {
            WORD_START
        } else if byte == b'\'' || byte == b'/' {
            WORD_INSIDE
        } else {
            NOT_WORD
        };
        b += 1;
    }
    classes
};

/// The second pass: rewrites texting forms and spelled-out contractions word by word. Returns the
/// canonical text and, when `folded` tracked them, its origins. Text with nothing to rewrite (most
/// replies) is returned as it is, without a copy.
fn rewrite_words(folded: Folded) -> (String, Option<Origins>) {
    let text = folded.text.as_str();
    // Built on the first rewrite: the text up to there, then each rewrite and what lies between.
    let mut rewritten: Option<(String, Option<Vec<Origin>>)> = None;
    let mut copied_up_to = 0;
    let mut words = Words::of(text);
    while let Some(word_range) = words.next() {
        let word = &text[word_range.clone()];
        if !REWRITE_STARTS.may_hold(word) {
            continue;
        }
        let mut after = words.clone();
        let next_range = after.next();
        let next = next_range.clone().map(|r| &text[r]);
        let adjacent = next_range.as_ref().is_some_and(|r| r.start == word_range.end + 1)
            && text.as_bytes()[word_range.end] == b' ';
        let (canonical, end) = if let Some(next) = next.filter(|_| adjacent)
            && let Some(joined) = contraction(word, next)
        {
            // The second word is part of this rewrite.
            words = after;
            (joined, next_range.map_or(word_range.end, |r| r.end))
        } else if word == "ur" {
            let you_are = next.is_some_and(|n| UR_AS_YOU_ARE.contains(&n));
            (if you_are { "you're" } else { "your" }, word_range.end)
        } else if let Some(canonical) = TEXTING_FORMS.get(word) {
            (canonical, word_range.end)
        } else {
            continue;
        };
        let span = word_range.start..end;
        let (out, table) = rewritten.get_or_insert_with(|| {
            let table = folded.origins.as_ref().map(|_| Vec::with_capacity(text.len() + 16));
            (String::with_capacity(text.len() + 16), table)
        });
        copy_folded(&folded, copied_up_to..span.start, out, table);
        out.push_str(canonical);
        if let (Some(table), Some(origins)) = (table, &folded.origins) {
            let origin = Origin { start: origins.at(span.start).start, end: origins.at(span.end - 1).end };
            table.extend(std::iter::repeat_n(origin, canonical.len()));
        }
        copied_up_to = span.end;
    }
    match rewritten {
        None => (folded.text, folded.origins),
        Some((mut out, mut table)) => {
            copy_folded(&folded, copied_up_to..text.len(), &mut out, &mut table);
            (out, table.map(Origins::Table))
        }
    }
}

/// Appends a stretch of the folded text, and its origins when they are tracked.
fn copy_folded(folded: &Folded, range: Range<usize>, out: &mut String, table: &mut Option<Vec<Origin>>) {
    out.push_str(&folded.text[range.clone()]);
    match (table, &folded.origins) {
        (Some(table), Some(Origins::Table(origins))) => table.extend_from_slice(&origins[range]),
        (Some(table), Some(Origins::Identity)) => {
            table.extend(range.map(Origin::byte));
        }
        _ => {}
    }
}

/// Finds words that were typed in capitals ("thank you SO much"), as ranges of the canonical text.
/// Single letters ("I", "A") and words in an all-capitals reply (someone with caps lock on) are
/// not shouting.
fn shouted_words(original: &str, normalized: &Normalized) -> Vec<Range<usize>> {
    let has_capital_pair =
        original.as_bytes().windows(2).any(|pair| pair[0].is_ascii_uppercase() && pair[1].is_ascii_uppercase());
    if !has_capital_pair && original.is_ascii() {
        return Vec::new();
    }
    let letters = original.chars().filter(|c| c.is_alphabetic());
    let (upper, total) = letters.fold((0, 0), |(u, t), c| (u + usize::from(c.is_uppercase()), t + 1));
    if total == 0 || upper * 10 > total * 8 {
        return Vec::new();
    }
    Words::of(&normalized.text)
        .filter(|range| {
            let source = &original[normalized.original_range(range.clone())];
            // The first lowercase letter settles most words.
            source.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
                && source.chars().filter(|c| c.is_alphabetic()).count() >= 2
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        Normalized::new(text).text
    }

    #[test]
    fn curly_quotes_and_case_fold_to_ascii_lowercase() {
        assert_eq!(canonical("I\u{2019}m “Fine”"), "i'm \"fine\"");
        assert_eq!(canonical("ＴＨＡＮＫＳ"), "thanks");
    }

    #[test]
    fn texting_forms_expand() {
        assert_eq!(canonical("idk tbh u dont get it"), "i don't know to be honest you don't get it");
        assert_eq!(canonical("im sorry ur upset"), "i'm sorry you're upset");
        assert_eq!(canonical("ur mom called"), "your mom called");
    }

    #[test]
    fn the_word_table_finds_exactly_its_words() {
        let listed = |word: &str| TEXTING_FORMS.entries.iter().find(|(w, _)| *w == word).map(|&(_, c)| c);
        let mut words: Vec<String> = vec![];
        for &(word, _) in TEXTING_FORMS.entries {
            // The word, and words that start it or that it starts.
            words.extend([word.to_owned(), format!("{word}s"), format!("{word}\'"), word[..word.len() - 1].to_owned()]);
        }
        // These pass the first test (length, first and last letter) of a listed word.
        words.extend(["what", "about", "too", "say", "only", "wants", "youreally", "u'"].map(String::from));
        for word in &words {
            assert_eq!(TEXTING_FORMS.get(word), listed(word), "{word:?}");
        }
    }

    #[test]
    fn spelled_out_contractions_take_one_form() {
        assert_eq!(canonical("I do not think you are overreacting"), "i don't think you're overreacting");
        assert_eq!(canonical("I cannot"), "i can't");
    }

    #[test]
    fn spans_map_back_to_the_original_bytes() {
        let original = "Ｉ dont know";
        let normalized = Normalized::new(original);
        assert_eq!(normalized.text, "i don't know");
        let dont = normalized.text.find("don't").unwrap();
        let range = normalized.original_range(dont..dont + "don't".len());
        assert_eq!(&original[range], "dont");
        let range = normalized.original_range(0..1);
        assert_eq!(&original[range], "Ｉ");
    }

    #[test]
    fn ascii_runs_between_other_characters_map_byte_for_byte() {
        // Runs of ASCII are copied whole; the letter before a combining mark folds with it.
        let original = "Sorry I\u{2019}M Late, cafe\u{301}s CLOSE\u{301}D";
        let normalized = Normalized::new(original);
        assert_eq!(normalized.text, "sorry i'm late, cafés closéd");
        let quote = |needle: &str| {
            let at = normalized.text.find(needle).unwrap();
            &original[normalized.original_range(at..at + needle.len())]
        };
        assert_eq!(quote("sorry"), "Sorry");
        assert_eq!(quote("'"), "\u{2019}");
        assert_eq!(quote("late, caf"), "Late, caf");
        assert_eq!(quote("és"), "e\u{301}s");
        assert_eq!(quote("closéd"), "CLOSE\u{301}D");
    }

    #[test]
    fn combining_marks_stay_with_their_base() {
        let original = "cafe\u{301} ok";
        let normalized = Normalized::new(original);
        assert_eq!(normalized.text, "café ok");
        let e = normalized.text.find('é').unwrap();
        assert_eq!(&original[normalized.original_range(e..e + 2)], "e\u{301}");
    }

    #[test]
    fn sentences_split_on_terminal_punctuation_but_not_inside_numbers() {
        let normalized = Normalized::new("It's 9.30 now. Are you ok?! Fine");
        let sentences: Vec<&str> = normalized.sentences().iter().map(|s| &normalized.text[s.range.clone()]).collect();
        assert_eq!(sentences, ["it's 9.30 now.", "are you ok?!", "fine"]);
    }

    #[test]
    fn clauses_end_at_commas_and_but() {
        let sentence = "i'm not telling you what to do, but you should go";
        let at = sentence.find("you should").unwrap();
        assert_eq!(&sentence[Clauses::of(sentence).start_of(at)..at], "");
        let sentence = "i don't think you're overreacting";
        assert_eq!(Clauses::of(sentence).start_of(sentence.find("you're").unwrap()), 0);
        let sentence = "sorry, i was late and i know it";
        let clauses = Clauses::of(sentence);
        assert_eq!(clauses.start_of(3), 0);
        assert_eq!(&sentence[clauses.start_of(sentence.find("late").unwrap())..], " i was late and i know it");
        assert_eq!(&sentence[clauses.start_of(sentence.find("know").unwrap())..], "i know it");
    }

    #[test]
    fn capitals_for_emphasis_are_found_but_caps_lock_is_not() {
        let normalized = Normalized::new("thank you SO much");
        let shouted: Vec<&str> = normalized.shouted.iter().map(|r| &normalized.text[r.clone()]).collect();
        assert_eq!(shouted, ["so"]);
        assert!(Normalized::new("WHERE ARE YOU").shouted.is_empty());
        assert!(Normalized::new("I am OK with it").shouted.len() == 1);
    }
}
