//! Measuring the analyzer against labelled replies: per-tag and per-style precision, recall and F1.
//!
//! Two file formats are read, one JSON object per line:
//! - the labels.md format: `{"text", "context", "tags": [..], "style"}`;
//! - the AnnoMI format: `{"text", "context", "label", "meta": {"label_fine"}}`, whose counselor
//!   codes map onto three tags (reflection -> reflective_listening, open question -> open_question,
//!   advice and options -> unsolicited_advice; closed questions are left out).

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use crate::analyze::{Analyzer, Style, Tag};

/// A labelled file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A line is not valid JSON, or lacks the fields of either format.
    #[error("line {line}: {message}")]
    BadLine {
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The file mixes the two formats.
    #[error("line {line}: this line is in the {found} format but the file started in the {expected} format")]
    MixedFormats {
        /// 1-based line number in the file.
        line: usize,
        /// The format of the first example.
        expected: &'static str,
        /// The format of this line.
        found: &'static str,
    },
    /// The file has no examples.
    #[error("the file has no labelled examples")]
    Empty,
}

/// What an example was labelled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gold {
    /// Tags and style per labels.md.
    Labels {
        /// The tags a person gave the reply.
        tags: BTreeSet<Tag>,
        /// The style derived from them.
        style: Style,
    },
    /// An AnnoMI counselor code, already mapped; `None` for codes left out of the scores.
    Annomi(Option<BTreeSet<Tag>>),
}

/// One labelled reply.
#[derive(Debug, Clone)]
pub struct Example {
    /// The example's id in its file (or its line number).
    pub id: String,
    /// The partner's line the reply answers.
    pub context: String,
    /// The reply.
    pub text: String,
    /// Its labels.
    pub gold: Gold,
}

#[derive(Deserialize)]
struct RawLine {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    context: Option<String>,
    text: String,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    style: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    meta: Option<RawMeta>,
}

#[derive(Deserialize)]
struct RawMeta {
    #[serde(default)]
    label_fine: Option<String>,
}

/// The three tags the AnnoMI codes map onto; other tags are not scored on that data.
pub const ANNOMI_TAGS: [Tag; 3] = [Tag::ReflectiveListening, Tag::OpenQuestion, Tag::UnsolicitedAdvice];

/// Maps an AnnoMI code (`label` and `meta.label_fine`) onto tags; `None` leaves it out of the scores.
pub fn annomi_tags(label: &str, fine: Option<&str>) -> Option<BTreeSet<Tag>> {
    let fine = fine.unwrap_or(label);
    let tag = match (label, fine) {
        ("reflection", _) => Some(Tag::ReflectiveListening),
        (_, "question:open") => Some(Tag::OpenQuestion),
        (_, "question:closed") => return None,
        (_, "therapist_input:advice" | "therapist_input:options") => Some(Tag::UnsolicitedAdvice),
        _ => None,
    };
    Some(tag.into_iter().collect())
}

/// Parses a labelled JSON-lines file. Blank lines are skipped; every other line must be an example.
pub fn parse_examples(jsonl: &str) -> Result<Vec<Example>, EvalError> {
    let mut examples = Vec::new();
    let mut format: Option<&'static str> = None;
    for (index, line) in jsonl.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| EvalError::BadLine { line: number, message };
        let raw: RawLine = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let (this_format, gold) = match (&raw.tags, &raw.label) {
            (Some(tags), _) => {
                let tags = tags
                    .iter()
                    .map(|name| Tag::from_name(name).ok_or_else(|| bad(format!("unknown tag `{name}`"))))
                    .collect::<Result<BTreeSet<Tag>, _>>()?;
                let derived = Style::from_tags(tags.iter().copied());
                let style = match raw.style.as_deref() {
                    Some(name) => Style::from_name(name).ok_or_else(|| bad(format!("unknown style `{name}`")))?,
                    None => derived,
                };
                if style != derived {
                    return Err(bad(format!("style `{style}` contradicts the tags, which give `{derived}`")));
                }
                ("labels", Gold::Labels { tags, style })
            }
            (None, Some(label)) => {
                let fine = raw.meta.as_ref().and_then(|m| m.label_fine.as_deref());
                ("AnnoMI", Gold::Annomi(annomi_tags(label, fine)))
            }
            (None, None) => return Err(bad("the line has neither `tags` nor `label`".to_owned())),
        };
        match format {
            None => format = Some(this_format),
            Some(expected) if expected != this_format => {
                return Err(EvalError::MixedFormats { line: number, expected, found: this_format });
            }
            Some(_) => {}
        }
        let id = match raw.id {
            Some(serde_json::Value::String(id)) => id,
            Some(other) => other.to_string(),
            None => format!("line {number}"),
        };
        examples.push(Example { id, context: raw.context.unwrap_or_default(), text: raw.text, gold });
    }
    if examples.is_empty() {
        return Err(EvalError::Empty);
    }
    Ok(examples)
}

/// True and false positives and negatives for one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Predicted and labelled.
    pub true_positives: usize,
    /// Predicted, not labelled.
    pub false_positives: usize,
    /// Labelled, not predicted.
    pub false_negatives: usize,
}

impl Counts {
    fn add(&mut self, predicted: bool, labelled: bool) {
        match (predicted, labelled) {
            (true, true) => self.true_positives += 1,
            (true, false) => self.false_positives += 1,
            (false, true) => self.false_negatives += 1,
            (false, false) => {}
        }
    }

    /// How many examples carry the label.
    pub fn support(&self) -> usize {
        self.true_positives + self.false_negatives
    }

    /// Of the predictions, the share that were right (1 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// Of the labels, the share that were found (1 when nothing was labelled).
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.support())
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
}

/// One class's scores, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct ClassScore {
    /// The tag or style name.
    pub name: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl ClassScore {
    fn new(name: &str, counts: Counts) -> Self {
        ClassScore {
            name: name.to_owned(),
            counts,
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
        }
    }
}

/// An example the analyzer got wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// The example's id.
    pub id: String,
    /// The reply.
    pub text: String,
    /// Tags labelled but not found.
    pub missed: Vec<Tag>,
    /// Tags found but not labelled.
    pub spurious: Vec<Tag>,
    /// For labels-format files: the labelled and the predicted style, when they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<(Style, Style)>,
}

impl Miss {
    fn weight(&self) -> usize {
        self.missed.len() + self.spurious.len() + 2 * usize::from(self.style.is_some())
    }
}

/// The results of an evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `labels` or `AnnoMI`.
    pub format: &'static str,
    /// Examples scored.
    pub examples: usize,
    /// Examples left out (AnnoMI closed questions).
    pub left_out: usize,
    /// Share of examples whose style was right (labels format only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style_accuracy: Option<f64>,
    /// Per-style scores (labels format only).
    pub styles: Vec<ClassScore>,
    /// Confusion matrix, rows = labelled style, columns = predicted style, in [`Style::ALL`] order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confusion: Vec<Vec<usize>>,
    /// Per-tag scores, for the tags that were labelled or predicted.
    pub tags: Vec<ClassScore>,
    /// The mean F1 over those tags.
    pub tag_macro_f1: f64,
    /// The worst misses, worst first.
    pub worst_misses: Vec<Miss>,
}

/// How many misses a report lists.
const WORST_MISSES: usize = 15;

/// Runs the analyzer over `examples` and scores it. `on_progress` is called after each example.
pub fn evaluate(analyzer: &Analyzer, examples: &[Example], mut on_progress: impl FnMut()) -> Report {
    let is_annomi = examples.iter().any(|e| matches!(e.gold, Gold::Annomi(_)));
    let scored_tags: &[Tag] = if is_annomi { &ANNOMI_TAGS } else { &Tag::ALL };
    let mut tag_counts = vec![Counts::default(); Tag::ALL.len()];
    let mut style_counts = vec![Counts::default(); Style::ALL.len()];
    let mut confusion = vec![vec![0; Style::ALL.len()]; Style::ALL.len()];
    let (mut scored, mut left_out, mut styles_right) = (0, 0, 0);
    let mut misses = Vec::new();

    for example in examples {
        let analysis = analyzer.analyze(&example.text, &example.context);
        on_progress();
        let (gold_tags, gold_style) = match &example.gold {
            Gold::Labels { tags, style } => (tags, Some(*style)),
            Gold::Annomi(Some(tags)) => (tags, None),
            Gold::Annomi(None) => {
                left_out += 1;
                continue;
            }
        };
        scored += 1;
        let predicted: BTreeSet<Tag> = analysis.tag_set().into_iter().filter(|t| scored_tags.contains(t)).collect();
        for &tag in scored_tags {
            tag_counts[tag.index()].add(predicted.contains(&tag), gold_tags.contains(&tag));
        }
        let style_miss = gold_style.and_then(|gold| {
            let predicted = analysis.style;
            for style in Style::ALL {
                style_counts[style as usize].add(predicted == style, gold == style);
            }
            confusion[gold as usize][predicted as usize] += 1;
            styles_right += usize::from(gold == predicted);
            (gold != predicted).then_some((gold, predicted))
        });
        let missed: Vec<Tag> = gold_tags.difference(&predicted).copied().collect();
        let spurious: Vec<Tag> = predicted.difference(gold_tags).copied().collect();
        if !missed.is_empty() || !spurious.is_empty() || style_miss.is_some() {
            misses.push(Miss {
                id: example.id.clone(),
                text: example.text.clone(),
                missed,
                spurious,
                style: style_miss,
            });
        }
    }

    let tags: Vec<ClassScore> = scored_tags
        .iter()
        .filter(|tag| {
            let counts = tag_counts[tag.index()];
            counts.support() + counts.false_positives > 0
        })
        .map(|&tag| ClassScore::new(tag.name(), tag_counts[tag.index()]))
        .collect();
    let tag_macro_f1 = if tags.is_empty() { 0.0 } else { tags.iter().map(|t| t.f1).sum::<f64>() / tags.len() as f64 };
    // Stable sort: among equally bad misses, file order.
    misses.sort_by_key(|miss| std::cmp::Reverse(miss.weight()));
    misses.truncate(WORST_MISSES);

    let labels_format = !is_annomi;
    Report {
        format: if is_annomi { "AnnoMI" } else { "labels" },
        examples: scored,
        left_out,
        style_accuracy: labels_format.then(|| ratio(styles_right, scored)),
        styles: if labels_format {
            Style::ALL.iter().map(|&s| ClassScore::new(s.name(), style_counts[s as usize])).collect()
        } else {
            Vec::new()
        },
        confusion: if labels_format { confusion } else { Vec::new() },
        tags,
        tag_macro_f1,
        worst_misses: misses,
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} examples ({} format)", self.examples, self.format)?;
        if self.left_out > 0 {
            write!(f, ", {} left out (closed questions)", self.left_out)?;
        }
        writeln!(f)?;
        if let Some(accuracy) = self.style_accuracy {
            writeln!(f, "\nstyle accuracy: {accuracy:.3}")?;
            writeln!(f, "{}", score_table("style", &self.styles))?;
            writeln!(f, "confusion (rows: labelled, columns: predicted)")?;
            let mut table = format!("{:<18}", "");
            for style in Style::ALL {
                let _ = write!(table, "{:>18}", style.name());
            }
            for (style, row) in Style::ALL.iter().zip(&self.confusion) {
                let _ = write!(table, "\n{:<18}", style.name());
                for count in row {
                    let _ = write!(table, "{count:>18}");
                }
            }
            writeln!(f, "{table}\n")?;
        }
        writeln!(f, "tag macro-F1: {:.3}", self.tag_macro_f1)?;
        writeln!(f, "{}", score_table("tag", &self.tags))?;
        if !self.worst_misses.is_empty() {
            writeln!(f, "worst misses")?;
        }
        for miss in &self.worst_misses {
            let names = |tags: &[Tag]| tags.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ");
            write!(f, "  {}: {:?}", miss.id, miss.text)?;
            if !miss.missed.is_empty() {
                write!(f, "\n      missed: {}", names(&miss.missed))?;
            }
            if !miss.spurious.is_empty() {
                write!(f, "\n      spurious: {}", names(&miss.spurious))?;
            }
            if let Some((labelled, predicted)) = miss.style {
                write!(f, "\n      style: labelled {labelled}, predicted {predicted}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

fn score_table(kind: &str, rows: &[ClassScore]) -> String {
    let mut table = format!("{kind:<22}{:>10}{:>10}{:>10}{:>10}", "precision", "recall", "f1", "support");
    for row in rows {
        let _ = write!(
            table,
            "\n{:<22}{:>10.3}{:>10.3}{:>10.3}{:>10}",
            row.name,
            row.precision,
            row.recall,
            row.f1,
            row.counts.support()
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_give_precision_recall_and_f1() {
        let counts = Counts { true_positives: 3, false_positives: 1, false_negatives: 2 };
        assert_eq!(counts.precision(), 0.75);
        assert_eq!(counts.recall(), 0.6);
        assert!((counts.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 1.0);
        assert_eq!(Counts { true_positives: 0, false_positives: 2, false_negatives: 1 }.f1(), 0.0);
    }

    #[test]
    fn annomi_codes_map_onto_three_tags() {
        let one = |tag| Some(BTreeSet::from([tag]));
        assert_eq!(annomi_tags("reflection", Some("reflection:complex")), one(Tag::ReflectiveListening));
        assert_eq!(annomi_tags("reflection", None), one(Tag::ReflectiveListening));
        assert_eq!(annomi_tags("question", Some("question:open")), one(Tag::OpenQuestion));
        assert_eq!(annomi_tags("question", Some("question:closed")), None);
        assert_eq!(annomi_tags("therapist_input", Some("therapist_input:options")), one(Tag::UnsolicitedAdvice));
        assert_eq!(annomi_tags("therapist_input", Some("therapist_input:information")), Some(BTreeSet::new()));
        assert_eq!(annomi_tags("other", Some("other")), Some(BTreeSet::new()));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let text = "{\"text\": \"hi\", \"tags\": [], \"style\": \"neutral\"}\n\nnot json\n";
        assert!(matches!(parse_examples(text), Err(EvalError::BadLine { line: 3, .. })));
        let unknown = "{\"text\": \"hi\", \"tags\": [\"kindness\"]}";
        assert!(parse_examples(unknown).unwrap_err().to_string().contains("unknown tag `kindness`"));
        let contradiction = "{\"text\": \"hi\", \"tags\": [\"contempt\"], \"style\": \"neutral\"}";
        assert!(parse_examples(contradiction).unwrap_err().to_string().contains("contradicts"));
        let mixed = "{\"text\": \"a\", \"tags\": []}\n{\"text\": \"b\", \"label\": \"other\"}";
        assert!(matches!(parse_examples(mixed), Err(EvalError::MixedFormats { line: 2, .. })));
        assert!(matches!(parse_examples("\n"), Err(EvalError::Empty)));
    }

    #[test]
    fn evaluation_counts_hits_misses_and_styles() {
        let jsonl = concat!(
            "{\"id\": \"a\", \"context\": \"I had a rough day.\", \"text\": \"That makes sense.\", \"tags\": [\"validation\"], \"style\": \"active_listening\"}\n",
            "{\"id\": \"b\", \"context\": \"You forgot again.\", \"text\": \"Whatever.\", \"tags\": [\"stonewalling\"], \"style\": \"defensive\"}\n",
            "{\"id\": \"c\", \"context\": \"The plumber comes at ten.\", \"text\": \"Noted, thanks for sorting it.\", \"tags\": [], \"style\": \"neutral\"}\n",
        );
        let examples = parse_examples(jsonl).unwrap();
        let mut progress = 0;
        let report = evaluate(&Analyzer::builtin(), &examples, || progress += 1);
        assert_eq!(progress, 3);
        assert_eq!(report.examples, 3);
        // "thanks for sorting it" is appreciation, which the (deliberately wrong) label lacks.
        assert_eq!(report.style_accuracy, Some(2.0 / 3.0));
        assert_eq!(report.confusion[Style::Neutral as usize][Style::ActiveListening as usize], 1);
        assert_eq!(report.worst_misses.len(), 1);
        assert_eq!(report.worst_misses[0].spurious, [Tag::Appreciation]);
        let validation = report.tags.iter().find(|t| t.name == "validation").unwrap();
        assert_eq!(validation.f1, 1.0);
    }
}
