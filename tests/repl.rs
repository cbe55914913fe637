//! The REPL driven through a pipe (every command, pinned by snapshots) and through a real terminal.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::{rehearse, temp_dir};

fn rehearse_piped(args: &[&str], stdin: &str) -> String {
    let output = rehearse(args, stdin);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn the_issue_example_is_byte_identical_on_every_run() {
    let input = "2\nThat sounds exhausting\n";
    let first = rehearse_piped(&["play", "late-again", "--seed", "7"], input);
    assert_eq!(first, rehearse_piped(&["play", "late-again", "--seed", "7"], input));
    insta::assert_snapshot!("piped_issue_example", first);
}

#[test]
fn every_command_works_from_a_pipe() {
    let dir = temp_dir("repl-commands");
    let saved = dir.join("session.md");
    let input = format!(
        "/help\n/why\n/hint\n3\n/why\n/undo\n/undo\n9\n\n/nonsense\n1\nYou were checking your phone all night. I'm so sorry.\n/transcript\n/report\n/save\n/save {}\n1\n1\n1\n2\n/hint\n/quit\n",
        saved.display()
    );
    let output = rehearse_piped(&["play", "late-again", "--seed", "7"], &input);
    let output = output.replace(&saved.display().to_string(), "SESSION.md");
    insta::assert_snapshot!("piped_every_command", output);
    let markdown = std::fs::read_to_string(&saved).expect("/save wrote the file");
    insta::assert_snapshot!("saved_markdown", markdown);
}

/// Plays `path` in a child process, sends `first` once it has started, then edits the file with
/// `edit` and sends `then`; returns everything the child printed.
fn play_while_editing(path: &std::path::Path, first: &str, edit: &str, then: &str) -> String {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(["play", path.to_str().unwrap(), "--seed", "7"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin.write_all(first.as_bytes()).unwrap();
    // Wait until the first reply has been answered, so the file was read before the edit.
    let mut printed = String::new();
    while !printed.contains("Turn 2") {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the session ended early: {printed}");
        printed.push_str(&line);
    }
    std::fs::write(path, edit).unwrap();
    stdin.write_all(then.as_bytes()).unwrap();
    drop(stdin);
    stdout.read_to_string(&mut printed).unwrap();
    assert!(child.wait().unwrap().success());
    printed
}

#[test]
fn restart_rereads_the_scenario_file() {
    let dir = temp_dir("repl-restart");
    let path = dir.join("late-again.yaml");
    let original = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/late-again.yaml")).unwrap();

    std::fs::write(&path, &original).unwrap();
    let edited = original.replace("It's almost eleven. You said seven.", "It's nearly midnight. You said seven.");
    let output = play_while_editing(&path, "1\n", &edited, "/restart\n/quit\n");
    let restarted = output.split("(starting again)").nth(1).expect("restarted");
    assert!(restarted.contains("It's nearly midnight. You said seven."), "{restarted}");

    // A broken edit is reported, and the session goes on with the version it had.
    std::fs::write(&path, &original).unwrap();
    let broken = original.replacen("start: door", "start: nowhere", 1);
    let output = play_while_editing(&path, "1\n", &broken, "/restart\n2\n/quit\n");
    assert!(output.contains("has problems; carrying on with the version loaded before."), "{output}");
    assert!(output.contains("start node `nowhere` does not exist"), "{output}");
    assert!(
        output.contains("You: \"From now on, if I'm going to be even ten minutes late"),
        "the old session went on: {output}"
    );
}

#[test]
fn without_a_scenario_the_learner_picks_one_and_no_coach_is_quieter() {
    let output = rehearse_piped(&["play", "--seed", "7", "--no-coach"], "nope\nlate-again\n1\n");
    insta::assert_snapshot!("piped_pick_no_coach", output);
}

#[test]
fn a_real_terminal_plays_to_the_end_with_a_typed_reply_and_undo() {
    let data = temp_dir("repl-pty-data");
    let command = format!(
        "env NO_COLOR=1 XDG_DATA_HOME={} HOME={} {} play late-again --seed 7",
        data.display(),
        data.display(),
        env!("CARGO_BIN_EXE_rehearse")
    );
    let mut terminal = rexpect::spawn(&command, Some(Duration::from_secs(30).as_millis() as u64)).expect("a pty");
    terminal.exp_string("(or type your own reply)").unwrap();
    terminal.send_line("4").unwrap();
    terminal.exp_string("Hurt: Minimizing").unwrap();
    terminal.send_line("/undo").unwrap();
    terminal.exp_string("(took back your last reply)").unwrap();
    terminal.exp_string("(or type your own reply)").unwrap();
    terminal.send_line("It sounds like you were scared and alone all night. I'm so sorry.").unwrap();
    terminal.exp_string("Landed well").unwrap();
    for (turn, choice) in [(2, "1"), (3, "1"), (4, "1"), (5, "1"), (6, "2")] {
        terminal.exp_string(&format!("Turn {turn} ")).unwrap();
        terminal.exp_string("(or type your own reply)").unwrap();
        terminal.send_line(choice).unwrap();
    }
    terminal.exp_string("*** Repaired ***").unwrap();
    terminal.exp_string("Safety meter:").unwrap();
    terminal.send_control('d').unwrap();
    terminal.exp_eof().unwrap();
    let history =
        std::fs::read_to_string(data.join("rehearse").join("history")).expect("history kept in the data directory");
    assert!(history.contains("/undo"), "{history}");
}
