//! Property tests: nothing fed to the scenario loader makes it panic.

use std::sync::LazyLock;

use proptest::prelude::*;
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::load;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::builtin);

/// Fragments of real scenario syntax, so that generated input often gets past the YAML parser.
fn yamlish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "format: 1\n",
        "id: x\n",
        "nodes:\n",
        "  - id: a\n",
        "    partner: [\"hi\"]\n",
        "    choices:\n",
        "      - say: \"ok\"\n",
        "        next: end\n",
        "endings:\n",
        "  - id: e\n",
        "    outcome: stalled\n",
        "start: a\n",
        "meter: {start: 50}\n",
        "&a [*a]\n",
        "*b\n",
        "{",
        "[",
        "- ",
        ": ",
        "\t",
        "\u{feff}",
        "%YAML 1.2\n",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(str::to_owned), any::<String>()], 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = load("fuzz.yaml", &text, &ANALYZER);
    }

    #[test]
    fn scenario_like_text_never_panics_the_loader(text in yamlish()) {
        let _ = load("fuzz.yaml", &text, &ANALYZER);
    }
}
