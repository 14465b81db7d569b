//! The hot loop: the network over a block of patterns at a time, feature-
//! major so every inner loop runs over contiguous patterns and vectorises.
//! Reductions use four fixed lanes and every multiply-add is fused
//! (`mul_add`), so the result does not depend on the vector width or the
//! instruction set: the portable path and the AVX2 + FMA path (chosen at run
//! time) give the same bits, and the SSE of `gradient` equals that of
//! `evaluate`. Callers go through `Network`.

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
            *zp = p.mul_add(*xp, *zp);
        }
    }
}

/// Sum of term(a[i], b[i]) in four lanes (lane i % 4), combined as
/// (l0 + l1) + (l2 + l3): the order is fixed whatever the vector width.
/// Written over chunks of four so it vectorises.
#[inline(always)]
fn sum4(a: &[f64], b: &[f64], term: impl Fn(f64, f64) -> f64) -> f64 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (a_rest, b_rest) = (a4.remainder(), b4.remainder());
    let mut lanes = [0.0; 4];
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            lanes[k] += term(x[k], y[k]);
        }
    }
    for (k, (x, y)) in a_rest.iter().zip(b_rest).enumerate() {
        lanes[k] += term(*x, *y);
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

#[inline(always)]
fn dot4(a: &[f64], b: &[f64]) -> f64 {
    sum4(a, b, |x, y| x * y)
}

/// Patterns a chunk keeps in registers from activation to output.
pub(crate) const LANES: usize = 16;

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
                z[k] = p.mul_add(x[k], z[k]);
            }
        }
        for k in 0..N {
            saturated += u64::from(z[k].abs() >= limit);
            out[k] = unit[0].mul_add(sigmoid(z[k]), out[k]);
        }
    }
    (out, saturated)
}

/// `chunk::<LANES>`, or its AVX2 + FMA form when `AVX2`.
#[inline(always)]
fn lanes<const AVX2: bool>(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    at: usize,
    limit: f64,
) -> ([f64; LANES], u64) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: `AVX2` is true only in `dispatch!`'s AVX2 branch, once the CPU has AVX2 and FMA.
        return unsafe { crate::avx2::chunk(w, inputs, data, at, limit) };
    }
    chunk::<LANES>(w, inputs, data, at, limit)
}

#[inline(always)]
fn evaluate_body<const AVX2: bool>(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    limit: f64,
    outputs: Option<&mut [f64]>,
) -> (f64, u64) {
    let mut local = Vec::new();
    let out = match outputs {
        Some(all) => all,
        None => {
            local.resize(data.len(), 0.0);
            &mut local[..]
        }
    };
    let mut saturated = 0;
    let full = data.len() / LANES * LANES;
    for at in (0..full).step_by(LANES) {
        let (chunk_out, count) = lanes::<AVX2>(w, inputs, data, at, limit);
        out[at..at + LANES].copy_from_slice(&chunk_out);
        saturated += count;
    }
    for (at, o) in out.iter_mut().enumerate().skip(full) {
        let ([one], count) = chunk::<1>(w, inputs, data, at, limit);
        *o = one;
        saturated += count;
    }
    (
        sum4(out, data.targets(), |o, t| (o - t) * (o - t)),
        saturated,
    )
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
                *o = unit[0].mul_add(*sp, *o);
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
            gu[0] += 2.0 * dot4(r, si);
            for ((gp, rp), sp) in g[..len].iter_mut().zip(r).zip(si) {
                *gp = rp * v * sp * (1.0 - sp);
            }
            let g = &g[..len];
            // The bias sees a constant input of 1 (x * 1 is exact, so this is the plain sum).
            gu[inputs + 1] += 2.0 * dot4(g, &[1.0; BLOCK][..len]);
            for k in 0..inputs {
                let x = &data.column(k)[start..start + len];
                gu[1 + k] += 2.0 * dot4(g, x);
            }
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// A portable body, and a body compiled with AVX2 and FMA enabled and
/// chosen at run time. Both do the same operations, so give the same bits.
macro_rules! dispatch {
    ($(#[$doc:meta])* $name:ident: $portable:path, $avx2:path, ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                #[target_feature(enable = "avx2,fma")]
                fn with_avx2($($arg: $ty),*) -> $ret {
                    $avx2($($arg),*)
                }
                // SAFETY: the CPU supports AVX2 and FMA, checked just above.
                return unsafe { with_avx2($($arg),*) };
            }
            $portable($($arg),*)
        }
    };
}

dispatch!(
    /// (SSE, saturated pairs); writes every output when `outputs` is given.
    evaluate: evaluate_body::<false>, evaluate_body::<true>, (w: &[f64], inputs: usize, data: &Patterns, limit: f64, outputs: Option<&mut [f64]>) -> (f64, u64)
);
dispatch!(
    /// SSE, with its gradient written into `grad`.
    gradient: gradient_body, gradient_body, (w: &[f64], inputs: usize, data: &Patterns, grad: &mut [f64]) -> f64
);

#[inline(always)]
fn sigmoids_body(steepness: f64, xs: &mut [f64]) {
    for x in xs {
        *x = sigmoid(steepness * *x);
    }
}

dispatch!(
    /// sigmoid(steepness x) for every x, in place. Callers compiled for the
    /// baseline CPU would get `mul_add` as a software call: this one is
    /// compiled for AVX2 + FMA where the CPU has them.
    sigmoids: sigmoids_body, sigmoids_body, (steepness: f64, xs: &mut [f64]) -> ()
);

/// The portable path alone, for the test that both paths agree.
#[cfg(test)]
pub fn evaluate_portable(w: &[f64], inputs: usize, data: &Patterns, limit: f64) -> (f64, u64) {
    evaluate_body::<false>(w, inputs, data, limit, None)
}

#[cfg(test)]
pub fn gradient_portable(w: &[f64], inputs: usize, data: &Patterns, grad: &mut [f64]) -> f64 {
    gradient_body(w, inputs, data, grad)
}
