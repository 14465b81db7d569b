//! The hot loop: the network over a block of patterns at a time, feature-
//! major so every inner loop runs over contiguous patterns and vectorises.
//! Reductions use four fixed lanes, so the result does not depend on the
//! vector width: the SSE2 build and the AVX2 path (chosen at run time) give
//! the same bits. Callers go through `Network`.

use crate::data::Patterns;
use crate::fastexp::sigmoid;

/// Patterns per block: a block's activations and outputs stay in L1.
pub const BLOCK: usize = 256;

/// z = theta + sum_j p_j x_j for patterns start..start + z.len().
#[inline(always)]
fn activations(unit: &[f64], data: &Patterns, start: usize, z: &mut [f64]) {
    let d = unit.len() - 2;
    z.fill(unit[d + 1]);
    for j in 0..d {
        let p = unit[1 + j];
        let x = &data.column(j)[start..start + z.len()];
        for (zp, xp) in z.iter_mut().zip(x) {
            *zp += p * xp;
        }
    }
}

/// Sums in four lanes, combined as (l0 + l1) + (l2 + l3).
#[inline(always)]
fn sum4(values: impl Iterator<Item = f64>) -> f64 {
    let mut lanes = [0.0; 4];
    for (i, v) in values.enumerate() {
        lanes[i % 4] += v;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Patterns a chunk keeps in registers from activation to output.
const LANES: usize = 16;

/// Outputs of the N patterns from `at`, and how many of their (unit,
/// pattern) pairs have |z| >= limit. Everything stays in registers.
#[inline(always)]
fn chunk<const N: usize>(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    at: usize,
    limit: f64,
) -> ([f64; N], u64) {
    let mut out = [0.0; N];
    let mut saturated = 0;
    for unit in w.chunks_exact(inputs + 2) {
        let mut z = [unit[inputs + 1]; N];
        for (j, p) in unit[1..=inputs].iter().enumerate() {
            let x: &[f64; N] = data.column(j)[at..at + N].try_into().expect("N patterns");
            for k in 0..N {
                z[k] += p * x[k];
            }
        }
        for k in 0..N {
            saturated += u64::from(z[k].abs() >= limit);
            out[k] += unit[0] * sigmoid(z[k]);
        }
    }
    (out, saturated)
}

#[inline(always)]
fn evaluate_body(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    limit: f64,
    mut outputs: Option<&mut [f64]>,
) -> (f64, u64) {
    let y = data.targets();
    let mut lanes = [0.0; 4];
    let mut saturated = 0;
    let mut record = |at: usize, out: &[f64], count: u64| {
        saturated += count;
        // Chunks start at multiples of 4, so lane (at + i) % 4 is the pattern's index mod 4.
        for (i, (o, t)) in out.iter().zip(&y[at..at + out.len()]).enumerate() {
            lanes[(at + i) % 4] += (o - t) * (o - t);
        }
        if let Some(all) = outputs.as_deref_mut() {
            all[at..at + out.len()].copy_from_slice(out);
        }
    };
    let full = data.len() / LANES * LANES;
    for at in (0..full).step_by(LANES) {
        let (out, count) = chunk::<LANES>(w, inputs, data, at, limit);
        record(at, &out, count);
    }
    for at in full..data.len() {
        let (out, count) = chunk::<1>(w, inputs, data, at, limit);
        record(at, &out, count);
    }
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]), saturated)
}

#[inline(always)]
fn gradient_body(w: &[f64], inputs: usize, data: &Patterns, grad: &mut [f64]) -> f64 {
    let hidden = w.len() / (inputs + 2);
    let mut s = vec![0.0; hidden * BLOCK];
    let (mut out, mut r, mut g) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
    let mut lanes = [0.0; 4];
    grad.fill(0.0);
    for start in (0..data.len()).step_by(BLOCK) {
        let len = BLOCK.min(data.len() - start);
        let out = &mut out[..len];
        out.fill(0.0);
        for (unit, si) in w.chunks_exact(inputs + 2).zip(s.chunks_exact_mut(BLOCK)) {
            let si = &mut si[..len];
            activations(unit, data, start, si);
            for (o, sp) in out.iter_mut().zip(si.iter_mut()) {
                *sp = sigmoid(*sp);
                *o += unit[0] * *sp;
            }
        }
        let y = &data.targets()[start..start + len];
        for (i, ((rp, o), t)) in r[..len].iter_mut().zip(out.iter()).zip(y).enumerate() {
            *rp = o - t;
            lanes[i % 4] += *rp * *rp;
        }
        let r = &r[..len];
        for ((unit, gu), si) in w
            .chunks_exact(inputs + 2)
            .zip(grad.chunks_exact_mut(inputs + 2))
            .zip(s.chunks_exact(BLOCK))
        {
            let si = &si[..len];
            let v = unit[0];
            gu[0] += 2.0 * sum4(r.iter().zip(si).map(|(a, b)| a * b));
            for ((gp, rp), sp) in g[..len].iter_mut().zip(r).zip(si) {
                *gp = rp * v * sp * (1.0 - sp);
            }
            let g = &g[..len];
            gu[inputs + 1] += 2.0 * sum4(g.iter().copied());
            for k in 0..inputs {
                let x = &data.column(k)[start..start + len];
                gu[1 + k] += 2.0 * sum4(g.iter().zip(x).map(|(a, b)| a * b));
            }
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The same body compiled twice: as is, and with AVX2 enabled, chosen at run
/// time. Neither uses FMA, so both give the same bits.
macro_rules! dispatch {
    ($(#[$doc:meta])* $name:ident, $avx2:ident, $body:ident ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn $avx2($($arg: $ty),*) -> $ret {
            $body($($arg),*)
        }

        $(#[$doc])*
        pub fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { $avx2($($arg),*) };
            }
            $body($($arg),*)
        }
    };
}

dispatch!(
    /// (SSE, saturated pairs); writes every output when `outputs` is given.
    evaluate, evaluate_avx2, evaluate_body(w: &[f64], inputs: usize, data: &Patterns, limit: f64, outputs: Option<&mut [f64]>) -> (f64, u64)
);
dispatch!(
    /// SSE, with its gradient written into `grad`.
    gradient, gradient_avx2, gradient_body(w: &[f64], inputs: usize, data: &Patterns, grad: &mut [f64]) -> f64
);

/// The portable path alone, for the test that both paths agree.
#[cfg(test)]
pub fn evaluate_portable(w: &[f64], inputs: usize, data: &Patterns, limit: f64) -> (f64, u64) {
    evaluate_body(w, inputs, data, limit, None)
}

#[cfg(test)]
pub fn gradient_portable(w: &[f64], inputs: usize, data: &Patterns, grad: &mut [f64]) -> f64 {
    gradient_body(w, inputs, data, grad)
}
