//! `rehearse serve` and `rehearse token`: run the counselor service, and manage who may use it.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::Scenario;
use rehearse_http::store::SessionStore;
use rehearse_http::{App, sql::SqlStore, tokens};

use crate::scenarios::{Source, bundled_sources, expand_paths};

/// The database used when `--db` is not given: a file beside where the service is started.
const DEFAULT_DB: &str = "sqlite://rehearse.db";

/// Arguments of `rehearse serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// The database: `sqlite://FILE` (created on first start) or `postgres://USER@HOST/DB`.
    #[arg(long, default_value = DEFAULT_DB)]
    db: String,
    /// Offer the scenarios in this directory instead of the bundled ones.
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
}

/// Arguments of `rehearse token`.
#[derive(clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    action: TokenAction,
    /// The database: `sqlite://FILE` or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, default_value = DEFAULT_DB)]
    db: String,
}

#[derive(clap::Subcommand)]
enum TokenAction {
    /// Create a counselor and print their token (shown once; only its hash is stored).
    Create {
        /// The counselor's name.
        name: String,
    },
    /// List counselors and whether their token is active.
    List,
    /// Revoke a counselor's token.
    Revoke {
        /// The counselor's name.
        name: String,
    },
}

/// Opens the store named by a `--db` URL.
async fn open_store(url: &str) -> Result<Arc<dyn SessionStore>> {
    let store = SqlStore::open(url).await.with_context(|| format!("cannot open the database {url}"))?;
    Ok(Arc::new(store))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

/// Runs `rehearse serve` until SIGINT or SIGTERM, with analyzers made by `analyzer`.
pub fn serve(analyzer: impl Fn() -> Result<Analyzer>, args: ServeArgs) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // Checking the library plays every scenario's paths through the analyzer, which fills its
    // automata's caches with what only that check needs (13 to 14 MB of the server's memory with
    // the bundled library). An analyzer of its own, dropped after the check, lets them go.
    let catalogue = catalogue(&analyzer()?, args.scenarios.as_deref())?;
    let analyzer = analyzer()?;
    runtime()?.block_on(async {
        let store = open_store(&args.db).await?;
        let app = Arc::new(App::new(store, Arc::new(analyzer), catalogue));
        rehearse_http::serve(app, args.addr).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The scenarios to offer: every file in `dir`, or the bundled ones. A scenario with errors stops
/// the start, with its diagnostics, rather than silently missing from the list.
fn catalogue(analyzer: &Analyzer, dir: Option<&std::path::Path>) -> Result<Vec<Arc<Scenario>>> {
    let sources: Vec<Source> = match dir {
        None => bundled_sources(),
        Some(dir) => {
            expand_paths(&[dir.to_path_buf()])?.into_iter().map(|path| Source::read(&path)).collect::<Result<_>>()?
        }
    };
    let catalogue: Vec<Arc<Scenario>> = sources.iter().map(|source| source.checked(analyzer)).collect::<Result<_>>()?;
    for (index, scenario) in catalogue.iter().enumerate() {
        if let Some(twin) = catalogue[..index].iter().position(|other| other.id == scenario.id) {
            bail!(
                "{} and {} both have the id `{}`; ids must be unique",
                sources[twin].origin,
                sources[index].origin,
                scenario.id
            );
        }
    }
    Ok(catalogue)
}

/// Runs `rehearse token ...`.
pub fn token(args: TokenArgs) -> Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open_store(&args.db).await?;
        match args.action {
            TokenAction::Create { name } => {
                let token = tokens::new_token();
                if !store.add_counselor(&name, &tokens::hash(&token), rehearse_http::now()).await? {
                    bail!("a counselor named `{name}` already exists");
                }
                println!("{token}");
                eprintln!("Token for {name} created. It is shown only this once: keep it somewhere safe.");
            }
            TokenAction::List => {
                for counselor in store.counselors().await? {
                    let state = if counselor.revoked { "revoked" } else { "active" };
                    println!("{}\t{state}\tcreated {}", counselor.name, counselor.created_at);
                }
            }
            TokenAction::Revoke { name } => {
                if !store.revoke_counselor(&name, rehearse_http::now()).await? {
                    bail!("no active counselor named `{name}`");
                }
                println!(
                    "Revoked the token of {name}; running servers refuse it within {} seconds.",
                    rehearse_http::tokens::TOKEN_RECHECK.as_secs()
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
