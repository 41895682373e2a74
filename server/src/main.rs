//! The `firedrill` command: serve drills, validate scenarios, simulate one.
//!
//! A thin shell over the library: parse the command line, start tracing,
//! call into `firedrill`. The only place that uses `anyhow`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use firedrill::scenario::{self, LoadError, Scenario};
use firedrill::sim::{self, BotSkill};

/// Pending connections the kernel may queue (capped by `somaxconn`).
const LISTEN_BACKLOG: u32 = 4096;

/// Multiplayer incident-response drills for the whole company.
#[derive(Parser)]
#[command(name = "firedrill", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory for drills and results.
    #[arg(long, default_value = "firedrill-data")]
    data: PathBuf,
    /// Another origin allowed to open the WebSocket and send requests that
    /// change something (repeatable).
    #[arg(long = "allow-origin")]
    allow_origin: Vec<String>,
    /// A host name the server answers to, e.g. drills.example.com
    /// (repeatable). Loopback names and the address it listens on are
    /// always allowed; requests for any other Host are refused.
    #[arg(long = "host")]
    host: Vec<String>,
    /// The operator's credential: whoever sends it as a bearer token reads
    /// /metrics and every stored drill. At least 32 characters. Visible to
    /// other local users in the process list: prefer --admin-token-file.
    #[arg(long, conflicts_with = "admin_token_file")]
    admin_token: Option<String>,
    /// A file whose content (surrounding white space trimmed) is the admin
    /// token, e.g. a secret mounted by the hosting platform.
    #[arg(long)]
    admin_token_file: Option<PathBuf>,
    /// A file holding the creation token: when given, creating a drill (or
    /// a practice drill) needs it, or the admin token, as a bearer token.
    #[arg(long)]
    create_token_file: Option<PathBuf>,
    /// The server runs behind a reverse proxy on this machine: limits per
    /// client address use the last address of X-Forwarded-For on requests
    /// from loopback.
    #[arg(long)]
    trust_forwarded_for: bool,
}

/// The content of a token file, surrounding white space trimmed.
fn read_token(file: &std::path::Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read the token file {}: {e}", file.display()))?;
    Ok(text.trim().to_string())
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web client, the API and the WebSocket (the default).
    Serve(ServeArgs),
    /// Check scenario files; print `FILE: ok` for each valid one, else every
    /// problem as FILE:LINE:COL: message.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files (for editors).
    Schema,
    /// Re-run a stored drill from its log and print its summary.
    Replay {
        /// The drill's id.
        drill: String,
        /// Directory the server stored drills in.
        #[arg(long, default_value = "firedrill-data")]
        data: PathBuf,
        /// Print one JSON object instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Print the after-action review of a stored drill (replayed from its
    /// log; a running drill gets a provisional review).
    Review {
        /// The drill's id.
        drill: String,
        /// Directory the server stored drills in.
        #[arg(long, default_value = "firedrill-data")]
        data: PathBuf,
        /// Output format (`csv` is the timeline).
        #[arg(long, value_enum, default_value_t = ReviewFormat::Md)]
        format: ReviewFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a whole drill headless, with bots in every role (or a scripted
    /// team from a team file).
    Simulate {
        /// A scenario file, or the id of a built-in scenario.
        #[arg(required_unless_present = "table")]
        file: Option<String>,
        /// A team file: its commands are sent at their minutes by their
        /// roles; bots (of the file's `bots` skill) or nobody play the rest.
        #[arg(long, conflicts_with = "bots")]
        team: Option<PathBuf>,
        /// Print a Markdown table for every built-in scenario and several
        /// seeds: lost revenue and score with no response, good bots, and
        /// the shipped strong and weak teams.
        #[arg(long, conflicts_with_all = ["file", "team", "json", "seed"])]
        table: bool,
        /// Seeds per scenario in the table: the scenario's, and the next ones.
        #[arg(long, default_value_t = 3, requires = "table")]
        seeds: u64,
        /// World seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Print one JSON object (the summary, with the review's measures
        /// under `review`) instead of a summary.
        #[arg(long)]
        json: bool,
        /// How well the bots respond.
        #[arg(long, value_enum)]
        bots: Option<Skill>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReviewFormat {
    /// Markdown.
    Md,
    /// A self-contained HTML page.
    Html,
    /// JSON.
    Json,
    /// The timeline as CSV.
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Skill {
    /// Nobody responds (the worst case).
    None,
    /// A practised team.
    Good,
    /// Instant and always right (the best case).
    Perfect,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve),
        Some(Cmd::Serve(args)) => serve(args),
        Some(Cmd::Validate { files }) => validate(&files),
        Some(Cmd::Simulate { table: true, seeds, .. }) => table(seeds),
        Some(Cmd::Simulate { file, team: Some(team), seed, json, .. }) => {
            simulate_team(&file.unwrap_or_default(), &team, seed, json)
        }
        Some(Cmd::Simulate { file, seed, json, bots, .. }) => {
            simulate(&file.unwrap_or_default(), seed, json, bots.unwrap_or(Skill::Good))
        }
        Some(Cmd::Replay { drill, data, json }) => replay(&drill, &data, json),
        Some(Cmd::Review { drill, data, format, out }) => review(&drill, &data, format, out.as_deref()),
        Some(Cmd::Schema) => {
            let schema = serde_json::to_string_pretty(&scenario::json_schema()).unwrap_or_default();
            #[expect(clippy::print_stdout, reason = "the command's output")]
            {
                println!("{schema}");
            }
            ExitCode::SUCCESS
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match serve_inner(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("firedrill: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve_inner(args: ServeArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        // A long accept backlog: a whole company joining at once must not
        // see dropped connection attempts (and the client's 1 s / 3 s
        // retries); std's default is 128 and tokio's `bind` uses 1,024.
        let socket =
            if args.addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        socket.bind(args.addr)?;
        let listener = socket.listen(LISTEN_BACKLOG)?;
        let addr = listener.local_addr()?;
        eprintln!("firedrill: serving on http://{addr}");
        let admin_token = match (args.admin_token, &args.admin_token_file) {
            (Some(t), _) => Some(t),
            (None, Some(file)) => Some(read_token(file)?),
            (None, None) => None,
        };
        let config = firedrill::net::Config {
            data_dir: Some(args.data),
            allow_origins: args.allow_origin,
            admin_token,
            hosts: args.host,
            create_token: args.create_token_file.as_deref().map(read_token).transpose()?,
            trust_forwarded_for: args.trust_forwarded_for,
        };
        let shutdown = async {
            // If the signal handler cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        firedrill::net::run(listener, config, shutdown).await?;
        anyhow::Ok(())
    })
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for file in files {
        // A team file is checked against the scenario it names.
        if let Ok(text) = std::fs::read_to_string(file)
            && scenario::is_team_file(&text)
        {
            let id = scenario::team_scenario_id(&text).unwrap_or_default();
            let checked = match scenario::builtin(&id) {
                Some(s) => load_team(file, &s).map(|t| t.name),
                None => Err(format!("{}:1:1: team.scenario: no built-in scenario \"{id}\"", file.display())),
            };
            match checked {
                Ok(name) => {
                    #[expect(clippy::print_stdout, reason = "the command's output")]
                    {
                        println!("{}: ok ({name}, a team for {id})", file.display());
                    }
                }
                Err(e) => {
                    ok = false;
                    eprintln!("{e}");
                }
            }
            continue;
        }
        match scenario::load_file(file) {
            Ok(s) => {
                #[expect(clippy::print_stdout, reason = "the command's output")]
                {
                    println!("{}: ok ({})", file.display(), s.title);
                }
            }
            Err(LoadError::Invalid(problems)) => {
                ok = false;
                for p in problems {
                    eprintln!("{}:{p}", file.display());
                }
            }
            Err(e) => {
                ok = false;
                eprintln!("{}:1:1: {e}", file.display());
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn load(file: &str) -> Result<Scenario, String> {
    let path = PathBuf::from(file);
    if !path.exists()
        && let Some(s) = scenario::builtin(file)
    {
        return Ok(s);
    }
    match scenario::load_file(&path) {
        Ok(s) => Ok(s),
        Err(LoadError::Invalid(problems)) => {
            Err(problems.iter().map(|p| format!("{file}:{p}")).collect::<Vec<_>>().join("\n"))
        }
        Err(e) => Err(format!("{file}: {e}")),
    }
}

/// Reads and checks a team file against a scenario; every problem as
/// `FILE:LINE:COL: path: message`.
fn load_team(file: &std::path::Path, s: &Scenario) -> Result<scenario::Team, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}:1:1: cannot read: {e}", file.display()))?;
    scenario::parse_team(&text, s)
        .map_err(|problems| problems.iter().map(|p| format!("{}:{p}", file.display())).collect::<Vec<_>>().join("\n"))
}

fn simulate_team(file: &str, team_file: &std::path::Path, seed: Option<u64>, json: bool) -> ExitCode {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let team = match load_team(team_file, &scenario) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let seed = seed.unwrap_or(scenario.seed);
    let run = firedrill::drill::play_team(&scenario, seed, &team);
    // A refused command is the team's mistake, not the file's: the run goes
    // on, and each is named where it is written.
    for (i, message) in &run.refused {
        if let Some(c) = team.commands.get(*i) {
            let at = format!("T+{}:{:02}", c.tick / 60, c.tick % 60);
            eprintln!("{}:{}:{}: refused at {at}: {message}", team_file.display(), c.line, c.col);
        }
    }
    let page = run.status_page.clone();
    let out = if json {
        let review = firedrill::review::build(run.replayed);
        let mut v = serde_json::to_value(&review.summary).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.insert("team".into(), team.name.clone().into());
            map.insert("review".into(), serde_json::to_value(&review).unwrap_or_default());
            map.insert("status_page".into(), serde_json::to_value(&page).unwrap_or_default());
            let refused: Vec<_> = run
                .refused
                .iter()
                .filter_map(|(i, m)| {
                    team.commands.get(*i).map(|c| serde_json::json!({"line": c.line, "tick": c.tick, "message": m}))
                })
                .collect();
            map.insert("refused".into(), refused.into());
        }
        v.to_string()
    } else {
        let mut text = human_summary(&scenario, &run.replayed.summary);
        text += &format!("\n  team              {}", team.name);
        text += &format!(
            "\n  status page       {}{}",
            if page.resolved { "resolved" } else { "not resolved" },
            if page.reopened { ", reopened after an all-clear" } else { "" }
        );
        text
    };
    #[expect(clippy::print_stdout, reason = "the command's output")]
    {
        println!("{out}");
    }
    ExitCode::SUCCESS
}

/// The figures of `docs/scenarios.md`: for every built-in scenario and
/// `seeds` seeds, lost revenue and score with no response, good bots and
/// the shipped strong and weak teams.
fn table(seeds: u64) -> ExitCode {
    let mut out = String::new();
    out += "| scenario | seed | lost: no response | good bots | strong team | weak team | no response / good | score: no response | good | strong | weak |\n";
    out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    let yen = |v: u64| {
        let digits = v.to_string();
        let mut s = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                s.push(',');
            }
            s.push(c);
        }
        format!("¥{s}")
    };
    for b in scenario::builtins() {
        let s = &b.scenario;
        let (Some(strong), Some(weak)) = (scenario::builtin_team(s, "strong"), scenario::builtin_team(s, "weak"))
        else {
            eprintln!("firedrill: {} has no valid shipped strong and weak team files", s.id);
            return ExitCode::FAILURE;
        };
        for seed in s.seed..s.seed + seeds {
            let none = sim::simulate(s, seed, BotSkill::None);
            let good = sim::simulate(s, seed, BotSkill::Good);
            let st = firedrill::drill::play_team(s, seed, &strong).replayed.summary;
            let wk = firedrill::drill::play_team(s, seed, &weak).replayed.summary;
            let ratio = if good.lost_revenue == 0 {
                "∞".to_string()
            } else {
                format!("{:.1}x", none.lost_revenue as f64 / good.lost_revenue as f64)
            };
            out += &format!(
                "| {} | {seed} | {} | {} | {} | {} | {ratio} | {} | {} | {} | {} |\n",
                s.id,
                yen(none.lost_revenue),
                yen(good.lost_revenue),
                yen(st.lost_revenue),
                yen(wk.lost_revenue),
                none.score,
                good.score,
                st.score,
                wk.score
            );
        }
    }
    #[expect(clippy::print_stdout, reason = "the command's output")]
    {
        print!("{out}");
    }
    ExitCode::SUCCESS
}

fn simulate(file: &str, seed: Option<u64>, json: bool, bots: Skill) -> ExitCode {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let skill = match bots {
        Skill::None => BotSkill::None,
        Skill::Good => BotSkill::Good,
        Skill::Perfect => BotSkill::Perfect,
    };
    let seed = seed.unwrap_or(scenario.seed);
    let summary = sim::simulate(&scenario, seed, skill);
    let out = if json {
        // The summary's fields, plus the review's measures of the same run.
        let review = firedrill::review::simulate(&scenario, seed, skill);
        let mut v = serde_json::to_value(&summary).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.insert("review".into(), serde_json::to_value(&review).unwrap_or_default());
        }
        v.to_string()
    } else {
        human_summary(&scenario, &summary)
    };
    #[expect(clippy::print_stdout, reason = "the command's output")]
    {
        println!("{out}");
    }
    ExitCode::SUCCESS
}

fn review(drill: &str, data: &std::path::Path, format: ReviewFormat, out: Option<&std::path::Path>) -> ExitCode {
    use firedrill::review::export::{self, Format};
    let (stored, scenario) = match load_stored(drill, data) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("firedrill: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let format = match format {
        ReviewFormat::Md => Format::Markdown,
        ReviewFormat::Html => Format::Html,
        ReviewFormat::Json => Format::Json,
        ReviewFormat::Csv => Format::Csv,
    };
    let review = firedrill::review::build(firedrill::drill::replay_for_review(&stored, &scenario));
    let text = export::render(&review, format);
    let written = match out {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).map_err(|e| e.to_string())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("firedrill: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Loads a stored drill and its scenario.
fn load_stored(drill: &str, data: &std::path::Path) -> anyhow::Result<(firedrill::store::Unfinished, Scenario)> {
    if !data.join("firedrill.sqlite3").exists() {
        anyhow::bail!("no drills stored in {}", data.display());
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let store = firedrill::store::Store::open(data)?;
    let stored =
        rt.block_on(store.load(drill))?.ok_or_else(|| anyhow::anyhow!("no drill {drill} in {}", data.display()))?;
    let scenario = scenario::parse(&stored.drill.scenario_toml)
        .map_err(|p| anyhow::anyhow!("the stored scenario no longer validates ({} problems)", p.len()))?;
    Ok((stored, scenario))
}

fn replay(drill: &str, data: &std::path::Path, json: bool) -> ExitCode {
    let loaded = (|| -> anyhow::Result<_> {
        if !data.join("firedrill.sqlite3").exists() {
            anyhow::bail!("no drills stored in {}", data.display());
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let store = firedrill::store::Store::open(data)?;
        let stored =
            rt.block_on(store.load(drill))?.ok_or_else(|| anyhow::anyhow!("no drill {drill} in {}", data.display()))?;
        let scenario = scenario::parse(&stored.drill.scenario_toml)
            .map_err(|p| anyhow::anyhow!("the stored scenario no longer validates ({} problems)", p.len()))?;
        Ok((stored, scenario))
    })();
    let (stored, scenario) = match loaded {
        Ok(v) => v,
        Err(e) => {
            eprintln!("firedrill: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let summary = firedrill::drill::replay_summary(&stored, &scenario);
    let out =
        if json { serde_json::to_string(&summary).unwrap_or_default() } else { human_summary(&scenario, &summary) };
    #[expect(clippy::print_stdout, reason = "the command's output")]
    {
        println!("{out}");
    }
    ExitCode::SUCCESS
}

fn human_summary(s: &Scenario, r: &firedrill::protocol::Summary) -> String {
    let t = |v: Option<u64>| v.map_or_else(|| "never".to_string(), |s| format!("T+{}:{:02}", s / 60, s % 60));
    let mut out = format!("{} (seed {})\n", s.title, r.seed);
    out += &format!("  first signal      {}\n", t(r.first_signal_at_s));
    out += &format!("  declared          {}\n", t(r.declared_at_s));
    out += &format!("  first notice      {}\n", t(r.first_external_notice_at_s));
    out += &format!("  mitigated         {}\n", t(r.mitigated_at_s));
    out += &format!("  resolved          {}\n", t(r.resolved_at_s));
    out += &format!("  revenue           ¥{}\n", r.revenue_yen);
    out += &format!("  lost revenue      ¥{}\n", r.lost_revenue);
    let d = &r.desk;
    out += &format!(
        "  calls             {} placed, {} answered (mean wait {} s), {} abandoned, {} busy\n",
        d.calls, d.answered, d.wait_s_mean, d.abandoned, d.busy
    );
    out += &format!("  client chats      {} replies, {} escalations\n", d.chat_replies, d.escalations);
    out += &format!("  score             {}/100\n", r.score);
    out += &format!("  state hash        {} after {} ticks", r.state_hash, r.ticks);
    out
}
