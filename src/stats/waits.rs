//! Waits in milliseconds as one replication records them: filed in the
//! buckets of an HDR histogram with 1 ms resolution and 2 significant
//! figures (each bucket 1 % wide at most), from 0 to about two years.
//!
//! [`WaitCounts`] records while the replication runs (a byte per bucket);
//! [`Waits`] is what the replication hands on: only the buckets with
//! records, sorted. A 400-queue desk used to build two full histograms per
//! queue at the end of every replication (16 KB of 32-bit counts each, most
//! of them zero); its queues now hand on a few hundred buckets each.
//! Quantiles, maxima and counts are exactly those of the
//! [`hdrhistogram::Histogram`] the same records build ([`Waits::histogram`],
//! tested), so every figure is the same.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Highest wait the buckets resolve: 2^36 ms, about two years. Every
/// greater wait is filed at 2^36. (hdrhistogram's `saturating_record`
/// files waits from 2^37 there but those between in buckets of their own,
/// so a longer wait could read shorter than a less long one; the answered
/// waits were always clamped at 2^36, and now every wait is.)
const MAX_WAIT_MS: u64 = 1 << 36;
/// The histogram's bounds: least value told from zero and significant figures.
const LOW: u64 = 1;
const SIGFIG: u8 = 2;

/// An empty histogram with the buckets [`Waits`] files values in.
fn wait_histogram() -> Histogram<u32> {
    Histogram::new_with_bounds(LOW, MAX_WAIT_MS, SIGFIG).expect("constant histogram bounds are valid")
}

/// The greatest value filed: the top of 2^36's bucket.
const HIGHEST_VALUE: u64 = (1 << 36) + (1 << 29) - 1;

/// How many buckets there are (hdrhistogram's `distinct_values` with these
/// bounds: 256 in the first, 128 in each after it up to 2^36).
const BUCKETS: usize = 256 + 128 * (36 - 7);

/// A wait in seconds as the buckets file it: whole milliseconds,
/// rounded half away from zero, as `(wait * 1000.0).round() as u64` gives
/// them below 2^63 ms (far beyond the highest bucket, to which every
/// greater one is clamped). Without `f64::round`, a library call on
/// the default x86-64 target, and through a signed conversion, one
/// instruction where the unsigned one takes a dozen. Negative and NaN
/// waits give 0.
#[inline]
pub fn millis(wait: f64) -> u64 {
    let x = wait * 1000.0;
    // Exact below 2^53; from there on every f64 is a whole number.
    let whole = x as i64;
    // Without a branch: whether a wait's fraction reaches a half is a coin toss.
    whole.max(0) as u64 + u64::from(x - whole as f64 >= 0.5)
}

/// How [`wait_histogram`] files a value (hdrhistogram's `index_for` with
/// its bounds: 1 ms resolution, 2 significant figures, so 256 values in the
/// first bucket and 128 in each bucket after it, each twice as wide).
const SUB_BUCKET_MASK: u64 = 255;
const LEADING_ZERO_COUNT_BASE: u32 = 56;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = 7;

#[inline]
fn wait_index(value: u64) -> usize {
    let value = value.min(MAX_WAIT_MS);
    let bucket = LEADING_ZERO_COUNT_BASE - (value | SUB_BUCKET_MASK).leading_zeros();
    let sub_bucket = value >> bucket;
    (((bucket + 1) as usize) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub_bucket as usize - 128
}

/// The least value [`wait_index`] files at `index`.
#[inline]
fn wait_index_value(index: usize) -> u64 {
    if index < 256 {
        index as u64
    } else {
        let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        (((index & 127) + 128) as u64) << bucket
    }
}

/// The greatest value [`wait_index`] files at `index` (the histogram's
/// `highest_equivalent`).
#[inline]
fn wait_index_top(index: usize) -> u64 {
    let width = if index < 256 { 1 } else { 1u64 << ((index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1) };
    wait_index_value(index) + width - 1
}

/// One queue's waits while the replication runs: the count of each bucket.
/// A record is an index and an increment, against the histogram's checked
/// record.
///
/// Each count is kept as its low byte and, apart, its carries (how many
/// times the byte wrapped). A record touches the byte; the carries only
/// every 256th time. With hundreds of queues the bytes in use fit the cache
/// where 32-bit counts did not (400 queues' waits of up to a few minutes
/// touch about 1 300 buckets each: 2 MB of `u32` counts, 0.5 MB of bytes).
/// The carries are kept only for the buckets that have wrapped.
#[derive(Debug, Clone)]
pub struct WaitCounts {
    /// The low byte of each bucket's count.
    low: Vec<u8>,
    /// Each wrapped bucket's count divided by 256, by bucket.
    carries: BTreeMap<usize, u64>,
    /// One past the highest bucket with records: the end of a replication
    /// reads the table only up to there (waits of a few minutes use a third
    /// of it).
    end: usize,
}

impl Default for WaitCounts {
    fn default() -> Self {
        WaitCounts { low: vec![0; BUCKETS], carries: BTreeMap::new(), end: 0 }
    }
}

impl WaitCounts {
    #[inline]
    pub fn record(&mut self, value: u64) {
        let i = wait_index(value);
        let byte = self.low[i].wrapping_add(1);
        self.low[i] = byte;
        if byte == 0 {
            self.carry(i);
        }
        self.end = self.end.max(i + 1);
    }

    /// Bucket `i`'s low byte wrapped.
    #[cold]
    fn carry(&mut self, i: usize) {
        *self.carries.entry(i).or_insert(0) += 1;
    }

    /// The recorded waits, for the replication's statistics.
    pub fn waits(&self) -> Waits {
        let mut buckets = Vec::new();
        let mut carries = self.carries.iter().peekable();
        // Eight buckets at a time, as one word: most of a queue's are zero.
        // A bucket that wrapped to zero has a carry; carries are rare.
        for (w, word) in self.low[..self.end].chunks(8).enumerate() {
            let zero = match <[u8; 8]>::try_from(word) {
                Ok(bytes) => u64::from_ne_bytes(bytes) == 0,
                Err(_) => word.iter().all(|&b| b == 0),
            };
            if zero && carries.peek().is_none_or(|&(&i, _)| i >= (w + 1) * 8) {
                continue;
            }
            for (k, &byte) in word.iter().enumerate() {
                let i = w * 8 + k;
                let carried = carries.next_if(|&(&c, _)| c == i).map_or(0, |(_, &n)| n);
                let count = carried * 256 + u64::from(byte);
                if count > 0 {
                    buckets.push((i as u32, count));
                }
            }
        }
        Waits::from_buckets(buckets)
    }
}

/// Waits in milliseconds, as counts in [`wait_histogram`]'s buckets: only
/// the buckets with records, in increasing order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waits {
    /// (bucket index, count), increasing by index, every count > 0.
    buckets: Vec<(u32, u64)>,
    total: u64,
}

impl Waits {
    fn from_buckets(buckets: Vec<(u32, u64)>) -> Self {
        let total = buckets.iter().fold(0u64, |t, &(_, n)| t.saturating_add(n));
        Waits { buckets, total }
    }

    /// The greatest value of every bucket, in order (what a wait curve
    /// reads its shares at).
    pub fn bucket_tops() -> Vec<u64> {
        (0..BUCKETS).map(wait_index_top).collect()
    }

    /// How many waits.
    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The non-empty buckets in increasing order: each by the greatest value
    /// it holds and its count (the histogram's `iter_recorded`).
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.buckets.iter().map(|&(i, n)| (wait_index_top(i as usize), n))
    }

    /// The wait at quantile `q`, exactly as [`Histogram::value_at_quantile`]
    /// gives it: the greatest value of the bucket that holds the
    /// `ceil(q · len)`-th wait (at least the first), the least for `q` = 0;
    /// 0 when there are none.
    pub fn value_at_quantile(&self, q: f64) -> u64 {
        // As hdrhistogram caps it (a NaN stays NaN, and ranks first).
        let q = if q > 1.0 { 1.0 } else { q };
        let rank = ((q * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for &(i, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                let i = i as usize;
                return if q == 0.0 { wait_index_value(i) } else { wait_index_top(i) };
            }
        }
        0
    }

    /// The greatest value of the highest bucket with records, 0 when there
    /// are none (the histogram's `max`).
    pub fn max(&self) -> u64 {
        self.buckets.last().map_or(0, |&(i, _)| wait_index_top(i as usize))
    }

    /// How many waits are in the bucket that holds `value`.
    pub fn count_at(&self, value: u64) -> u64 {
        let i = wait_index(value) as u32;
        self.buckets.binary_search_by_key(&i, |&(b, _)| b).map_or(0, |k| self.buckets[k].1)
    }

    /// Adds another's waits.
    pub fn add(&mut self, other: &Waits) {
        if other.buckets.is_empty() {
            return;
        }
        let mut merged = Vec::with_capacity(self.buckets.len() + other.buckets.len());
        let (mut a, mut b) = (self.buckets.iter().copied().peekable(), other.buckets.iter().copied().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            merged.push(match x.0.cmp(&y.0) {
                Ordering::Less => a.next().unwrap_or(x),
                Ordering::Greater => b.next().unwrap_or(y),
                Ordering::Equal => {
                    a.next();
                    b.next();
                    (x.0, x.1.saturating_add(y.1))
                }
            });
        }
        merged.extend(a.chain(b));
        self.buckets = merged;
        self.total = self.total.saturating_add(other.total);
    }

    /// The waits of many together (a desk's queues): one pass over a table
    /// of every bucket, where adding them one by one would merge the growing
    /// total again for each.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Waits>) -> Waits {
        let mut counts = vec![0u64; BUCKETS];
        for w in all {
            for &(i, n) in &w.buckets {
                counts[i as usize] = counts[i as usize].saturating_add(n);
            }
        }
        let buckets = counts.iter().enumerate().filter(|&(_, &n)| n > 0).map(|(i, &n)| (i as u32, n)).collect();
        Waits::from_buckets(buckets)
    }

    /// The same waits as an HDR histogram (each bucket's count recorded at
    /// its least value; 32-bit counts, saturating).
    pub fn histogram(&self) -> Histogram<u32> {
        let mut h = wait_histogram();
        for &(i, n) in &self.buckets {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            h.record_n(wait_index_value(i as usize), n).expect("a bucket's own value is in range");
        }
        h
    }
}

/// Waits as a shard file holds them: the histogram's bounds and its
/// non-empty buckets, each by its greatest value and count (the format the
/// shard files had when they held the histograms themselves).
#[derive(Serialize, Deserialize)]
struct Stored {
    low: u64,
    high: u64,
    sigfig: u8,
    buckets: Vec<(u64, u64)>,
}

impl Serialize for Waits {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored { low: LOW, high: MAX_WAIT_MS, sigfig: SIGFIG, buckets: self.iter().collect() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Waits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let s = Stored::deserialize(d)?;
        if (s.low, s.high, s.sigfig) != (LOW, MAX_WAIT_MS, SIGFIG) {
            return Err(D::Error::custom(format!(
                "wait histogram bounds ({}, {}, {}) are not staffsim's ({LOW}, {MAX_WAIT_MS}, {SIGFIG})",
                s.low, s.high, s.sigfig
            )));
        }
        let mut buckets: Vec<(u32, u64)> = Vec::with_capacity(s.buckets.len());
        let mut total = 0u64;
        for (value, count) in s.buckets {
            // A replication's bucket holds fewer than 2^32 waits (as the
            // histograms' 32-bit counts did), so no sum of them overflows.
            if count > u64::from(u32::MAX) {
                return Err(D::Error::custom(format!("wait histogram count {count} is over 2^32")));
            }
            if value > HIGHEST_VALUE {
                return Err(D::Error::custom(format!("wait histogram value {value} ms is over 2^36 ms")));
            }
            let i = wait_index(value) as u32;
            total += count;
            match buckets.last_mut() {
                Some(last) if last.0 > i => return Err(D::Error::custom("wait histogram buckets out of order")),
                Some(last) if last.0 == i => last.1 += count,
                _ if count > 0 => buckets.push((i, count)),
                _ => {}
            }
        }
        Ok(Waits { buckets, total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_rounds_as_f64_round_does() {
        let mut x = 99u64;
        // The f64 just below a half millisecond, among others near halves.
        let below_half = f64::from_bits(0.5f64.to_bits() - 1) / 1000.0;
        let mut waits = vec![0.0, 0.0004, 0.0005, 0.0015, below_half, -3.0, f64::NAN, 1e300, 2.5e-3];
        for _ in 0..100_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            waits.push(mantissa * 10f64.powi((x % 13) as i32 - 3));
            waits.push(((x >> 20) % 100_000) as f64 / 2000.0);
        }
        for w in waits {
            assert_eq!(millis(w).min(1 << 62), ((w * 1000.0).round() as u64).min(1 << 62), "{w}");
        }
    }

    /// Random waits of every scale, some over `MAX_WAIT_MS`.
    fn records(case: usize, x: &mut u64) -> Vec<u64> {
        let n = [0, 1, 2, 3, 1000, 5000][case % 6];
        (0..n)
            .map(|k| {
                *x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let v = match (k + case) % 4 {
                    0 => 0,
                    1 => (*x >> 40) % 300,
                    2 => (*x >> 30) >> ((*x >> 58) % 34),
                    _ => (*x >> 20) % 5,
                };
                match (case, k) {
                    (7, 0) => MAX_WAIT_MS * 8,
                    // Between 2^36 and 2^37, where saturating_record would not clamp.
                    (9, 0) => MAX_WAIT_MS + (MAX_WAIT_MS >> 1),
                    _ => v,
                }
            })
            .collect()
    }

    #[test]
    fn waits_give_every_figure_the_histogram_of_the_same_records_gives() {
        let mut x = 5u64;
        let mut desk_direct = wait_histogram();
        let mut desk = Vec::new();
        for case in 0..40 {
            let (mut direct, mut counts) = (wait_histogram(), WaitCounts::default());
            // 5 000 records put over 256 in some buckets: their counts carry.
            for v in records(case, &mut x) {
                direct.saturating_record(v.min(MAX_WAIT_MS));
                counts.record(v);
            }
            let waits = counts.waits();
            assert_eq!(waits.histogram(), direct, "case {case}");
            assert_eq!((waits.len(), waits.max()), (direct.len(), direct.max()), "case {case}");
            for q in [0.0, 1e-9, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0, 1.5, f64::NAN, -1.0] {
                assert_eq!(waits.value_at_quantile(q), direct.value_at_quantile(q), "case {case}, q {q}");
            }
            let recorded: Vec<(u64, u64)> =
                direct.iter_recorded().map(|v| (v.value_iterated_to(), u64::from(v.count_at_value()))).collect();
            assert_eq!(waits.iter().collect::<Vec<_>>(), recorded, "case {case}");
            for v in [0, 1, 4, 299, 1000, 1 << 20] {
                assert_eq!(waits.count_at(v), u64::from(direct.count_at(v)), "case {case}, value {v}");
            }
            let stored = serde_json::to_string(&waits).unwrap();
            assert_eq!(serde_json::from_str::<Waits>(&stored).unwrap(), waits, "case {case}");
            desk_direct.add(&direct).unwrap();
            desk.push(waits);
        }
        let summed = Waits::sum(&desk);
        let mut added = Waits::default();
        desk.iter().for_each(|w| added.add(w));
        assert_eq!(summed, added);
        assert_eq!(summed.histogram(), desk_direct);
        for v in [0, 1, 255, 256, 257, 511, 512, 1000, 123_456_789, MAX_WAIT_MS] {
            let h = wait_histogram();
            assert_eq!(wait_index_value(wait_index(v)), h.lowest_equivalent(v), "{v}");
            assert_eq!(wait_index_top(wait_index(v)), h.highest_equivalent(v), "{v}");
        }
        assert_eq!(wait_histogram().distinct_values(), BUCKETS);
        assert_eq!(HIGHEST_VALUE, wait_histogram().highest_equivalent(MAX_WAIT_MS));
        let tops: Vec<u64> = wait_histogram().iter_all().map(|v| v.value_iterated_to()).collect();
        assert_eq!(Waits::bucket_tops(), tops);
        // Every wait past 2^36 ms reads 2^36 ms's bucket, the longer ones too.
        let mut far = WaitCounts::default();
        far.record(MAX_WAIT_MS + (MAX_WAIT_MS >> 1));
        far.record(MAX_WAIT_MS * 8);
        let far = far.waits();
        assert_eq!((far.count_at(MAX_WAIT_MS), far.max()), (2, wait_histogram().highest_equivalent(MAX_WAIT_MS)));
    }

    #[test]
    fn a_bucket_whose_count_is_a_multiple_of_256_is_read() {
        // Its low byte is zero: only its carries say it has records, here
        // as the highest bucket and as one in the middle of a zero word.
        for (value, others) in [(7, vec![]), (1000, vec![3, 5000])] {
            let (mut direct, mut counts) = (wait_histogram(), WaitCounts::default());
            for v in std::iter::repeat_n(value, 512).chain(others) {
                direct.saturating_record(v);
                counts.record(v);
            }
            let waits = counts.waits();
            assert_eq!(waits.count_at(value), 512);
            assert_eq!(waits.histogram(), direct, "{value}");
        }
    }

    #[test]
    fn stored_waits_with_other_bounds_out_of_order_or_out_of_range_are_refused() {
        let bad = r#"{"low":1,"high":1000,"sigfig":3,"buckets":[[5,1]]}"#;
        let e = serde_json::from_str::<Waits>(bad).unwrap_err().to_string();
        assert!(e.contains("bounds"), "{e}");
        let unordered = r#"{"low":1,"high":68719476736,"sigfig":2,"buckets":[[5,1],[3,1]]}"#;
        let e = serde_json::from_str::<Waits>(unordered).unwrap_err().to_string();
        assert!(e.contains("order"), "{e}");
        let huge = format!(r#"{{"low":1,"high":68719476736,"sigfig":2,"buckets":[[5,{m}]]}}"#, m = 1u64 << 32);
        let e = serde_json::from_str::<Waits>(&huge).unwrap_err().to_string();
        assert!(e.contains("over 2^32"), "{e}");
        let far = r#"{"low":1,"high":68719476736,"sigfig":2,"buckets":[[137438953472,1]]}"#;
        let e = serde_json::from_str::<Waits>(far).unwrap_err().to_string();
        assert!(e.contains("over 2^36"), "{e}");
    }
}
