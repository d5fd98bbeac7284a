//! A progress bar on stderr while raw logs load: it appears only once the load has taken
//! more than a second and only when stderr is a terminal, so quick loads, pipes and
//! tests print nothing. It moves by bytes as the readers finish each chunk of a file
//! (not once per file), so one large blob moves it too.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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

    /// `bytes` more bytes (of the files on disk) are done.
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

/// One file's share of the bar. Readers report the bytes of content they have finished;
/// the bar moves by the file's size on disk in proportion (a gzip file holds more content
/// than its size), and [`FileProgress::finish`] moves it to the file's end.
pub(crate) struct FileProgress<'a> {
    bar: Option<&'a Progress>,
    disk: u64,
    content: u64,
    read: AtomicU64,
    shown: AtomicU64,
}

impl<'a> FileProgress<'a> {
    pub fn new(bar: &'a Progress, disk: u64) -> Self {
        FileProgress { bar: Some(bar), disk, content: disk, read: AtomicU64::new(0), shown: AtomicU64::new(0) }
    }

    /// A file whose progress nobody watches.
    #[cfg(test)]
    pub fn silent() -> FileProgress<'static> {
        FileProgress { bar: None, disk: 0, content: 0, read: AtomicU64::new(0), shown: AtomicU64::new(0) }
    }

    /// The content is `len` bytes (known once the file is read and decompressed).
    pub fn set_content(&mut self, len: usize) {
        self.content = len as u64;
    }

    /// `bytes` more bytes of content are done (chunks finish on any thread).
    pub fn advance(&self, bytes: usize) {
        let Some(bar) = self.bar else {
            return;
        };
        let read = self.read.fetch_add(bytes as u64, Ordering::Relaxed) + bytes as u64;
        let target = if self.content == 0 { self.disk } else { (self.disk as u128 * read as u128 / self.content as u128) as u64 };
        let target = target.min(self.disk);
        let before = self.shown.fetch_max(target, Ordering::Relaxed);
        if target > before {
            bar.advance(target - before);
        }
    }

    /// The file is done: the bar reaches its end, whatever was reported.
    pub fn finish(&self) {
        if let Some(bar) = self.bar {
            let before = self.shown.swap(self.disk, Ordering::Relaxed);
            if self.disk > before {
                bar.advance(self.disk - before);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_moves_the_bar_by_its_size_on_disk() {
        let bar = Progress::new(false, 1000, 1);
        let mut file = FileProgress::new(&bar, 1000);
        // Gzip: 1000 bytes on disk hold 4000 of content.
        file.set_content(4000);
        file.advance(1000);
        assert_eq!(bar.bar.position(), 250);
        file.advance(2000);
        assert_eq!(bar.bar.position(), 750);
        // Reported past the end (separators counted twice, say): never past the file.
        file.advance(5000);
        assert_eq!(bar.bar.position(), 1000);
        file.finish();
        assert_eq!(bar.bar.position(), 1000);

        let bar = Progress::new(false, 300, 1);
        let file = FileProgress::new(&bar, 300);
        file.advance(100);
        assert_eq!(bar.bar.position(), 100);
        // Content not reported (a separator, a skipped header): finish makes it up.
        file.finish();
        assert_eq!(bar.bar.position(), 300);
        FileProgress::silent().advance(10);
    }
}
