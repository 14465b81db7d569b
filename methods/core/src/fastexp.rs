//! A vectorisable exp and sigmoid. std's exp calls glibc, which the compiler
//! cannot vectorise, and the sigmoid dominates the network's evaluation
//! (docs/crates.md section 3). Adds, multiplies, fused multiply-adds
//! (`mul_add`, correctly rounded in hardware and in libm alike), a divide and
//! integer bit operations, in a fixed order: every build gives the same bits,
//! and `avx2::sigmoid4` repeats these steps op for op.
//!
//! exp(x) = 2^n exp(r), n = round(x / ln 2), r = x - n ln 2 (Cody-Waite, two
//! parts), |r| <= ln 2 / 2, exp(r) by its Taylor series to degree 12 (the
//! first omitted term is below 2e-16 relative), evaluated by Estrin's scheme.

pub(crate) const LOG2E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split so that n * LN2_HI is exact for |n| < 2^11.
pub(crate) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub(crate) const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// 1.5 * 2^52: adding and subtracting it rounds to the nearest integer.
pub(crate) const ROUND: f64 = 6_755_399_441_055_744.0;
/// Arguments are clamped here, so 2^n stays a normal number.
pub(crate) const LIMIT: f64 = 708.0;

/// Taylor coefficients 1/k!, k = 0..=12.
pub(crate) const C: [f64; 13] = [
    1.0,
    1.0,
    0.5,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// exp(x) for |x| <= 708 (clamped outside), within a few ulp of std's exp.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-LIMIT, LIMIT);
    let shifted = x.mul_add(LOG2E, ROUND);
    let n = shifted - ROUND;
    let r = (-n).mul_add(LN2_LO, (-n).mul_add(LN2_HI, x));
    // Estrin's scheme: a shallow dependency tree instead of Horner's chain.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q = |k: usize| C[k + 1].mul_add(r, C[k]);
    let s0 = q(2).mul_add(r2, q(0));
    let s1 = q(6).mul_add(r2, q(4));
    let s2 = q(10).mul_add(r2, q(8));
    let e = C[12].mul_add(r4, s2).mul_add(r8, s1.mul_add(r4, s0));
    // The low bits of `shifted` hold n as an integer.
    let n_int = shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i64;
    e * f64::from_bits(((n_int + 1023) as u64) << 52)
}

/// 1 / (1 + exp(-z)).
#[inline(always)]
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + exp(-z))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_is_within_a_few_ulp_of_std_over_the_whole_range() {
        let mut worst = 0;
        let steps = 2_000_000;
        for i in 0..=steps {
            let x = -LIMIT + 2.0 * LIMIT * i as f64 / steps as f64;
            worst = worst.max(ulps(exp(x), x.exp()));
        }
        assert!(worst <= 4, "worst error {worst} ulp");
    }

    #[test]
    fn exp_is_exact_at_simple_points_and_clamps_outside() {
        assert_eq!(exp(0.0), 1.0);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1);
        assert_eq!(exp(1000.0), exp(LIMIT));
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 1e-300);
    }

    #[test]
    fn sigmoid_matches_the_std_formula() {
        for i in -4000..=4000 {
            let z = i as f64 / 100.0;
            let reference = 1.0 / (1.0 + (-z).exp());
            assert!(
                (sigmoid(z) - reference).abs() <= 4.0 * f64::EPSILON * reference,
                "z = {z}"
            );
        }
        assert_eq!(sigmoid(800.0), 1.0);
    }
}
