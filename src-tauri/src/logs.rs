//! The latest log lines kept in memory for the support bundle (which redacts them), while
//! every line still goes to stderr as before.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// How many lines are kept.
pub const KEEP: usize = 500;

#[derive(Clone, Default)]
pub struct LogRing(Arc<Mutex<VecDeque<String>>>);

impl LogRing {
    pub fn push(&self, line: &str) {
        if let Ok(mut q) = self.0.lock() {
            if q.len() >= KEEP {
                q.pop_front();
            }
            q.push_back(line.trim_end().chars().take(2000).collect());
        }
    }
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The process's one ring (the tracing writer and the app state share it).
pub fn global() -> LogRing {
    static RING: OnceLock<LogRing> = OnceLock::new();
    RING.get_or_init(LogRing::default).clone()
}

/// A tracing writer: each formatted event goes to stderr and into the ring.
pub struct Tee(LogRing);

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push(&String::from_utf8_lossy(buf));
        std::io::stderr().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

pub fn writer() -> Tee {
    Tee(global())
}
