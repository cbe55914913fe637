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
    /// For each byte of `text`, where its source starts in the original text.
    origin_start: Vec<u32>,
    /// For each byte of `text`, where its source ends in the original text.
    origin_end: Vec<u32>,
    /// Byte ranges of `text` that were typed in capitals in the original ("SO much").
    pub shouted: Vec<Range<usize>>,
}

/// One sentence of a normalised reply, as a byte range of [`Normalized::text`].
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub range: Range<usize>,
}

impl Normalized {
    /// Normalises `original`. Never fails: any string has a canonical form.
    pub fn new(original: &str) -> Self {
        let folded = Folded::new(original);
        let mut normalized = rewrite_words(&folded);
        normalized.shouted = shouted_words(original, &normalized);
        normalized
    }

    /// Only the canonical text, for text whose evidence is never quoted (the partner's line).
    pub fn canonical(original: &str) -> String {
        rewrite_words(&Folded::new(original)).text
    }

    /// Maps a byte range of the canonical text back to the original text. The result always lies
    /// on UTF-8 boundaries of the original, because every canonical byte remembers the whole
    /// original character (or word, for rewritten words) it came from.
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() || range.end > self.text.len() {
            let at = self.origin_start.get(range.start).copied().unwrap_or(0) as usize;
            return at..at;
        }
        self.origin_start[range.start] as usize..self.origin_end[range.end - 1] as usize
    }

    /// Splits the canonical text into sentences at `.`, `!`, `?`, `;` and line breaks. A sentence keeps its closing punctuation, so a pattern can tell a question by its `?`.
    pub fn sentences(&self) -> Vec<Sentence> {
        let bytes = self.text.as_bytes();
        let mut sentences = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
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
                b' ' => {
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
    origin_start: Vec<u32>,
    origin_end: Vec<u32>,
}

impl Folded {
    fn new(original: &str) -> Self {
        // Most replies are plain ASCII: each byte then maps to itself.
        if original.is_ascii() {
            let len = original.len();
            return Folded {
                text: original.to_ascii_lowercase(),
                origin_start: (0..len).map(to_u32).collect(),
                origin_end: (1..=len).map(to_u32).collect(),
            };
        }
        let mut folded = Folded {
            text: String::with_capacity(original.len()),
            origin_start: Vec::with_capacity(original.len()),
            origin_end: Vec::with_capacity(original.len()),
        };
        let mut chars = original.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            // A base character and the combining marks after it fold as one unit, so that
            // composition ("e" + acute) works and no span can split them.
            let mut end = start + c.len_utf8();
            while let Some(&(next_at, next)) = chars.peek() {
                if next.is_ascii() || canonical_combining_class(next) == 0 {
                    break;
                }
                end = next_at + next.len_utf8();
                chars.next();
            }
            if c.is_ascii() && end == start + 1 {
                folded.push_char(c.to_ascii_lowercase(), start, end);
                continue;
            }
            let unit = &original[start..end];
            for folded_char in unit.chars().map(straighten).nfkc().flat_map(char::to_lowercase) {
                folded.push_char(straighten(folded_char), start, end);
            }
        }
        folded
    }

    fn push_char(&mut self, c: char, start: usize, end: usize) {
        let (start, end) = (to_u32(start), to_u32(end));
        for _ in 0..c.len_utf8() {
            self.origin_start.push(start);
            self.origin_end.push(end);
        }
        self.text.push(c);
    }
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

/// The canonical words for a texting form or misspelt contraction ("u" -> "you", "idk" -> "i don't know").
fn texting_form(word: &str) -> Option<&'static str> {
    Some(match word {
        "u" => "you",
        "ya" => "you",
        "yu" => "you",
        "r" => "are",
        "ure" => "you're",
        "youre" => "you're",
        "im" => "i'm",
        "ive" => "i've",
        "id" => "i'd",
        "dont" => "don't",
        "doesnt" => "doesn't",
        "didnt" => "didn't",
        "cant" => "can't",
        "wont" => "won't",
        "isnt" => "isn't",
        "arent" => "aren't",
        "wasnt" => "wasn't",
        "werent" => "weren't",
        "wouldnt" => "wouldn't",
        "shouldnt" => "shouldn't",
        "couldnt" => "couldn't",
        "havent" => "haven't",
        "hasnt" => "hasn't",
        "thats" => "that's",
        "whats" => "what's",
        "its" => "it's",
        "lets" => "let's",
        "youve" => "you've",
        "youll" => "you'll",
        "theyre" => "they're",
        "idk" => "i don't know",
        "dunno" => "don't know",
        "tbh" => "to be honest",
        "ngl" => "not going to lie",
        "imo" => "in my opinion",
        "rn" => "right now",
        "bc" => "because",
        "b/c" => "because",
        "cuz" => "because",
        "coz" => "because",
        "cos" => "because",
        "bcuz" => "because",
        "ppl" => "people",
        "pls" => "please",
        "plz" => "please",
        "thx" => "thanks",
        "tx" => "thanks",
        "ty" => "thank you",
        "nvr" => "never",
        "nevr" => "never",
        "alwys" => "always",
        "evry" => "every",
        "w/" => "with",
        "kk" => "ok",
        "k" => "ok",
        "okay" => "ok",
        "wanna" => "want to",
        "gonna" => "going to",
        "gotta" => "got to",
        "ily" => "i love you",
        "cannot" => "can't",
        "sry" => "sorry",
        "srry" => "sorry",
        "abt" => "about",
        "tho" => "though",
        "thru" => "through",
        "bday" => "birthday",
        _ => return None,
    })
}

/// The one contracted spelling of two words ("do not" -> "don't").
fn contraction(first: &str, second: &str) -> Option<&'static str> {
    Some(match (first, second) {
        ("i", "am") => "i'm",
        ("you", "are") => "you're",
        ("we", "are") => "we're",
        ("they", "are") => "they're",
        ("it", "is") => "it's",
        ("that", "is") => "that's",
        ("what", "is") => "what's",
        ("i", "will") => "i'll",
        ("you", "will") => "you'll",
        ("we", "will") => "we'll",
        ("i", "would") => "i'd",
        ("let", "us") => "let's",
        ("do", "not") => "don't",
        ("does", "not") => "doesn't",
        ("did", "not") => "didn't",
        ("is", "not") => "isn't",
        ("are", "not") => "aren't",
        ("was", "not") => "wasn't",
        ("were", "not") => "weren't",
        ("can", "not") => "can't",
        ("will", "not") => "won't",
        ("would", "not") => "wouldn't",
        ("should", "not") => "shouldn't",
        ("could", "not") => "couldn't",
        ("have", "not") => "haven't",
        ("has", "not") => "hasn't",
        _ => return None,
    })
}

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

/// A word of the folded text: letters, digits, apostrophes and the slash of "b/c" and "w/".
fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_word_byte(bytes[i]) && bytes[i] != b'\'' && bytes[i] != b'/' {
            let start = i;
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            // A trailing apostrophe or slash belongs to the word only in "w/" and "b/c".
            let mut end = i;
            while end > start + 1 && bytes[end - 1] == b'\'' {
                end -= 1;
            }
            words.push(start..end);
        } else {
            i += 1;
        }
    }
    words
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\'' || b == b'/' || b >= 0x80
}

/// The second pass: rewrites texting forms and spelled-out contractions word by word.
fn rewrite_words(folded: &Folded) -> Normalized {
    let text = &folded.text;
    let words = word_ranges(text);
    let mut out = Normalized {
        text: String::with_capacity(text.len() + 16),
        origin_start: Vec::with_capacity(text.len() + 16),
        origin_end: Vec::with_capacity(text.len() + 16),
        shouted: Vec::new(),
    };
    let mut copied_up_to = 0;
    let mut w = 0;
    while w < words.len() {
        let word = &text[words[w].clone()];
        let next = words.get(w + 1).map(|r| &text[r.clone()]);
        let adjacent = words.get(w + 1).is_some_and(|r| text[words[w].end..r.start] == *" ");
        let (replacement, consumed) = if let Some(next) = next.filter(|_| adjacent)
            && let Some(joined) = contraction(word, next)
        {
            (Some(joined), 2)
        } else if word == "ur" {
            let you_are = next.is_some_and(|n| UR_AS_YOU_ARE.contains(&n));
            (Some(if you_are { "you're" } else { "your" }), 1)
        } else {
            (texting_form(word), 1)
        };
        let span = words[w].start..words[w + consumed - 1].end;
        copy_folded(folded, copied_up_to..span.start, &mut out);
        match replacement {
            Some(canonical) => {
                let start = folded.origin_start[span.start];
                let end = folded.origin_end[span.end - 1];
                out.text.push_str(canonical);
                out.origin_start.extend(std::iter::repeat_n(start, canonical.len()));
                out.origin_end.extend(std::iter::repeat_n(end, canonical.len()));
            }
            None => copy_folded(folded, span.clone(), &mut out),
        }
        copied_up_to = span.end;
        w += consumed;
    }
    copy_folded(folded, copied_up_to..text.len(), &mut out);
    out
}

fn copy_folded(folded: &Folded, range: Range<usize>, out: &mut Normalized) {
    out.text.push_str(&folded.text[range.clone()]);
    out.origin_start.extend_from_slice(&folded.origin_start[range.clone()]);
    out.origin_end.extend_from_slice(&folded.origin_end[range]);
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
    word_ranges(&normalized.text)
        .into_iter()
        .filter(|range| {
            let source = &original[normalized.original_range(range.clone())];
            source.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && source.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
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
