//! A real full file system under a running server.
//!
//! The data directory is a small tmpfs that the test mounts, and a filler
//! file takes every free byte of it in the middle of a drill, while chats
//! keep coming. Nothing may be acknowledged that is not stored: after a
//! SIGKILL and a restart, the chats in the channel are exactly the
//! acknowledged ones, whether space came back before the crash or only
//! after it. Mounting needs root (CI runs as root); elsewhere the test says
//! it did not run and passes, and the same rule is still proven through the
//! store seam (`drill::task::tests`) and a locked database
//! (`tests/e2e_restart.rs`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use firedrill_tests::{Client, ServerProcess, create_drill, free_port, post_texts, temp_dir};
use serde_json::{Value, json};

/// The tmpfs: big enough for a drill's database, small enough to fill fast.
const TMPFS_KIB: u64 = 16 * 1024;
/// Chats sent while the disk is full; with the two before and the one after
/// they stay under the 100 posts a welcome carries.
const CHATS_WHILE_FULL: usize = 30;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(name: &str) -> Option<Tmpfs> {
        let dir = temp_dir(name);
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={TMPFS_KIB}k"), "tmpfs"])
            .arg(&dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Tmpfs { dir })
        } else {
            let _ = std::fs::remove_dir_all(&dir);
            None
        }
    }

    /// Takes every free byte with a filler file; returns its path.
    fn fill(&self) -> PathBuf {
        let path = self.dir.join("filler");
        let mut f = std::fs::File::create(&path).expect("filler file");
        let chunk = vec![0u8; 64 * 1024];
        // Bounded: the tmpfs holds TMPFS_KIB.
        for _ in 0..=(TMPFS_KIB / 64) {
            if f.write_all(&chunk).is_err() {
                break;
            }
        }
        // Byte by byte for the last partial chunk.
        for _ in 0..64 * 1024 {
            if f.write_all(&[0]).is_err() {
                break;
            }
        }
        let _ = f.sync_all();
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn chat(text: &str) -> Value {
    json!({"type": "chat", "channel": "ops", "text": text})
}

/// Records a command's reply (ack or error), ignoring events and pulses.
fn note_reply(replies: &mut BTreeMap<u64, Value>, m: &Value) {
    if (m["type"] == "ack" || m["type"] == "error")
        && let Some(cid) = m["cid"].as_u64()
    {
        replies.insert(cid, m.clone());
    }
}

/// What one trial counted.
struct Counted {
    sent: usize,
    refused: usize,
    acked: Vec<String>,
    present: Vec<String>,
}

/// Fills the disk mid-drill, sends chats, then frees the space before
/// (`space_back_before_crash`) or after a SIGKILL, restarts and counts.
async fn trial(fs: &Tmpfs, space_back_before_crash: bool) -> Counted {
    let data = fs.dir.join("data");
    let port = free_port();
    let server = ServerProcess::start(&data, port).await;
    let (_, _, fac_token) = create_drill(server.addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(server.addr, &fac_token, None).await;
    let mut acked = Vec::new();
    for text in ["before 1", "before 2"] {
        fac.ok(chat(text)).await;
        acked.push(text.to_string());
    }

    let filler = fs.fill();
    // Long chats, so that the database must grow to take them; at 10 a
    // second, under the per-connection rate limit.
    let padding = "x".repeat(1_000);
    let mut sent = BTreeMap::new();
    let mut replies = BTreeMap::new();
    let mut refusal_seen = false;
    for i in 1..=CHATS_WHILE_FULL {
        let text = format!("while full {i} {padding}");
        sent.insert(fac.cmd(chat(&text)).await, text);
        let until = tokio::time::sleep(Duration::from_millis(100));
        tokio::pin!(until);
        loop {
            tokio::select! {
                _ = &mut until => break,
                m = fac.next() => {
                    if m["type"] == "store_status" && m["writable"] == false {
                        refusal_seen = true;
                    }
                    note_reply(&mut replies, &m);
                }
            }
        }
    }
    assert!(refusal_seen, "the full disk was noticed: the server said it could not store");

    if space_back_before_crash {
        std::fs::remove_file(&filler).expect("the filler goes");
        // Every chat gets its answer once the store writes again.
        while !sent.keys().all(|c| replies.contains_key(c)) {
            let m = fac.next().await;
            note_reply(&mut replies, &m);
        }
        fac.ok(chat("after")).await;
        acked.push("after".into());
    }
    for (cid, text) in &sent {
        if replies.get(cid).is_some_and(|m| m["type"] == "ack") {
            acked.push(text.clone());
        }
    }
    let refused = replies.values().filter(|m| m["type"] == "error").count();
    for m in replies.values().filter(|m| m["type"] == "error") {
        assert_eq!(m["code"], "store_unavailable", "refused as retryable: {m}");
    }

    server.kill();
    let _ = std::fs::remove_file(&filler);
    let server = ServerProcess::start(&data, port).await;
    let (_, welcome) = Client::connect(server.addr, &fac_token, None).await;
    let mut present = post_texts(&welcome["snapshot"], "ops");
    drop(server);
    present.sort();
    acked.sort();
    Counted { sent: sent.len() + 2 + usize::from(space_back_before_crash), refused, acked, present }
}

fn report(what: &str, c: &Counted) {
    #[expect(clippy::print_stdout, reason = "prints the figure docs/reliability.md quotes")]
    {
        println!(
            "{what}: sent {}, refused {}, acknowledged {}, present after restart {}",
            c.sent,
            c.refused,
            c.acked.len(),
            c.present.len()
        );
    }
}

fn skip(why: &Path) {
    #[expect(clippy::print_stdout, reason = "says why the test did not run")]
    {
        println!("not run: could not mount a tmpfs at {} (needs root)", why.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_nothing_acknowledged_when_space_comes_back() {
    let Some(fs) = Tmpfs::mount("disk-full-back") else {
        return skip(&std::env::temp_dir());
    };
    let c = trial(&fs, true).await;
    report("space back before the crash", &c);
    assert_eq!(c.present, c.acked, "after a restart: exactly the acknowledged chats");
    assert!(c.acked.len() > 3, "the chats held while the disk was full are acknowledged once stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_at_a_crash_loses_nothing_acknowledged() {
    let Some(fs) = Tmpfs::mount("disk-full-crash") else {
        return skip(&std::env::temp_dir());
    };
    let c = trial(&fs, false).await;
    report("still full at the crash", &c);
    assert_eq!(c.present, c.acked, "after a restart: exactly the acknowledged chats");
}
