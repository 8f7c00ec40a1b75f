//! Child processes: free ports, output checks, and the watchdog that stops
//! servers when a test process dies.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use super::tempdir::keep_dirs;

/// How long a server may take to answer after it was started.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A port of 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("cannot bind 127.0.0.1:0")
        .port()
}

pub(super) fn check_output(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Kills the process group that `child` leads (a server and its workers)
/// and reaps it.
fn kill_group(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Stops a server started with a watchdog: the watchdog first (so that it
/// does not delete the directory), then the server's process group.
pub(super) fn stop_with_watchdog(server: &mut Option<Child>, watchdog: &mut Option<Child>) {
    stop_leader_then_group(server, watchdog, "");
}

/// [`stop_with_watchdog`] for a server whose workers leave its process
/// group (PostgreSQL's backends call setsid): `signal` (e.g. "QUIT") to the
/// leader first, which ends its workers, up to five seconds for it to exit,
/// then the group is killed whatever is left of it.
pub(super) fn stop_leader_then_group(
    server: &mut Option<Child>,
    watchdog: &mut Option<Child>,
    signal: &str,
) {
    if let Some(mut watchdog) = watchdog.take() {
        let _ = watchdog.kill();
        let _ = watchdog.wait();
    }
    let Some(mut child) = server.take() else {
        return;
    };
    if !signal.is_empty() {
        let _ = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while matches!(child.try_wait(), Ok(None)) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    kill_group(child);
}

/// Kills process group `pgid` and deletes `dir` if this test process dies
/// without dropping what owns them (killed, interrupted with Ctrl-C, or kept
/// in a `static`): a server in its own process group would outlive it
/// otherwise.
pub(super) fn watchdog(pgid: u32, dir: &Path) -> Child {
    watchdog_signalling(pgid, dir, "")
}

/// [`watchdog`] that first sends `signal` to the group's leader and gives it
/// up to five seconds to exit (see [`stop_leader_then_group`]).
pub(super) fn watchdog_signalling(pgid: u32, dir: &Path, signal: &str) -> Child {
    const SCRIPT: &str = r#"
        while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 0.5; done
        if ! kill -0 "$1" 2>/dev/null; then
            if [ -n "$4" ] && kill -"$4" "$2" 2>/dev/null; then
                i=0
                while kill -0 "$2" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
            fi
            kill -KILL -"$2" 2>/dev/null
            [ -z "$3" ] || rm -rf -- "$3"
        fi
    "#;
    let dir = if keep_dirs() {
        String::new()
    } else {
        dir.to_string_lossy().into_owned()
    };
    Command::new("sh")
        .args(["-c", SCRIPT, "mws-ta-watchdog"])
        .arg(std::process::id().to_string())
        .arg(pgid.to_string())
        .arg(dir)
        .arg(signal)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Out of the terminal's process group: Ctrl-C must not stop it.
        .process_group(0)
        .spawn()
        .expect("cannot start the watchdog")
}
