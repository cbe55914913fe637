//! Every bundled scenario, found by glob so a new file is covered on its own: it lints clean, its
//! outcome table and its scripted playthroughs are pinned by snapshots, and its playthroughs pass.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use rehearse_core::analyze::Analyzer;
use rehearse_core::report::Report;
use rehearse_core::scenario::paths::{Limits, outcome_table};
use rehearse_core::scenario::{Outcome, PartnerPattern, Scenario, load, playthrough};
use rehearse_core::transcript;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::builtin);

fn load_clean(path: &std::path::Path) -> Arc<Scenario> {
    let text = std::fs::read_to_string(path).unwrap();
    let origin = format!("scenarios/{}", path.file_name().unwrap().to_string_lossy());
    match load(&origin, &text, &ANALYZER) {
        Ok(loaded) => {
            let findings: Vec<String> = loaded.warnings.iter().map(|d| d.render(Some(&text))).collect();
            assert!(findings.is_empty(), "{origin} must lint clean:\n{}", findings.concat());
            Arc::new(loaded.scenario)
        }
        Err(error) => panic!("{origin} does not load:\n{error}"),
    }
}

#[test]
fn every_scenario_lints_clean_and_its_outcomes_are_pinned() {
    insta::glob!("../scenarios", "*.yaml", |path| {
        let scenario = load_clean(path);
        let table = outcome_table(Arc::clone(&scenario), &ANALYZER, 0, Limits::default());
        assert!(!table.truncated, "{}: the outcome table is too large to review", scenario.id);
        insta::assert_snapshot!("outcomes", table.to_text());

        let mut transcripts = String::new();
        for script in &scenario.playthroughs {
            let verdict = playthrough::run(&scenario, &ANALYZER, script);
            assert!(
                verdict.passed(),
                "{}: playthrough `{}` failed: {:?}",
                scenario.id,
                verdict.name,
                verdict.mismatches
            );
            transcripts.push_str(&format!("##### {} (seed {})\n", verdict.name, script.seed));
            transcripts.push_str(&transcript::session(&verdict.session));
            transcripts.push_str(&Report::new(&verdict.session, &ANALYZER).to_text());
            transcripts.push('\n');
        }
        insta::assert_snapshot!("playthroughs", transcripts);
    });
}

#[test]
fn every_scenario_has_the_shape_of_a_real_practice() {
    insta::glob!("../scenarios", "*.yaml", |path| {
        let scenario = load_clean(path);
        let id = &scenario.id;
        assert_eq!(path.file_stem().unwrap().to_string_lossy(), *id, "file name and id agree");
        assert!(scenario.nodes.len() >= 8, "{id}: at least 8 nodes");
        let outcomes: BTreeSet<&str> = scenario.endings.iter().map(|e| e.outcome.name()).collect();
        assert_eq!(scenario.endings.len(), 3, "{id}: three endings");
        assert_eq!(outcomes.len(), 3, "{id}: repaired, stalled and escalated endings");
        for node in &scenario.nodes {
            assert!(!node.typed.is_empty(), "{id}: node `{}` accepts a typed reply", node.id);
        }
        assert!(scenario.nodes.iter().any(|n| n.partner.len() > 1), "{id}: partner lines have variants");
        let meter_dependent =
            scenario.nodes.iter().flat_map(|n| &n.partner).any(|v| v.when.as_ref().is_some_and(|w| w.meter.is_some()));
        assert!(meter_dependent, "{id}: the partner reacts to the safety meter");
        let styles: BTreeSet<_> = scenario.nodes.iter().flat_map(|n| &n.choices).filter_map(|c| c.expect).collect();
        assert!(styles.len() >= 3, "{id}: authored replies mix active listening, defensive and fixing: {styles:?}");
        assert!(!scenario.guide_steps.is_empty(), "{id}: names the guide steps it practises");
        assert!(scenario.endings.iter().any(|e| e.outcome == Outcome::Repaired));
    });
}

#[test]
fn the_library_covers_the_whole_guide() {
    let mut steps = BTreeSet::new();
    let mut patterns = BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let scenario = load_clean(&path);
            steps.extend(scenario.guide_steps.iter().copied());
            patterns.extend(scenario.partner_plays.iter().copied());
            count += 1;
        }
    }
    assert!(count >= 12, "at least 12 scenarios, found {count}");
    assert_eq!(steps, (1..=7).collect(), "every step of the guide is practised");
    for pattern in [PartnerPattern::Defensiveness, PartnerPattern::Stonewalling, PartnerPattern::Withdrawal] {
        assert!(patterns.contains(&pattern), "the partner plays {} somewhere", pattern.name());
    }
    assert!(patterns.contains(&PartnerPattern::Criticism) || patterns.contains(&PartnerPattern::Contempt));
}
