//! The kernel's 16-pattern chunk in AVX2 + FMA intrinsics. Left to itself
//! the compiler rolls the sigmoid of a chunk into a loop over one vector at
//! a time and reloads its constants, so one long dependency chain runs at a
//! time; written out, four independent vector chains overlap. Every step
//! repeats `fastexp::sigmoid` and `kernel::chunk` op for op, so both paths give
//! the same bits (tested in `kernel`).

use crate::data::Patterns;
use crate::fastexp::{LIMIT, LN2_HI, LN2_LO, LOG2E, P, Q, ROUND};
use crate::kernel::{Keep, LANES};
use std::arch::x86_64::*;

/// Vectors of four per chunk; four measured fastest (two and three leave
/// latency exposed, eight spill registers).
const V: usize = LANES / 4;

#[inline]
#[target_feature(enable = "avx2,fma")]
fn splat(v: f64) -> __m256d {
    _mm256_set1_pd(v)
}

/// `fastexp::sigmoid` on four lanes.
#[inline]
#[target_feature(enable = "avx2,fma")]
pub fn sigmoid4(z: __m256d) -> __m256d {
    let neg = |v| _mm256_xor_pd(v, splat(-0.0));
    // max/min return their second operand for a NaN, so a NaN passes through as in `clamp`.
    let x = _mm256_min_pd(splat(LIMIT), _mm256_max_pd(splat(-LIMIT), neg(z)));
    let shifted = _mm256_fmadd_pd(x, splat(LOG2E), splat(ROUND));
    let n = neg(_mm256_sub_pd(shifted, splat(ROUND)));
    let r = _mm256_fmadd_pd(n, splat(LN2_LO), _mm256_fmadd_pd(n, splat(LN2_HI), x));
    let r2 = _mm256_mul_pd(r, r);
    let p = _mm256_fmadd_pd(
        _mm256_fmadd_pd(splat(P[2]), r2, splat(P[1])),
        r2,
        splat(P[0]),
    );
    let q = _mm256_fmadd_pd(splat(Q[3]), r2, splat(Q[2]));
    let q = _mm256_fmadd_pd(_mm256_fmadd_pd(q, r2, splat(Q[1])), r2, splat(Q[0]));
    let n_int = _mm256_sub_epi64(
        _mm256_castpd_si256(shifted),
        _mm256_set1_epi64x(ROUND.to_bits() as i64),
    );
    let scale = _mm256_slli_epi64::<52>(_mm256_add_epi64(n_int, _mm256_set1_epi64x(1023)));
    let above = _mm256_fmadd_pd(r, p, q);
    let below = _mm256_fnmadd_pd(r, p, q);
    let denominator = _mm256_fmadd_pd(_mm256_castsi256_pd(scale), above, below);
    _mm256_div_pd(below, denominator)
}

/// Four consecutive values of `column` from `at`.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn load4(column: &[f64], at: usize) -> __m256d {
    let four: &[f64; 4] = column[at..at + 4].try_into().expect("four values");
    // SAFETY: `four` is four readable f64; loadu needs no alignment.
    unsafe { _mm256_loadu_pd(four.as_ptr()) }
}

/// Writes the four lanes of `v` to `slice[at..at + 4]`.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn store4(slice: &mut [f64], at: usize, v: __m256d) {
    let four: &mut [f64; 4] = (&mut slice[at..at + 4]).try_into().expect("four values");
    // SAFETY: `four` is four writable f64; storeu needs no alignment.
    unsafe { _mm256_storeu_pd(four.as_mut_ptr(), v) };
}

/// `kernel::chunk::<LANES>`: outputs of patterns at..at + LANES and the count of
/// their (unit, pattern) pairs with |z| >= limit.
#[target_feature(enable = "avx2,fma")]
pub fn chunk(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    at: usize,
    limit: f64,
    mut keep: Option<Keep>,
) -> ([f64; LANES], u64) {
    let mut out = [_mm256_setzero_pd(); V];
    // Each saturated pair subtracts a mask of all ones, i.e. adds 1.
    let mut saturated = _mm256_setzero_si256();
    let abs_mask = splat(f64::from_bits(!(1u64 << 63)));
    for (u, unit) in w.chunks_exact(inputs + 2).enumerate() {
        let mut z = [splat(unit[inputs + 1]); V];
        for (j, p) in unit[1..=inputs].iter().enumerate() {
            let column = data.column(j);
            for (v, zv) in z.iter_mut().enumerate() {
                *zv = _mm256_fmadd_pd(splat(*p), load4(column, at + 4 * v), *zv);
            }
        }
        for (v, (zv, ov)) in z.iter().zip(out.iter_mut()).enumerate() {
            let hit = _mm256_cmp_pd::<_CMP_GE_OQ>(_mm256_and_pd(*zv, abs_mask), splat(limit));
            saturated = _mm256_sub_epi64(saturated, _mm256_castpd_si256(hit));
            let s = sigmoid4(*zv);
            if let Some(keep) = keep.as_mut() {
                store4(keep.values, u * keep.stride + 4 * v, s);
            }
            *ov = _mm256_fmadd_pd(splat(unit[0]), s, *ov);
        }
    }
    let mut result = [0.0; LANES];
    for (v, ov) in out.iter().enumerate() {
        store4(&mut result, 4 * v, *ov);
    }
    let mut counts = [0u64; 4];
    // SAFETY: `counts` is 32 writable bytes; storeu needs no alignment.
    unsafe { _mm256_storeu_si256(counts.as_mut_ptr().cast(), saturated) };
    (result, counts.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fastexp::sigmoid;

    #[test]
    fn sigmoid4_gives_the_bits_of_the_scalar_sigmoid() {
        if !(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")) {
            return;
        }
        let mut z: Vec<f64> = (-80_000..=80_000).map(|i| i as f64 / 100.0).collect();
        z.extend([
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            1e-300,
        ]);
        z.extend([f64::NAN, 3.0, 4.0, 5.0]);
        for four in z.chunks(4).filter(|c| c.len() == 4) {
            let mut got = [0.0; 4];
            // SAFETY: AVX2 and FMA were detected above; `four` and `got` hold four f64.
            unsafe {
                _mm256_storeu_pd(got.as_mut_ptr(), sigmoid4(_mm256_loadu_pd(four.as_ptr())));
            }
            for (g, x) in got.iter().zip(four) {
                let want = sigmoid(*x);
                assert!(
                    g.to_bits() == want.to_bits() || g.is_nan() && want.is_nan(),
                    "z = {x}"
                );
            }
        }
    }
}
