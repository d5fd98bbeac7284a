//! A progress bar on stderr while a raw-log tree loads: it appears only once the load has
//! taken more than a second and only when stderr is a terminal, so quick loads, pipes
//! and tests print nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_secs(1);

pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    wanted: bool,
    shown: AtomicBool,
}

impl Progress {
    /// `total` is the byte size of the files to read.
    pub fn new(wanted: bool, total: u64, files: usize) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} reading {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("{files} files"));
        Progress { bar, start: Instant::now(), wanted: wanted && std::io::stderr().is_terminal(), shown: AtomicBool::new(false) }
    }

    /// One file of `bytes` bytes is done.
    pub fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
        if self.wanted && self.start.elapsed() > DELAY && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) {
            self.bar.finish_and_clear();
        }
    }
}
