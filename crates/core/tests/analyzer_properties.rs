//! Property tests: the analyzer never panics, and its evidence always indexes the original text.

use proptest::prelude::*;
use rehearse_core::analyze::Analyzer;
use std::sync::LazyLock;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::builtin);

/// Text that mixes the rubric's own vocabulary with arbitrary Unicode, so that patterns really
/// fire next to combining marks, emoji, full-width letters and odd punctuation.
fn reply_like() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "you",
        "always",
        "never",
        "I'm",
        "sorry",
        "but",
        "that",
        "makes",
        "sense",
        "what",
        "how",
        "?",
        ".",
        "don't",
        "u",
        "ur",
        "idk",
        "SO",
        "thanks",
        "\u{2019}",
        "\u{301}",
        "ｔｈａｔ",
        "🙄",
        "\u{a0}",
        "\n",
        ",",
    ]);
    prop::collection::vec(prop_oneof![words.prop_map(str::to_owned), any::<String>()], 0..24)
        .prop_map(|parts| parts.join(" "))
}

fn check(reply: &str, context: &str) {
    let analysis = ANALYZER.analyze(reply, context);
    for hit in &analysis.tags {
        assert!(!hit.evidence.is_empty(), "{:?} has evidence", hit.tag);
        let mut previous_end = 0;
        for span in &hit.evidence {
            assert!(span.start < span.end && span.end <= reply.len(), "span {span:?} within {reply:?}");
            assert!(
                reply.is_char_boundary(span.start) && reply.is_char_boundary(span.end),
                "span {span:?} on boundaries"
            );
            assert_eq!(&reply[span.start..span.end], span.text);
            assert!(span.start >= previous_end, "spans are ordered and disjoint");
            previous_end = span.end;
        }
    }
    let scale = ANALYZER.rubric().scale();
    assert!((scale.min..=scale.max).contains(&analysis.score));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_unicode_never_panics_and_spans_are_boundaries(reply in any::<String>(), context in any::<String>()) {
        check(&reply, &context);
    }

    #[test]
    fn reply_like_text_never_panics_and_spans_are_boundaries(reply in reply_like(), context in reply_like()) {
        check(&reply, &context);
    }
}
