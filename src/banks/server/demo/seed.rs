//! Deterministic randomness. Every random stream is keyed by a string and seeded from its
//! SHA-256, so the same key gives the same data on every machine and Rust version
//! (std's `DefaultHasher` promises neither).

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

pub(super) type DemoRng = ChaCha8Rng;

/// A generator keyed by `key`, e.g. `"plan|demo-pl|standard|current|2025-06-01"`.
pub(super) fn rng_for(key: &str) -> DemoRng {
    let seed: [u8; 32] = Sha256::digest(key.as_bytes()).into();
    ChaCha8Rng::from_seed(seed)
}

/// A generator from a 64-bit seed drawn from another generator; cheaper than hashing a key.
/// The expansion is our own SplitMix64, so its output is fixed by this code alone.
pub(super) fn rng_from_u64(mut x: u64) -> DemoRng {
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_exact_mut(8) {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    ChaCha8Rng::from_seed(seed)
}

/// A fresh 64-bit seed for a sub-stream.
pub(super) fn sub_seed(rng: &mut DemoRng) -> u64 {
    rng.next_u64()
}

/// An amount in minor units between `min` and `max` (inclusive), skewed towards `min` the way
/// real spending is (many small, few large). Only multiplication is used on the float, so
/// results are identical on every platform.
pub(super) fn skewed_amount(rng: &mut DemoRng, min: i64, max: i64) -> i64 {
    let u: f64 = rng.gen_range(0.0..1.0);
    let span = (max - min) as f64;
    (min + (span * u * u) as i64).clamp(min, max)
}

/// `n` random decimal digits.
pub(super) fn digits(rng: &mut DemoRng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect()
}

/// Picks an index with probability proportional to `weights` (all weights > 0 in our tables).
pub(super) fn weighted_index(rng: &mut DemoRng, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u32 = weights.clone().sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (i, w) in weights.enumerate() {
        if pick < w {
            return i;
        }
        pick -= w;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_always_gives_the_same_stream() {
        let a: Vec<u64> = (0..4).map(|_| rng_for("k").next_u64()).collect();
        let mut r = rng_for("k");
        let b: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(a[0], b[0]);
        assert_ne!(rng_for("k").next_u64(), rng_for("k2").next_u64());
        assert_eq!(rng_from_u64(7).next_u64(), rng_from_u64(7).next_u64());
    }

    #[test]
    fn skewed_amounts_stay_within_bounds() {
        let mut r = rng_for("amounts");
        for _ in 0..1000 {
            let a = skewed_amount(&mut r, 500, 900);
            assert!((500..=900).contains(&a));
        }
    }
}
