//! Loader tests: one per diagnostic, each pinned to its exact location.

use std::sync::LazyLock;

use super::*;
use crate::analyze::Analyzer;
use crate::diagnostic::Severity;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::builtin);

/// A small scenario that loads cleanly; tests change one thing in it.
const BASE: &str = r#"format: 1
id: tiny
title: Tiny
summary: A two-step test conversation.
partner:
  name: Alex
  persona: Tired after work.
principles: [validation]
guide_steps: [4]
partner_plays: [withdrawal]
difficulty: gentle
meter:
  start: 50
variables:
  heard: false
  tries: 0
start: first
nodes:
  - id: first
    partner:
      - "Work was awful today."
      - text: "Honestly, today was the worst."
        when: {meter: {at_least: 60}}
    choices:
      - say: "That sounds exhausting."
        next: second
        expect: active_listening
        set: {heard: true}
      - say: "You should quit."
        next: end
        expect: fixing
        add: {tries: 1}
    typed:
      - when: {style: active_listening}
        next: second
      - next: end
  - id: second
    partner:
      - "Thanks for listening."
    choices:
      - say: "Of course you needed to vent."
        next: good
        expect: active_listening
endings:
  - id: good
    title: Good
    outcome: repaired
    when: {vars: {heard: true}}
    summary: Alex feels heard.
  - id: meh
    title: Meh
    outcome: stalled
    summary: Nothing changed.
playthroughs:
  - name: listens
    replies: ["That sounds exhausting, of course you're drained.", 1]
    ending: good
  - name: fixes
    replies: ["Just quit."]
    ending: meh
"#;

fn findings(yaml: &str) -> Vec<String> {
    match load("t.yaml", yaml, &ANALYZER) {
        Ok(loaded) => loaded.warnings.iter().map(ToString::to_string).collect(),
        Err(error) => error.diagnostics().iter().map(ToString::to_string).collect(),
    }
}

/// The 1-based line of the first line of `yaml` containing `needle`.
fn line_of(yaml: &str, needle: &str) -> usize {
    yaml.lines().position(|line| line.contains(needle)).expect("needle in yaml") + 1
}

#[track_caller]
fn assert_finding(yaml: &str, expected: &str) {
    let found = findings(yaml);
    assert!(found.iter().any(|f| f == expected), "expected {expected:?} in {found:#?}");
}

#[test]
fn the_base_scenario_loads_without_findings() {
    let loaded = load("t.yaml", BASE, &ANALYZER).expect("loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let scenario = loaded.scenario;
    assert_eq!(scenario.nodes.len(), 2);
    assert_eq!(scenario.nodes[0].choices[1].next, Target::FirstMatchingEnding);
    assert_eq!(scenario.nodes[1].choices[0].next, Target::Ending(0));
    assert_eq!(scenario.content_hash, content_hash(BASE));
    assert_eq!(scenario.content_hash.len(), 64);
}

#[test]
fn a_dangling_target_suggests_the_closest_name() {
    let yaml = BASE.replacen("next: second\n        expect", "next: secnd\n        expect", 1);
    let line = line_of(&yaml, "next: secnd");
    assert_finding(
        &yaml,
        &format!("t.yaml:{line}:15: error: `next: secnd` names no node or ending (help: did you mean `second`?)"),
    );
}

#[test]
fn an_unknown_start_is_an_error() {
    let yaml = BASE.replacen("start: first", "start: frist", 1);
    let line = line_of(&yaml, "start: frist");
    assert_finding(
        &yaml,
        &format!("t.yaml:{line}:8: error: start node `frist` does not exist (help: did you mean `first`?)"),
    );
}

#[test]
fn unreachable_nodes_are_warned_about() {
    let yaml = BASE.replacen(
        "endings:\n",
        "  - id: island\n    partner: [\"Hello?\"]\n    choices:\n      - say: \"Hi.\"\n        next: meh\nendings:\n",
        1,
    );
    let line = line_of(&yaml, "id: island");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:9: warning: node `island` is unreachable from the start (help: point a choice or a typed route at it, or remove it)"
        ),
    );
}

#[test]
fn a_node_without_replies_is_a_dead_end() {
    let yaml = BASE.replacen("    choices:\n      - say: \"Of course you needed to vent.\"\n        next: good\n        expect: active_listening\n", "", 1);
    let line = line_of(&yaml, "id: second");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:9: error: node `second` is a dead end: it has no choices and no typed routes (help: add `choices:` or `typed:`, or point the previous reply at an ending)"
        ),
    );
}

#[test]
fn a_cycle_with_no_way_out_is_named() {
    let yaml = BASE
        .replacen("        next: good\n", "        next: first\n", 1)
        .replacen("      - next: end\n", "      - next: second\n", 1)
        .replacen("        next: end\n        expect: fixing", "        next: second\n        expect: fixing", 1);
    let found = findings(&yaml);
    let line = line_of(&yaml, "id: first");
    assert!(
        found.iter().any(|f| f.starts_with(&format!(
            "t.yaml:{line}:9: error: node `first` is in a cycle with no way out: first -> second -> first"
        ))),
        "{found:#?}"
    );
}

/// `count` chained nodes, `n0` -> `n1` -> ..., each listed before the node it leads to; the last
/// one's reply goes to `last_next`.
fn chain(count: usize, last_next: &str) -> String {
    let mut yaml = BASE[..BASE.find("nodes:\n").expect("nodes")].replacen("start: first", "start: n0", 1);
    yaml.push_str("nodes:\n");
    for i in 0..count {
        let next = if i + 1 == count { last_next.to_owned() } else { format!("n{}", i + 1) };
        yaml.push_str(&format!("  - id: n{i}\n    partner: [\"Line {i}.\"]\n    choices:\n      - say: \"I hear you.\"\n        next: {next}\n"));
    }
    yaml.push_str(&BASE[BASE.find("endings:\n").expect("endings")..]);
    yaml
}

#[test]
fn a_long_chain_finishes_through_its_last_node_only() {
    let errors =
        |yaml: &str| -> Vec<String> { findings(yaml).into_iter().filter(|f| f.contains(": error: ")).collect() };
    assert_eq!(errors(&chain(300, "end")), Vec::<String>::new());
    // The last node loops back: no node can finish, however far it is from the loop.
    let found = errors(&chain(300, "n298"));
    assert_eq!(found.len(), 300, "{found:#?}");
    let first = line_of(&chain(300, "n298"), "id: n0");
    assert_eq!(
        found[0],
        format!(
            "t.yaml:{first}:9: error: node `n0` can never reach an ending (help: route at least one reply from here towards an ending)"
        )
    );
    assert!(
        found[299].contains("error: node `n299` is in a cycle with no way out: n299 -> n298 -> n299"),
        "{}",
        found[299]
    );
}

#[test]
fn duplicate_ids_point_at_the_first_definition() {
    let yaml = BASE.replacen("  - id: meh\n", "  - id: second\n", 1);
    let first = line_of(&yaml, "  - id: second");
    let line = line_of(&yaml, "title: Meh") - 1;
    let found = findings(&yaml);
    let expected =
        format!("t.yaml:{line}:9: error: duplicate id `second` (help: first defined at line {first}, column 9)");
    assert!(found.contains(&expected), "{expected:?} in {found:#?}");
}

#[test]
fn undefined_variables_are_errors_with_a_suggestion() {
    let yaml = BASE.replacen("set: {heard: true}", "set: {herd: true}", 1);
    let line = line_of(&yaml, "set: {herd");
    assert_finding(&yaml, &format!("t.yaml:{line}:14: error: undefined variable `herd` (help: did you mean `heard`?)"));
    let yaml = BASE.replacen("when: {vars: {heard: true}}", "when: {vars: {mood: 3}}", 1);
    let line = line_of(&yaml, "when: {vars: {mood");
    assert_finding(
        &yaml,
        &format!("t.yaml:{line}:11: error: undefined variable `mood` (help: declare it under `variables:`)"),
    );
}

#[test]
fn values_out_of_range_are_errors() {
    let yaml = BASE.replacen("start: 50", "start: 150", 1);
    let line = line_of(&yaml, "start: 150");
    assert_finding(
        &yaml,
        &format!("t.yaml:{line}:10: error: meter start 150 is out of range (help: the meter runs from 0 to 100)"),
    );
    let yaml = BASE.replacen("{meter: {at_least: 60}}", "{meter: {at_least: 160}}", 1);
    let line = line_of(&yaml, "at_least: 160");
    assert_finding(
        &yaml,
        &format!("t.yaml:{}:9: error: meter bound 160 is out of range (help: the meter runs from 0 to 100)", line - 1),
    );
}

#[test]
fn empty_nodes_and_lines_are_errors() {
    let yaml = BASE.replacen("      - \"Thanks for listening.\"\n", "      - \"  \"\n", 1);
    let line = line_of(&yaml, "- \"  \"");
    assert_finding(&yaml, &format!("t.yaml:{line}:9: error: empty partner line"));
    let yaml = BASE.replacen("    partner:\n      - \"Thanks for listening.\"\n", "    partner: []\n", 1);
    let line = line_of(&yaml, "partner: []");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:14: error: node `second` has no partner line (help: give the partner at least one line)"
        ),
    );
}

#[test]
fn typed_routes_need_a_default() {
    let yaml = BASE.replacen("      - next: end\n", "", 1);
    let line = line_of(&yaml, "- when: {style: active_listening}");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:9: error: the typed routes of node `first` have no default (help: end `typed:` with a route that has no `when`, for replies nothing else matches)"
        ),
    );
}

#[test]
fn an_expect_the_analyzer_contradicts_is_a_warning() {
    let yaml = BASE.replacen("        expect: active_listening\n", "        expect: defensive\n", 1);
    let line = line_of(&yaml, "That sounds exhausting");
    let loaded = load("t.yaml", &yaml, &ANALYZER).expect("a warning does not stop loading");
    assert!(loaded.warnings.iter().all(|w| w.severity == Severity::Warning));
    let expected = format!(
        "t.yaml:{line}:14: warning: `expect: defensive` but the analyzer reads this reply as active_listening (validation) (help: reword the reply, or change `expect:` to what the reply really does)"
    );
    assert!(loaded.warnings.iter().any(|w| w.to_string() == expected), "{expected} in {:#?}", loaded.warnings);
}

#[test]
fn unknown_keys_and_bad_yaml_are_located() {
    let yaml = BASE.replacen("difficulty: gentle", "difficulty: gentle\ncolour: blue", 1);
    let found = findings(&yaml);
    assert_eq!(found.len(), 1, "{found:#?}");
    let line = line_of(&yaml, "colour: blue");
    assert!(found[0].starts_with(&format!("t.yaml:{line}:1: error:")) && found[0].contains("colour"), "{found:#?}");
    let found = findings("format: 1\nid: [unclosed\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("t.yaml:"), "{found:#?}");
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let yaml = BASE.replacen("start: first", "start: frist", 1).replacen("next: good", "next: god", 1).replacen(
        "format: 1",
        "format: 2",
        1,
    );
    let found = findings(&yaml);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("t.yaml:1:9: error: scenario format 2"));
    assert!(found[1].contains("start node `frist`"));
    assert!(found[2].contains("`next: god`"));
}

#[test]
fn hostile_yaml_is_refused_quickly() {
    let huge = "#".repeat(MAX_SCENARIO_BYTES + 1);
    assert!(findings(&huge)[0].contains("the limit is"));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = if level == 1 { "a".to_owned() } else { format!("a{}", level - 1) };
        bomb.push_str(&format!("a{level}: &a{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"));
    }
    assert_eq!(findings(&bomb).len(), 1);
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(findings(&deep).len(), 1);
}

#[test]
fn pedagogy_is_checked() {
    // Listening must pay off: with a high bar, always listening no longer repairs.
    let yaml = BASE.replacen("when: {vars: {heard: true}}", "when: {meter: {at_least: 90}}", 1).replacen(
        "        next: good\n        expect: active_listening",
        "        next: end\n        expect: active_listening",
        1,
    );
    let found = findings(&yaml);
    assert!(
        found.iter().any(|f| f.contains("always picking the active-listening reply ends stalled, not repaired")),
        "{found:#?}"
    );
    // A declared pattern must show in the partner's lines.
    let yaml = BASE.replacen("partner_plays: [withdrawal]", "partner_plays: [contempt]", 1);
    let line = line_of(&yaml, "partner_plays");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:16: warning: the partner is said to play contempt but no partner line shows it (help: give the partner a line the analyzer reads as contempt)"
        ),
    );
    let yaml = BASE.replacen("partner_plays: [withdrawal]\n", "", 1).replacen("principles: [validation]\n", "", 1);
    let found = findings(&yaml);
    assert!(found.iter().any(|f| f.contains("declares no breakdown pattern")), "{found:#?}");
    assert!(found.iter().any(|f| f.contains("no constructive principle")), "{found:#?}");
    // Every ending needs a playthrough with a typed reply.
    let yaml = BASE.replacen("    replies: [\"Just quit.\"]\n", "    replies: [2]\n", 1);
    let line = line_of(&yaml, "id: meh");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:9: warning: no playthrough with a typed reply reaches ending `meh` (help: add one under `playthroughs:`; it is snapshot-tested and run by `rehearse test`)"
        ),
    );
}

#[test]
fn a_playthrough_names_an_existing_ending() {
    let yaml = BASE.replacen("    ending: meh\n", "    ending: mehh\n", 1);
    let line = line_of(&yaml, "ending: mehh");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:13: error: playthrough expects ending `mehh`, which does not exist (help: did you mean `meh`?)"
        ),
    );
}

#[test]
fn playthroughs_report_what_differed() {
    let yaml = BASE.replacen("    ending: meh\n", "    ending: good\n    meter: {at_least: 60}\n", 1);
    let scenario = std::sync::Arc::new(load("t.yaml", &yaml, &ANALYZER).unwrap().scenario);
    let passing = playthrough::run(&scenario, &ANALYZER, &scenario.playthroughs[0]);
    assert!(passing.passed(), "{:?}", passing.mismatches);
    let failing = playthrough::run(&scenario, &ANALYZER, &scenario.playthroughs[1]);
    let described: Vec<(String, String, String)> =
        failing.mismatches.iter().map(|m| (m.what.clone(), m.expected.clone(), m.actual.clone())).collect();
    assert_eq!(
        described,
        [
            ("ending".to_owned(), "good".to_owned(), "meh".to_owned()),
            ("meter".to_owned(), "at least 60".to_owned(), failing.session.meter().to_string()),
        ]
    );
    let refusing = Playthrough { replies: vec![crate::engine::Reply::Choice(7)], ..scenario.playthroughs[0].clone() };
    let verdict = playthrough::run(&scenario, &ANALYZER, &refusing);
    assert_eq!(verdict.mismatches[0].what, "reply 1");
    assert_eq!(verdict.mismatches[0].actual, "refused: there is no choice 7; pick 1 to 2");
}

#[test]
fn fixed_meter_changes_are_within_range() {
    let yaml = BASE.replacen("        add: {tries: 1}\n", "        add: {tries: 1}\n        meter: 2147483647\n", 1);
    let line = line_of(&yaml, "You should quit.");
    assert_finding(
        &yaml,
        &format!(
            "t.yaml:{line}:14: error: `meter: 2147483647` is out of range (help: a fixed meter change lies within -100..=100)"
        ),
    );
}
