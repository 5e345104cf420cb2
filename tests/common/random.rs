//! A tiny deterministic pseudo-random generator for the bounded random tests (no crates).
//!
//! xorshift64* seeded through splitmix64, so nearby seeds give unrelated streams. The seed comes
//! from `BRCTL_PROPTEST_SEED` (decimal or `0x` hex) or a fixed default, and tests print it when
//! they fail, so any failure can be replayed exactly.

/// The environment variable that overrides a test's default seed.
pub const SEED_VAR: &str = "BRCTL_PROPTEST_SEED";

/// The seed to use: `BRCTL_PROPTEST_SEED` when set (panics if it is not a number, so a typo
/// does not silently test something else), otherwise `default`.
pub fn seed_from_env(default: u64) -> u64 {
    match std::env::var(SEED_VAR) {
        Err(_) => default,
        Ok(text) => parse_seed(text.trim()).unwrap_or_else(|| panic!("{SEED_VAR}={text:?} is not a number")),
    }
}

pub fn parse_seed(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// xorshift64* (Vigna): small, fast, and good enough to pick grammar branches.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed: never zero in practice, and 0 is mapped away anyway.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng { state: if z == 0 { 0x2545_f491_4f6c_dd1d } else { z } }
    }

    /// A generator for a sub-task (a worker, a part of a test), independent of this one's
    /// later draws.
    pub fn fork(&mut self, label: u64) -> Rng {
        Rng::new(self.next_u64() ^ label.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant for n this small.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "Rng::below(0)");
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "Rng::range({low}, {high})");
        low + (self.next_u64() >> 1) % (high - low + 1)
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index into `weights`, chosen with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        assert!(total > 0, "Rng::weighted: all weights are zero");
        let mut ticket = self.below(total as usize) as u32;
        for (index, &weight) in weights.iter().enumerate() {
            if ticket < weight {
                return index;
            }
            ticket -= weight;
        }
        unreachable!("ticket below the total weight")
    }
}
