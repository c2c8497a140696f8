//! Progress bars with rows/s and ETA on a terminal; nothing when output is not one.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::load::FeedCounts;

#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(wanted: bool, label: &str) -> Self {
        if !wanted || !std::io::stderr().is_terminal() {
            return Self { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{msg:40} {bar:30} {pos:>9}/{len:9} {per_sec:>12} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(label.to_owned());
        Self { bar: Some(bar) }
    }

    pub fn set_total(&mut self, n: u64) {
        if let Some(b) = &self.bar {
            b.set_length(n);
        }
    }

    pub fn advance(&mut self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    pub fn finish(&mut self, counts: &FeedCounts) {
        if let Some(b) = self.bar.take() {
            b.finish_with_message(format!(
                "{} read, {} quarantined",
                counts.read, counts.quarantined
            ));
        }
    }
}
