//! `bascule bench-api`: the services' load benchmark. It starts `bascule serve` in a
//! process of its own on a scratch database, seeds it through the API, then sends
//! requests open-loop at a fixed rate (each on its schedule, whether or not earlier ones
//! have answered, so a slow server cannot slow the load down) and prints per-method
//! latency percentiles, throughput and success ratio; then it searches the highest rate
//! GetArticle and CreateMovement sustain.

mod mix;
mod stats;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Duration;

use bascule_platform::db::{Db, Target};
use bascule_platform::domain_state::{self, DomainState};
use bascule_platform::testing::Scratch;
use bascule_proto::fournisseurs::v1::fournisseurs_service_client::FournisseursServiceClient;
use bascule_proto::stock::v1::stock_service_client::StockServiceClient;
use tokio::sync::mpsc;
use tonic::transport::{Channel, Endpoint};

use self::mix::{Clients, Op, Rng};
use self::stats::Stats;

#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// postgres or sqlite: the scratch database the server uses.
    pub backend: String,
    pub rate: u32,
    pub seconds: u64,
    /// Seconds per step of the maximum-rate search; 0 skips the search.
    pub search_seconds: u64,
    /// Latency under which 99 % of the requests must complete for a rate to count as sustained.
    pub p99_target_ms: f64,
}

/// The server under test, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(target: &str) -> anyhow::Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "serve",
                "--domain",
                "all",
                "--listen",
                "127.0.0.1:0",
                "--target",
                target,
                "--log-format",
                "json",
            ])
            .stdout(Stdio::piped())
            // The access log is written as in production, and thrown away here.
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no output from bascule serve"))?;
        let mut banner = String::new();
        BufReader::new(stdout).read_line(&mut banner)?;
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .ok_or_else(|| anyhow::anyhow!("bascule serve did not start: {banner:?}"))?
            .to_owned();
        Ok(Server { child, url })
    }

    /// Peak resident memory of the server process, in MB.
    fn peak_mb(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

async fn channels(url: &str, n: usize) -> anyhow::Result<Vec<Channel>> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(
            Endpoint::from_shared(url.to_owned())?
                .timeout(Duration::from_secs(5))
                .tcp_nodelay(true)
                .connect()
                .await?,
        );
    }
    Ok(out)
}

/// Sends `rate` requests per second for `seconds`, open-loop; `only` restricts to one
/// operation instead of the mix. Latency counts from each request's scheduled time.
async fn run_phase(
    clients: &[Clients],
    rate: u32,
    seconds: u64,
    only: Option<&[Op]>,
    seed: u64,
) -> (Stats, f64) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(&'static str, Duration, Option<String>)>();
    let total = u64::from(rate) * seconds;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let started = tokio::time::Instant::now();
    let mut rng = Rng::new(seed);
    for i in 0..total {
        let due = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let op = match only {
            Some(ops) => ops[rng.below(ops.len())],
            None => mix::draw(&mut rng),
        };
        let mut c = clients[(i as usize) % clients.len()].clone();
        let mut task_rng = Rng::new(rng.next());
        let tx = tx.clone();
        tokio::spawn(async move {
            let error = mix::send(op, &mut c, &mut task_rng).await;
            let _ = tx.send((op.name(), due.elapsed(), error));
        });
    }
    drop(tx);
    let mut stats = Stats::default();
    while let Some((name, latency, error)) = rx.recv().await {
        stats.record(name, latency, error);
    }
    let elapsed = started.elapsed().as_secs_f64();
    (stats, elapsed)
}

fn print_stats(stats: &Stats, elapsed: f64) {
    println!(
        "{:<26} {:>8} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "method", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
    );
    let row = |name: &str, m: &stats::MethodStats| {
        println!(
            "{name:<26} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8}",
            m.count(),
            m.percentile_ms(50.0),
            m.percentile_ms(95.0),
            m.percentile_ms(99.0),
            m.percentile_ms(100.0),
            m.errors
        );
    };
    for (name, m) in &stats.methods {
        row(name, m);
    }
    let total = stats.total();
    row("all", &total);
    let ok = total.count() - total.errors;
    println!(
        "throughput {:.0} requests/s over {elapsed:.1} s; success ratio {:.4} ({ok} of {})",
        total.count() as f64 / elapsed,
        ok as f64 / total.count().max(1) as f64,
        total.count()
    );
    for e in &total.error_samples {
        println!("  error: {e}");
    }
}

/// Whether a phase kept up: every request answered without error, the schedule held
/// (the last answer within a second of the last send) and p99 under the target.
fn sustained(stats: &Stats, elapsed: f64, seconds: u64, p99_target_ms: f64) -> bool {
    let total = stats.total();
    total.errors == 0
        && elapsed <= seconds as f64 + 1.0
        && total.percentile_ms(99.0) <= p99_target_ms
}

pub async fn run(options: &LoadOptions) -> anyhow::Result<ExitCode> {
    let scratch = match options.backend.as_str() {
        "postgres" => Scratch::postgres().await?,
        "sqlite" => Scratch::sqlite(),
        other => anyhow::bail!("--backend {other:?}: postgres or sqlite"),
    };
    let target = scratch.target.clone();
    let url = target_url(&target);
    let db = Db::connect(&target).await?;
    bascule_platform::db::upgrade::upgrade(&db, &crate::schemas::all()).await?;
    for domain in ["fournisseurs", "stock", "production", "clients"] {
        for step in [
            DomainState::Migrating,
            DomainState::Verified,
            DomainState::Live,
        ] {
            domain_state::transition(&db, domain, step, "bench", Some("load benchmark"), None)
                .await?;
        }
    }
    db.close().await;

    let server = Server::start(&url)?;
    println!(
        "bascule bench-api: server {} on a scratch {} database; {} rps for {} s (80 % reads)",
        server.url, options.backend, options.rate, options.seconds
    );
    let clients: Vec<Clients> = channels(&server.url, 4)
        .await?
        .into_iter()
        .map(|ch| Clients {
            stock: StockServiceClient::new(ch.clone()),
            fournisseurs: FournisseursServiceClient::new(ch),
        })
        .collect();
    mix::seed(&clients[0]).await?;

    // A short warm-up fills caches and connection pools before the measured phase.
    run_phase(&clients, options.rate.min(500), 3, None, 1).await;
    let (stats, elapsed) = run_phase(&clients, options.rate, options.seconds, None, 7).await;
    println!();
    print_stats(&stats, elapsed);
    let mix_ok = sustained(&stats, elapsed, options.seconds, options.p99_target_ms);
    println!(
        "target {} rps, p99 under {} ms, no failure: {}",
        options.rate,
        options.p99_target_ms,
        if mix_ok { "met" } else { "NOT met" }
    );

    if options.search_seconds > 0 {
        println!();
        println!(
            "maximum sustained rate ({} s per step, no error, p99 under {} ms):",
            options.search_seconds, options.p99_target_ms
        );
        for (name, ops) in [
            ("GetArticle", &[Op::GetArticle][..]),
            ("CreateMovement", &[Op::CreateReceipt, Op::CreateIssue][..]),
        ] {
            let mut best = None;
            for rate in [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000] {
                let (stats, elapsed) =
                    run_phase(&clients, rate, options.search_seconds, Some(ops), 11).await;
                let total = stats.total();
                let ok = sustained(
                    &stats,
                    elapsed,
                    options.search_seconds,
                    options.p99_target_ms,
                );
                println!(
                    "  {name:<15} {rate:>6} rps: p50 {:.2} ms, p99 {:.2} ms, errors {} -> {}",
                    total.percentile_ms(50.0),
                    total.percentile_ms(99.0),
                    total.errors,
                    if ok { "sustained" } else { "not sustained" }
                );
                if !ok {
                    break;
                }
                best = Some(rate);
            }
            match best {
                Some(rate) => println!("  {name}: {rate} requests/s sustained"),
                None => println!("  {name}: not even 250 requests/s"),
            }
        }
    }
    println!();
    println!("server peak memory {:.1} MB", server.peak_mb());
    drop(server);
    scratch.remove().await?;
    Ok(if mix_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// The URL `bascule serve --target` takes for a scratch database.
fn target_url(target: &Target) -> String {
    match target {
        Target::Postgres { url } => url.clone(),
        other => other.redacted(),
    }
}
