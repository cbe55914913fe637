//! Analyzer throughput in MB/s of reply text, over a mixed corpus of replies written for the bench,
//! and over the same replies as a phone types them (curly apostrophes), which take the path for
//! text that is not plain ASCII. Both analyse the same replies again and again, so the lazy DFAs
//! have every state they need; `replies_seen_first` analyses them once each with an analyzer that
//! has never seen them, which is what a reply nobody has typed before costs.
//!
//! Run with `cargo bench -p rehearse-core --bench analyzer`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rehearse_core::analyze::Analyzer;
use std::hint::black_box;

/// (partner's line, reply): constructive, breakdown, texting, neutral and long replies.
const CORPUS: &[(&str, &str)] = &[
    (
        "You didn't call last night.",
        "I'm sorry. I said I'd call and I didn't. From now on I'll text you before I leave.",
    ),
    ("I'm exhausted from work.", "That sounds really draining. What was the worst part of today?"),
    ("You forgot again.", "Whatever. You always make a big deal out of nothing."),
    ("can u pick up milk", "ya np, anything else u need?"),
    (
        "I feel invisible when your family visits.",
        "So you feel left out when they're here. I hear that, and I want to change it.",
    ),
    ("My boss yelled at me.", "You should just quit. Life's too short."),
    ("Why are you so quiet?", "I'm getting overwhelmed. Can we take twenty minutes and then come back to this?"),
    ("Thanks for dinner.", "Oh great, thank you SO much for noticing for once 🙄"),
    (
        "We need to talk about money.",
        "We see money differently, and that's okay. Would you be open to seeing a counselor with me? I think it could help us both, and I'd rather work on this together than keep having the same fight every month.",
    ),
    ("The plumber comes Tuesday.", "Okay, I'll be home after ten."),
    ("I hate that you're always on your phone.", "It's not a big deal, it's just a phone. You're overreacting."),
    ("I miss us.", "I miss us too. Could we keep Friday nights just for the two of us, every week?"),
];

fn analyze_corpus(c: &mut Criterion) {
    let analyzer = Analyzer::builtin();
    let typed_on_phone: Vec<(String, String)> =
        CORPUS.iter().map(|(context, reply)| (curly(context), curly(reply))).collect();
    let mut group = c.benchmark_group("analyzer");
    for (name, corpus) in [
        ("mixed_replies", CORPUS.iter().map(|&(context, reply)| (context.to_owned(), reply.to_owned())).collect()),
        ("phone_typed_replies", typed_on_phone),
    ] {
        let bytes: usize = corpus.iter().map(|(_, reply)| reply.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for (context, reply) in &corpus {
                    black_box(analyzer.analyze(black_box(reply), black_box(context)));
                }
            })
        });
    }
    // A fresh analyzer per pass, its automata compiled on a reply outside the corpus: only the
    // states the corpus needs are new. Building the analyzer is not timed, nor is dropping it.
    let bytes: usize = CORPUS.iter().map(|(_, reply)| reply.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("replies_seen_first", |b| {
        b.iter_batched(
            || {
                let analyzer = Analyzer::builtin();
                analyzer.analyze("ok", "");
                analyzer
            },
            |analyzer| {
                for (context, reply) in CORPUS {
                    black_box(analyzer.analyze(black_box(reply), black_box(context)));
                }
                analyzer
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Text as phones type it: apostrophes curled.
fn curly(text: &str) -> String {
    text.replace('\'', "\u{2019}")
}

criterion_group!(benches, analyze_corpus);
criterion_main!(benches);
