//! The guide's principles as tags, and the reply style derived from them (the contract of labels.md).

use std::fmt;

use serde::{Deserialize, Serialize};

/// One principle of the guide that a reply uses (constructive) or breaks (breakdown).
///
/// The order is the order of `labels.md`; analyses list their tags in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Tag {
    /// Speaks from one's own feelings or needs without blame.
    IStatement,
    /// Reflects or paraphrases back what the partner said or feels.
    ReflectiveListening,
    /// Affirms the partner's feelings as understandable.
    Validation,
    /// A curious question that invites the partner to say more.
    OpenQuestion,
    /// Owns one's own part; a sincere apology; transparency.
    Accountability,
    /// A concrete promise of future action.
    Commitment,
    /// Recognises the partner's efforts.
    Appreciation,
    /// Proposes a recurring ritual of connection.
    ConnectionRitual,
    /// Names one's own state and asks for a pause with a promise to return.
    SelfRegulation,
    /// Suggests professional help.
    SeekSupport,
    /// Acknowledges different views without needing to win.
    RespectDifferences,
    /// Excuses, counter-complaints, "yes, but".
    Defensiveness,
    /// Attacks character or makes global blame.
    Criticism,
    /// Sarcasm, mockery, insults, superiority.
    Contempt,
    /// Shuts down or refuses to engage, with no return.
    Stonewalling,
    /// Downplays or redirects the partner's feelings.
    Minimizing,
    /// Fixes instead of listening when no advice was asked for.
    UnsolicitedAdvice,
    /// An apology that blames or dismisses.
    NonApology,
}

impl Tag {
    /// Every tag, in the order of `labels.md`.
    pub const ALL: [Tag; 18] = [
        Tag::IStatement,
        Tag::ReflectiveListening,
        Tag::Validation,
        Tag::OpenQuestion,
        Tag::Accountability,
        Tag::Commitment,
        Tag::Appreciation,
        Tag::ConnectionRitual,
        Tag::SelfRegulation,
        Tag::SeekSupport,
        Tag::RespectDifferences,
        Tag::Defensiveness,
        Tag::Criticism,
        Tag::Contempt,
        Tag::Stonewalling,
        Tag::Minimizing,
        Tag::UnsolicitedAdvice,
        Tag::NonApology,
    ];

    /// The tag's name as labels.md and the JSON output spell it (`i_statement`).
    pub fn name(self) -> &'static str {
        match self {
            Tag::IStatement => "i_statement",
            Tag::ReflectiveListening => "reflective_listening",
            Tag::Validation => "validation",
            Tag::OpenQuestion => "open_question",
            Tag::Accountability => "accountability",
            Tag::Commitment => "commitment",
            Tag::Appreciation => "appreciation",
            Tag::ConnectionRitual => "connection_ritual",
            Tag::SelfRegulation => "self_regulation",
            Tag::SeekSupport => "seek_support",
            Tag::RespectDifferences => "respect_differences",
            Tag::Defensiveness => "defensiveness",
            Tag::Criticism => "criticism",
            Tag::Contempt => "contempt",
            Tag::Stonewalling => "stonewalling",
            Tag::Minimizing => "minimizing",
            Tag::UnsolicitedAdvice => "unsolicited_advice",
            Tag::NonApology => "non_apology",
        }
    }

    /// The principle's name for people ("I-statement").
    pub fn title(self) -> &'static str {
        match self {
            Tag::IStatement => "I-statement",
            Tag::ReflectiveListening => "Reflective listening",
            Tag::Validation => "Validation",
            Tag::OpenQuestion => "Open question",
            Tag::Accountability => "Accountability",
            Tag::Commitment => "Commitment",
            Tag::Appreciation => "Appreciation",
            Tag::ConnectionRitual => "Ritual of connection",
            Tag::SelfRegulation => "Self-regulation",
            Tag::SeekSupport => "Seeking support",
            Tag::RespectDifferences => "Respecting differences",
            Tag::Defensiveness => "Defensiveness",
            Tag::Criticism => "Criticism",
            Tag::Contempt => "Contempt",
            Tag::Stonewalling => "Stonewalling",
            Tag::Minimizing => "Minimizing",
            Tag::UnsolicitedAdvice => "Unsolicited advice",
            Tag::NonApology => "Non-apology",
        }
    }

    /// Looks a tag up by its labels.md name.
    pub fn from_name(name: &str) -> Option<Tag> {
        Tag::ALL.into_iter().find(|tag| tag.name() == name)
    }

    /// Whether the tag erodes emotional safety (the second table of labels.md).
    pub fn is_breakdown(self) -> bool {
        self >= Tag::Defensiveness
    }

    /// The tag's position in [`Tag::ALL`], for tables indexed by tag.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The overall style of a reply, derived from its tags by the rule of labels.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Style {
    /// Listens, validates, owns, connects: builds safety.
    ActiveListening,
    /// Fixes instead of listening.
    Fixing,
    /// Defends, blames, mocks, withdraws or dismisses.
    Defensive,
    /// None of the above.
    Neutral,
}

impl Style {
    /// Every style, in a stable order for tables.
    pub const ALL: [Style; 4] = [Style::ActiveListening, Style::Fixing, Style::Defensive, Style::Neutral];

    /// Derives the style from a reply's tags: any breakdown but unsolicited advice makes it
    /// defensive; else unsolicited advice makes it fixing; else any constructive tag makes it
    /// active listening; else neutral.
    pub fn from_tags(tags: impl IntoIterator<Item = Tag>) -> Style {
        let (mut defensive, mut fixing, mut constructive) = (false, false, false);
        for tag in tags {
            match tag {
                Tag::UnsolicitedAdvice => fixing = true,
                tag if tag.is_breakdown() => defensive = true,
                _ => constructive = true,
            }
        }
        if defensive {
            Style::Defensive
        } else if fixing {
            Style::Fixing
        } else if constructive {
            Style::ActiveListening
        } else {
            Style::Neutral
        }
    }

    /// The style's name as labels.md spells it (`active_listening`).
    pub fn name(self) -> &'static str {
        match self {
            Style::ActiveListening => "active_listening",
            Style::Fixing => "fixing",
            Style::Defensive => "defensive",
            Style::Neutral => "neutral",
        }
    }

    /// Looks a style up by its labels.md name.
    pub fn from_name(name: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|style| style.name() == name)
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_follows_the_labels_rule_in_order() {
        assert_eq!(Style::from_tags([Tag::Validation, Tag::Contempt]), Style::Defensive);
        assert_eq!(Style::from_tags([Tag::Validation, Tag::UnsolicitedAdvice]), Style::Fixing);
        assert_eq!(Style::from_tags([Tag::UnsolicitedAdvice, Tag::NonApology]), Style::Defensive);
        assert_eq!(Style::from_tags([Tag::OpenQuestion]), Style::ActiveListening);
        assert_eq!(Style::from_tags([]), Style::Neutral);
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for tag in Tag::ALL {
            assert_eq!(Tag::from_name(tag.name()), Some(tag));
            assert_eq!(serde_json::to_string(&tag).unwrap(), format!("\"{}\"", tag.name()));
        }
        for style in Style::ALL {
            assert_eq!(Style::from_name(style.name()), Some(style));
        }
        assert_eq!(Tag::ALL.iter().filter(|t| t.is_breakdown()).count(), 7);
    }
}
