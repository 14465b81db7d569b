//! The hot loop: the network over a block of patterns at a time, feature-
//! major so every inner loop runs over contiguous patterns and vectorises.
//! Reductions use four fixed lanes and every multiply-add is fused
//! (`mul_add`), so the result does not depend on the vector width or the
//! instruction set: the portable path and the AVX2 + FMA path (chosen at run
//! time) give the same bits, and the SSE of `gradient` equals that of
//! `evaluate`: its forward pass is the same chunk, keeping each unit's
//! sigmoid values for the backward pass. Callers go through `Network`.

use crate::data::Patterns;
use crate::fastexp::sigmoid;

/// Patterns per block of the gradient: a block's sigmoid values, residuals
/// and deltas stay in L1.
pub const BLOCK: usize = 256;

/// Sum of a[i] * b[i] in four lanes (lane i % 4), combined as
/// (l0 + l1) + (l2 + l3): the order is fixed whatever the vector width.
/// Written over chunks of four so it vectorises.
#[inline(always)]
fn dot4(a: &[f64], b: &[f64]) -> f64 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (a_rest, b_rest) = (a4.remainder(), b4.remainder());
    let mut lanes = [0.0; 4];
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            lanes[k] += x[k] * y[k];
        }
    }
    for (k, (x, y)) in a_rest.iter().zip(b_rest).enumerate() {
        lanes[k] += x * y;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Patterns a chunk keeps in registers from activation to output.
pub(crate) const LANES: usize = 16;

/// Where a chunk also writes each unit's sigmoid values, for the gradient:
/// unit u's value for the chunk's pattern k goes to `values[u * stride + k]`.
pub(crate) struct Keep<'a> {
    pub values: &'a mut [f64],
    pub stride: usize,
}

/// Outputs of the N patterns from `at`, and how many of their (unit,
/// pattern) pairs have |z| >= limit. Everything stays in registers.
#[inline(always)]
fn chunk<const N: usize>(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    at: usize,
    limit: f64,
    mut keep: Option<Keep>,
) -> ([f64; N], u64) {
    let mut out = [0.0; N];
    let mut saturated = 0;
    for (u, unit) in w.chunks_exact(inputs + 2).enumerate() {
        let mut z = [unit[inputs + 1]; N];
        for (j, p) in unit[1..=inputs].iter().enumerate() {
            let x: &[f64; N] = data.column(j)[at..at + N].try_into().expect("N patterns");
            for k in 0..N {
                z[k] = p.mul_add(x[k], z[k]);
            }
        }
        for k in 0..N {
            saturated += u64::from(z[k].abs() >= limit);
            let s = sigmoid(z[k]);
            if let Some(keep) = keep.as_mut() {
                keep.values[u * keep.stride + k] = s;
            }
            out[k] = unit[0].mul_add(s, out[k]);
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
    keep: Option<Keep>,
) -> ([f64; LANES], u64) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: `AVX2` is true only in `dispatch!`'s AVX2 branch, once the CPU has AVX2 and FMA.
        return unsafe { crate::avx2::chunk(w, inputs, data, at, limit, keep) };
    }
    chunk::<LANES>(w, inputs, data, at, limit, keep)
}

/// Adds the squared errors of the patterns from `at` to lane (pattern % 4),
/// in pattern order: `dot4`'s lanes, so evaluate and gradient sum alike.
#[inline(always)]
fn add_squares(lanes: &mut [f64; 4], outputs: &[f64], targets: &[f64], at: usize) {
    let targets = &targets[at..at + outputs.len()];
    for (i, (o, t)) in outputs.iter().zip(targets).enumerate() {
        lanes[(at + i) % 4] += (o - t) * (o - t);
    }
}

#[inline(always)]
fn evaluate_body<const AVX2: bool>(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    limit: f64,
    mut outputs: Option<&mut [f64]>,
) -> (f64, u64) {
    let targets = data.targets();
    let (mut sse, mut saturated) = ([0.0; 4], 0);
    let mut take = |at: usize, out: &[f64], count: u64| {
        add_squares(&mut sse, out, targets, at);
        if let Some(all) = outputs.as_mut() {
            all[at..at + out.len()].copy_from_slice(out);
        }
        saturated += count;
    };
    let full = data.len() / LANES * LANES;
    for at in (0..full).step_by(LANES) {
        let (out, count) = lanes::<AVX2>(w, inputs, data, at, limit, None);
        take(at, &out, count);
    }
    for at in full..data.len() {
        let (out, count) = chunk::<1>(w, inputs, data, at, limit, None);
        take(at, &out, count);
    }
    ((sse[0] + sse[1]) + (sse[2] + sse[3]), saturated)
}

#[inline(always)]
fn gradient_body<const AVX2: bool>(
    w: &[f64],
    inputs: usize,
    data: &Patterns,
    grad: &mut [f64],
) -> f64 {
    let hidden = w.len() / (inputs + 2);
    let mut s = vec![0.0; hidden * BLOCK];
    let (mut r, mut g) = ([0.0; BLOCK], [0.0; BLOCK]);
    let mut sse = [0.0; 4];
    grad.fill(0.0);
    let targets = data.targets();
    for start in (0..data.len()).step_by(BLOCK) {
        let len = BLOCK.min(data.len() - start);
        // The forward pass: residuals, and each unit's sigmoid values in `s`.
        let mut take = |at: usize, out: &[f64]| {
            add_squares(&mut sse, out, targets, start + at);
            let y = &targets[start + at..];
            for ((rp, o), t) in r[at..at + out.len()].iter_mut().zip(out).zip(y) {
                *rp = o - t;
            }
        };
        let full = len / LANES * LANES;
        for at in (0..full).step_by(LANES) {
            let keep = Keep {
                values: &mut s[at..],
                stride: BLOCK,
            };
            let (out, _) = lanes::<AVX2>(w, inputs, data, start + at, f64::INFINITY, Some(keep));
            take(at, &out);
        }
        for at in full..len {
            let keep = Keep {
                values: &mut s[at..],
                stride: BLOCK,
            };
            let (out, _) = chunk::<1>(w, inputs, data, start + at, f64::INFINITY, Some(keep));
            take(at, &out);
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
    (sse[0] + sse[1]) + (sse[2] + sse[3])
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
    gradient: gradient_body::<false>, gradient_body::<true>, (w: &[f64], inputs: usize, data: &Patterns, grad: &mut [f64]) -> f64
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
    gradient_body::<false>(w, inputs, data, grad)
}
