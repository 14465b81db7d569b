//! A vectorisable sigmoid, through a hand-written exp. std's exp calls
//! glibc, which the compiler cannot vectorise, and the sigmoid dominates the
//! network's evaluation (docs/crates.md section 3). Adds, multiplies, fused
//! multiply-adds (`mul_add`, correctly rounded in hardware and in libm
//! alike), a divide and integer bit operations, in a fixed order: every build
//! gives the same bits, and `avx2::sigmoid4` repeats these steps op for op.
//!
//! exp(x) = 2^n exp(r), n = round(x / ln 2), r = x - n ln 2 (Cody-Waite, two
//! parts), |r| <= ln 2 / 2, and exp(r) = (Q(r^2) + r P(r^2)) / (Q(r^2) - r
//! P(r^2)), the Pade form of Cephes' exp. Its one division is the one the
//! sigmoid needs anyway: 1 / (1 + 2^n a / b) = b / (b + 2^n a) costs nine
//! multiply-adds instead of the sixteen of a degree-12 polynomial.

pub(crate) const LOG2E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split so that n * LN2_HI is exact for |n| < 2^11.
pub(crate) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub(crate) const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// 1.5 * 2^52: adding and subtracting it rounds to the nearest integer.
pub(crate) const ROUND: f64 = 6_755_399_441_055_744.0;
/// Arguments are clamped here, so 2^n stays a normal number.
pub(crate) const LIMIT: f64 = 708.0;

/// Cephes' exp.c: P and Q in powers of r^2, lowest first.
pub(crate) const P: [f64; 3] = [1.0, 3.029_944_077_074_419_5e-2, 1.261_771_930_748_105_8e-4];
pub(crate) const Q: [f64; 4] = [
    2.0,
    2.272_655_482_081_550_3e-1,
    2.524_483_403_496_841e-3,
    3.001_985_051_386_644_6e-6,
];

/// exp(x) = scale * above / below, for |x| <= 708 (clamped outside).
struct Parts {
    above: f64,
    below: f64,
    scale: f64,
}

#[inline(always)]
fn parts(x: f64) -> Parts {
    let x = x.clamp(-LIMIT, LIMIT);
    let shifted = x.mul_add(LOG2E, ROUND);
    let n = shifted - ROUND;
    let r = (-n).mul_add(LN2_LO, (-n).mul_add(LN2_HI, x));
    let r2 = r * r;
    let p = P[2].mul_add(r2, P[1]).mul_add(r2, P[0]);
    let q = Q[3].mul_add(r2, Q[2]).mul_add(r2, Q[1]).mul_add(r2, Q[0]);
    // The low bits of `shifted` hold n as an integer.
    let n_int = shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i64;
    Parts {
        above: r.mul_add(p, q),
        below: (-r).mul_add(p, q),
        scale: f64::from_bits(((n_int + 1023) as u64) << 52),
    }
}

/// 1 / (1 + exp(-z)).
#[inline(always)]
pub fn sigmoid(z: f64) -> f64 {
    let e = parts(-z);
    e.below / e.scale.mul_add(e.above, e.below)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// exp itself, to test `parts` against std's exp.
    fn exp(x: f64) -> f64 {
        let e = parts(x);
        e.above / e.below * e.scale
    }

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
        for i in -70_000..=70_000 {
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
