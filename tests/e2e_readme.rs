//! Every command in README.md, run exactly as written.
//!
//! The test reads the README's `sh` code blocks and runs each line from the
//! repository's root with `sh -c`, so a README change that breaks a command
//! fails here. Each command is matched to what the README says it does:
//! the run command must serve the page on its documented address and answer
//! `/healthz` (and a drill is created, played and ended on it, so that the
//! `review` and `replay` lines have a real drill to read, named by `$DRILL`
//! as the README says); `validate`, `simulate`, `schema`, `review` and
//! `replay` must exit 0 and print what the README promises. A command the
//! test does not know fails the test, so a new README line cannot go
//! unexercised. `./tests/run` is the command that runs this test; `.ci/run`
//! runs it exactly as written.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use firedrill_tests::{Client, create_drill, http};
use serde_json::{Value, json};

/// The address the README says the server serves on.
const DOCUMENTED_ADDR: &str = "127.0.0.1:8080";
/// How long the run command may take to build and start answering.
const START_TIMEOUT: Duration = Duration::from_secs(1200);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository root").to_path_buf()
}

/// The command lines of the README's `sh` blocks, in order.
fn readme_commands() -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(lang) = trimmed.strip_prefix("```") {
            in_sh = !in_sh && matches!(lang.trim(), "sh" | "bash" | "shell");
            continue;
        }
        if in_sh && !trimmed.is_empty() && !trimmed.starts_with('#') {
            out.push(trimmed.to_string());
        }
    }
    out
}

/// What a README command is, by its words (the trailing comment is ignored
/// for matching but kept when the command runs).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Serve,
    Validate,
    Simulate { json: bool },
    Schema,
    Review,
    Replay,
    TestSuite,
}

fn kind(command: &str) -> Option<Kind> {
    let words: Vec<&str> = command.split('#').next().unwrap_or_default().split_whitespace().collect();
    match words.as_slice() {
        ["./tests/run"] => Some(Kind::TestSuite),
        ["cargo", "run", "--release"] => Some(Kind::Serve),
        ["cargo", "run", "--release", "--", sub, rest @ ..] => match *sub {
            "validate" => Some(Kind::Validate),
            "simulate" => Some(Kind::Simulate { json: rest.contains(&"--json") }),
            "schema" => Some(Kind::Schema),
            "review" => Some(Kind::Review),
            "replay" => Some(Kind::Replay),
            _ => None,
        },
        _ => None,
    }
}

/// Runs one README line with `sh -c` from the repository root.
fn run(command: &str, drill: &str) -> (String, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(repo_root())
        .env("DRILL", drill)
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "README command failed ({}): {command}\n{stderr}", out.status);
    (stdout, stderr)
}

/// The run command as a process group, stopped with Ctrl-C (SIGINT to the
/// group, as a terminal would) when dropped.
struct Served {
    child: std::process::Child,
}

/// The run command's default data directory (`./firedrill-data`), removed
/// at the end if this test made it.
struct DataDir {
    made: bool,
}

impl Drop for DataDir {
    fn drop(&mut self) {
        if self.made {
            let _ = std::fs::remove_dir_all(repo_root().join("firedrill-data"));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let pgid = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-INT", "--", &pgid]).status();
        // Up to 20 s for a graceful stop.
        for _ in 0..200 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = Command::new("kill").args(["-KILL", "--", &pgid]).status();
            let _ = self.child.wait();
        }
    }
}

fn start_served(command: &str) -> Served {
    use std::os::unix::process::CommandExt;
    let child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(repo_root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("sh runs");
    Served { child }
}

/// Plays a short drill on the served instance and ends it; returns its id.
async fn play_a_drill(addr: std::net::SocketAddr) -> String {
    let (drill, _code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, first) = Client::connect(addr, &fac_token, None).await;
    assert_eq!(first["type"], "welcome", "{first}");
    fac.ok(json!({"type": "set_speed", "speed": 60})).await;
    fac.ok(json!({"type": "start"})).await;
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;
    drill
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_readme_command_runs_as_written() {
    let commands = readme_commands();
    let unknown: Vec<&String> = commands.iter().filter(|c| kind(c).is_none()).collect();
    assert!(unknown.is_empty(), "README commands this test does not know how to check: {unknown:?}");
    let serve = commands.iter().find(|c| kind(c) == Some(Kind::Serve)).expect("README has a run command");
    for expected in [Kind::Validate, Kind::Simulate { json: true }, Kind::Schema, Kind::Review, Kind::Replay] {
        assert!(commands.iter().any(|c| kind(c) == Some(expected)), "README shows no {expected:?} line");
    }

    let _data = DataDir { made: !repo_root().join("firedrill-data").exists() };
    // The run command: builds, serves the page on the documented address,
    // answers /healthz; a drill is played on it for `review` and `replay`.
    let drill = {
        let served = start_served(serve);
        let addr: std::net::SocketAddr = DOCUMENTED_ADDR.parse().expect("address");
        let healthy = async {
            loop {
                if tokio::net::TcpStream::connect(addr).await.is_ok() {
                    let (status, _) = http(addr, "GET", "/healthz", None).await;
                    if status == 200 {
                        break;
                    }
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        };
        tokio::time::timeout(START_TIMEOUT, healthy)
            .await
            .unwrap_or_else(|_| panic!("`{serve}` did not answer /healthz on {addr}"));
        let (status, page) = http(addr, "GET", "/", None).await;
        assert_eq!(status, 200);
        assert!(page.as_str().is_some_and(|p| p.contains("<title>")), "the page is served: {page}");
        let drill = play_a_drill(addr).await;
        drop(served);
        drill
    };

    for command in &commands {
        let Some(k) = kind(command) else { continue };
        match k {
            Kind::Serve | Kind::TestSuite => {}
            Kind::Validate => {
                let (stdout, _) = run(command, &drill);
                assert!(stdout.contains(".toml: ok"), "validate reports each file: {stdout}");
            }
            Kind::Simulate { json: true } => {
                let (stdout, _) = run(command, &drill);
                let v: Value = serde_json::from_str(&stdout).expect("simulate --json prints one JSON object");
                assert!(v["state_hash"].is_string() || v["state_hash"].is_u64(), "{stdout}");
                assert!(v["review"].is_object(), "the review's measures are under `review`: {stdout}");
            }
            Kind::Simulate { json: false } => {
                let (stdout, _) = run(command, &drill);
                assert!(stdout.contains("state hash"), "simulate prints the state hash: {stdout}");
                assert!(stdout.contains("lost revenue"), "simulate prints lost revenue: {stdout}");
            }
            Kind::Schema => {
                let (stdout, _) = run(command, &drill);
                let v: Value = serde_json::from_str(&stdout).expect("schema prints JSON");
                assert!(v["$schema"].is_string() && v["properties"].is_object(), "a JSON Schema: {stdout}");
            }
            Kind::Review => {
                let (stdout, _) = run(command, &drill);
                assert!(stdout.starts_with("# "), "the review in Markdown: {stdout}");
                assert!(stdout.contains(&drill), "the review names its drill: {stdout}");
            }
            Kind::Replay => {
                let (stdout, _) = run(command, &drill);
                assert!(stdout.contains("state hash"), "replay prints the replayed summary: {stdout}");
            }
        }
    }
}

#[test]
fn the_readme_parser_finds_commands_and_kinds() {
    assert_eq!(kind("cargo run --release"), Some(Kind::Serve));
    assert_eq!(kind("cargo run --release -- validate scenarios/*.toml   # every problem"), Some(Kind::Validate));
    assert_eq!(kind("cargo run --release -- simulate x --json"), Some(Kind::Simulate { json: true }));
    assert_eq!(kind("cargo run --release -- frobnicate"), None);
    assert_eq!(kind("cargo run"), None);
    assert!(readme_commands().iter().any(|c| c == "./tests/run"));
}
