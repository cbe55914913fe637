//! Scenario loading and the engine: the whole bundled library, a generated 5,000-node scenario,
//! and one engine step with the analysis taken out.
//!
//! Run with `cargo bench -p rehearse-core --bench scenarios`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rehearse_core::analyze::Analyzer;
use rehearse_core::engine::{Reply, Session};
use rehearse_core::scenario::load;

fn library() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut files: Vec<_> =
        std::fs::read_dir(dir).expect("the scenario library").filter_map(Result::ok).map(|e| e.path()).collect();
    files.retain(|path| path.extension().is_some_and(|ext| ext == "yaml"));
    files.sort();
    files.into_iter().map(|path| (path.display().to_string(), std::fs::read_to_string(&path).unwrap())).collect()
}

/// A long chain of nodes, each with two partner variants and an active-listening, a defensive and a
/// typed way on.
fn generated(nodes: usize) -> String {
    let mut yaml = String::from(
        "format: 1\nid: generated\ntitle: Generated\nsummary: A long chain for benchmarks.\n\
         partner: {name: Bench, persona: Patient.}\nprinciples: [validation]\nguide_steps: [4]\n\
         partner_plays: [withdrawal]\ndifficulty: gentle\nmeter: {start: 50}\nstart: n0\nnodes:\n",
    );
    for i in 0..nodes {
        let next = if i + 1 == nodes { "end".to_owned() } else { format!("n{}", i + 1) };
        // Flow style keeps 5,000 nodes under the 1 MiB file limit.
        let _ = writeln!(
            yaml,
            "  - {{id: n{i}, partner: [\"Line {i}.\", \"Again {i}.\"], \
             choices: [{{say: \"That makes sense.\", next: {next}}}, \
             {{say: \"Whatever.\", next: {next}}}], typed: [{{next: {next}}}]}}"
        );
    }
    yaml.push_str(
        "endings:\n  - id: good\n    title: Good\n    outcome: repaired\n    when: {meter: {at_least: 60}}\n    summary: Good.\n\
         \x20 - id: flat\n    title: Flat\n    outcome: stalled\n    when: {meter: {at_least: 30}}\n    summary: Flat.\n\
         \x20 - id: bad\n    title: Bad\n    outcome: escalated\n    summary: Bad.\n",
    );
    yaml
}

fn scenarios(c: &mut Criterion) {
    let analyzer = Analyzer::builtin();
    let files = library();
    c.bench_function("load_and_validate_library", |b| {
        b.iter(|| {
            for (origin, text) in &files {
                black_box(load(origin, text, &analyzer).expect("the library loads"));
            }
        })
    });

    let big = generated(5_000);
    let mut group = c.benchmark_group("generated");
    group.sample_size(10);
    group.bench_function("load_and_validate_5000_nodes", |b| {
        b.iter(|| black_box(load("generated.yaml", &big, &analyzer).unwrap()))
    });
    group.finish();

    let scenario = Arc::new(load("generated.yaml", &generated(50), &analyzer).unwrap().scenario);
    let session = Session::start(Arc::clone(&scenario), 1);
    let analysis = analyzer.analyze("That makes sense.", "");
    c.bench_function("engine_step_without_analysis", |b| {
        b.iter_batched(
            || (session.clone(), analysis.clone()),
            |(mut session, analysis)| black_box(session.reply_analyzed(Reply::Choice(1), analysis).unwrap()),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, scenarios);
criterion_main!(benches);
