//! End-to-end tests of the `rehearse` binary: what a person sees, pinned by insta snapshots.

mod common;

use std::process::Output;

use common::{rehearse, temp_dir};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

#[test]
fn analyze_explains_a_reply_quoting_its_words() {
    let output =
        rehearse(&["analyze", "I'm sorry, but you always twist my words.", "--context", "You forgot again."], "");
    assert!(output.status.success());
    insta::assert_snapshot!("analyze_breakdown", stdout(&output));
    let output = rehearse(&["analyze", "That sounds exhausting. What was the worst part?"], "");
    insta::assert_snapshot!("analyze_constructive", stdout(&output));
}

#[test]
fn analyze_jsonl_answers_every_line_in_order() {
    let input = "{\"text\": \"u never listen\", \"context\": \"\"}\n{oops\n{\"text\": \"Thank you for dinner.\"}\n";
    let output = rehearse(&["analyze", "--jsonl"], input);
    assert_eq!(output.status.code(), Some(1), "a malformed line makes the exit code 1");
    insta::assert_snapshot!("analyze_jsonl", stdout(&output));
}

#[test]
fn a_bad_rubric_file_is_refused_with_every_location() {
    let dir = temp_dir("cli-rubric");
    let path = dir.join("bad-rubric.yaml");
    let builtin = rehearse_core::analyze::BUILTIN_RUBRIC;
    let broken = builtin.replacen("  contempt:\n", "  contemptt:\n", 1).replacen("weight: -2", "weight: 2", 1);
    std::fs::write(&path, &broken).unwrap();
    let output = rehearse(&["analyze", "hello", "--rubric", path.to_str().unwrap()], "");
    assert!(!output.status.success());
    let message = stderr(&output).replace(path.to_str().unwrap(), "bad-rubric.yaml");
    let line_of = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(message.contains(&format!("--> bad-rubric.yaml:{}:3\n", line_of("contemptt:"))), "{message}");
    // Line numbers move whenever the built-in rubric is edited; the snapshot pins the rendering.
    let message = regex::Regex::new(r"\b\d{3,}\b").unwrap().replace_all(&message, "NNN");
    insta::assert_snapshot!("bad_rubric", message);
}

#[test]
fn eval_reports_metrics_for_a_labelled_file() {
    let dir = temp_dir("cli-eval");
    let path = dir.join("mini.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"id\": \"m1\", \"context\": \"I had a long day.\", \"text\": \"That makes sense. Tell me about it?\", \"tags\": [\"open_question\", \"validation\"], \"style\": \"active_listening\"}\n",
            "{\"id\": \"m2\", \"context\": \"You were late.\", \"text\": \"Whatever.\", \"tags\": [\"stonewalling\"], \"style\": \"defensive\"}\n",
            "{\"id\": \"m3\", \"context\": \"My boss yelled.\", \"text\": \"Okay.\", \"tags\": [\"validation\"], \"style\": \"active_listening\"}\n",
        ),
    )
    .unwrap();
    let output = rehearse(&["eval", path.to_str().unwrap()], "");
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("eval_table", stdout(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&rehearse(&["eval", "--json", path.to_str().unwrap()], "").stdout).unwrap();
    assert_eq!(json["examples"], 3);
    assert_eq!(json["worst_misses"][0]["id"], "m3");
    // The figures without the replies they were measured on.
    let blind = stdout(&rehearse(&["eval", "--no-misses", path.to_str().unwrap()], ""));
    assert!(blind.contains("style accuracy") && !blind.contains("worst misses") && !blind.contains("Okay."), "{blind}");
    let broken = dir.join("broken.jsonl");
    std::fs::write(&broken, "{\"text\": \"hi\", \"tags\": []}\nnot json\n").unwrap();
    let output = rehearse(&["eval", broken.to_str().unwrap()], "");
    assert!(!output.status.success());
    assert!(stderr(&output).contains("line 2:"), "{}", stderr(&output));
}

#[test]
fn lint_prints_located_diagnostics_and_fails_on_errors() {
    let dir = temp_dir("cli-lint");
    let path = dir.join("broken.yaml");
    let scenario = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/late-again.yaml")).unwrap();
    let broken = scenario.replacen("next: heard\n", "next: haerd\n", 1).replacen("start: door", "start: dor", 1);
    std::fs::write(&path, broken).unwrap();
    let output = rehearse(&["lint", path.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("lint_broken", stdout(&output).replace(path.to_str().unwrap(), "broken.yaml"));
    let output = rehearse(&["lint", "--json", path.to_str().unwrap()], "");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["severity"], "error");
    assert!(json[0]["line"].as_u64().unwrap() > 0);
}

#[test]
fn paths_lists_every_authored_playthrough_with_its_ending() {
    let output = rehearse(&["paths", "late-again", "--json"], "");
    assert!(output.status.success(), "{}", stderr(&output));
    let table: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths = table["paths"].as_array().unwrap();
    assert!(paths.len() > 10);
    assert_eq!(table["truncated"], false);
    assert!(paths.iter().all(|p| p["ending"].is_string()), "every playthrough ends");
    assert!(paths.iter().any(|p| p["outcome"] == "repaired"));
    assert!(paths.iter().any(|p| p["outcome"] == "escalated"));
}

#[test]
fn an_unknown_scenario_is_a_clear_error() {
    let output = rehearse(&["play", "no-such-scenario"], "");
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no scenario file or bundled scenario named `no-such-scenario`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_example_in_the_format_guide_is_a_valid_scenario() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-format.md")).unwrap();
    let start = guide.find("```yaml\n").expect("an example") + "```yaml\n".len();
    let end = start + guide[start..].find("```\n").expect("the example ends");
    let analyzer = rehearse_core::analyze::Analyzer::builtin();
    let loaded = rehearse_core::scenario::load("scenario-format.md", &guide[start..end], &analyzer).expect("loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn test_runs_playthroughs_and_shows_what_differed() {
    let dir = temp_dir("cli-test");
    let scenario = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/late-again.yaml")).unwrap();
    let path = dir.join("late-again.yaml");
    std::fs::write(&path, &scenario).unwrap();
    let output = rehearse(&["test", path.to_str().unwrap()], "");
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(stdout(&output).ends_with("3 passed, 0 failed\n"), "{}", stdout(&output));

    let wrong = scenario.replacen(
        "    ending: escalated\n    meter: {at_most: 20}",
        "    ending: repaired\n    meter: {at_least: 90}",
        1,
    );
    std::fs::write(&path, wrong).unwrap();
    let output = rehearse(&["test", path.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("test_failing", stdout(&output).replace(path.to_str().unwrap(), "late-again.yaml"));
}
