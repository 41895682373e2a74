//! Starting a server process on loopback and watching its CPU time and
//! memory through `/proc`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Clock ticks per second in `/proc/PID/stat` (`USER_HZ`, 100 on Linux).
const PROC_TICKS_PER_S: u64 = 100;

/// Longest a server may take to answer after it was started.
const STARTUP_TIMEOUT_MS: u64 = 60_000;

/// What to start.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `firedrill serve --data DIR`.
    Firedrill {
        /// The `firedrill` binary.
        bin: PathBuf,
        /// Its data directory.
        data: PathBuf,
    },
    /// `firedrill-load baseline-server` with these extra arguments.
    Baseline {
        /// Extra arguments (sample frames, rates).
        args: Vec<String>,
    },
}

/// A server process, killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its process id, for `/proc`.
    pub pid: u32,
}

impl Server {
    /// Starts the server on a free port and waits until it answers.
    pub async fn start(kind: &Kind) -> Result<Server, String> {
        let port = free_port()?;
        Self::start_on(kind, port).await
    }

    /// Starts the server on this port and waits until it answers.
    pub async fn start_on(kind: &Kind, port: u16) -> Result<Server, String> {
        let addr: SocketAddr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut cmd = match kind {
            Kind::Firedrill { bin, data } => {
                let mut c = Command::new(bin);
                c.args(["serve", "--addr", &addr.to_string(), "--data"]).arg(data);
                c
            }
            Kind::Baseline { args } => {
                let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
                let mut c = Command::new(exe);
                c.args(["baseline-server", "--addr", &addr.to_string()]).args(args);
                c
            }
        };
        // Info logs would cost the server CPU on every connection; keep
        // warnings and errors, as a production deployment would.
        let child = cmd
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let pid = child.id();
        let server = Server { child, addr, pid };
        let tcp_only = matches!(kind, Kind::Baseline { .. });
        crate::http::wait_up(addr, tcp_only, Duration::from_millis(STARTUP_TIMEOUT_MS)).await?;
        Ok(server)
    }

    /// CPU time used so far (user + system, all threads), in milliseconds.
    pub fn cpu_ms(&self) -> u64 {
        cpu_ms(self.pid).unwrap_or(0)
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        status_kib(self.pid, "VmRSS:").unwrap_or(0)
    }

    /// Peak resident memory so far, in KiB.
    pub fn hwm_kib(&self) -> u64 {
        status_kib(self.pid, "VmHWM:").unwrap_or(0)
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user + system) of a process, in milliseconds.
pub fn cpu_ms(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields after it are
    // plain. utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 1000 / PROC_TICKS_PER_S)
}

/// A `Vm…:` line of `/proc/PID/status`, in KiB.
pub fn status_kib(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// The `firedrill` binary next to this one (same profile), if built.
pub fn sibling_firedrill() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.join("firedrill"), dir.parent()?.join("firedrill")].into_iter().find(|p| p.exists())
}

/// Total size of the files in a directory, in bytes.
pub fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// CPU time used by the whole machine so far (every core, not idle, not
/// waiting for I/O), in milliseconds; with the server's and the load
/// generator's, tells how busy other processes kept the machine.
pub fn machine_busy_ms() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else { return 0 };
    let Some(line) = stat.lines().next() else { return 0 };
    let v: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal (guest time is
    // already counted in user).
    let busy: u64 = v.iter().take(8).enumerate().filter(|(i, _)| *i != 3 && *i != 4).map(|(_, t)| t).sum();
    busy * 1000 / PROC_TICKS_PER_S
}
