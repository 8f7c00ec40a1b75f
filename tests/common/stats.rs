//! A statsd receiver for the metrics the wiki sends over UDP.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A statsd receiver on 127.0.0.1: every line of every datagram, kept until
/// the receiver is dropped (its thread ends with it).
pub struct StatsReceiver {
    pub port: u16,
    lines: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StatsReceiver {
    /// `$wgStatsdServer` pointing at this receiver.
    pub fn statsd_setting(&self) -> String {
        format!("$wgStatsdServer = '127.0.0.1:{}';", self.port)
    }

    pub fn start() -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP port");
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let port = socket.local_addr().unwrap().port();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (lines, stop) = (lines.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(n) = socket.recv(&mut buf) {
                        let text = String::from_utf8_lossy(&buf[..n]).to_string();
                        lines
                            .lock()
                            .unwrap()
                            .extend(text.lines().map(str::to_string));
                    }
                }
            })
        };
        StatsReceiver {
            port,
            lines,
            stop,
            thread: Some(thread),
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.lines.lock().unwrap().clear();
    }

    /// Waits (stats are sent after the answer) until a line starts with
    /// each of `wanted`; panics with what came otherwise.
    pub fn expect(&self, wanted: &[&str]) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let lines = self.lines();
            let missing: Vec<&&str> = wanted
                .iter()
                .filter(|w| !lines.iter().any(|l| l.starts_with(**w)))
                .collect();
            if missing.is_empty() {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "missing {missing:?} on port {} in:\n{}",
                self.port,
                lines.join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for StatsReceiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
