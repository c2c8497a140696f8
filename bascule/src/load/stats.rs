//! Latency samples per method and their percentiles.

use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Default, Clone)]
pub struct MethodStats {
    /// Latencies in microseconds, of every request (successful or not).
    pub latencies_us: Vec<u64>,
    pub errors: u64,
    /// The first few error messages, to say what failed.
    pub error_samples: Vec<String>,
}

impl MethodStats {
    pub fn record(&mut self, latency: Duration, error: Option<String>) {
        self.latencies_us
            .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
        if let Some(e) = error {
            self.errors += 1;
            if self.error_samples.len() < 3 {
                self.error_samples.push(e);
            }
        }
    }

    pub fn count(&self) -> u64 {
        self.latencies_us.len() as u64
    }

    /// The latency under which `p` percent of the requests completed, in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
    }
}

/// Every method's stats, merged from the workers.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub methods: BTreeMap<&'static str, MethodStats>,
}

impl Stats {
    pub fn record(&mut self, method: &'static str, latency: Duration, error: Option<String>) {
        self.methods
            .entry(method)
            .or_default()
            .record(latency, error);
    }

    pub fn total(&self) -> MethodStats {
        let mut all = MethodStats::default();
        for m in self.methods.values() {
            all.latencies_us.extend(&m.latencies_us);
            all.errors += m.errors;
            for e in &m.error_samples {
                if all.error_samples.len() < 5 {
                    all.error_samples.push(e.clone());
                }
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut m = MethodStats::default();
        for i in 1..=100 {
            m.record(Duration::from_millis(i), None);
        }
        assert_eq!(m.percentile_ms(50.0), 50.0);
        assert_eq!(m.percentile_ms(99.0), 99.0);
        assert_eq!(m.percentile_ms(100.0), 100.0);
    }
}
