//! The twelve regression benchmarks of SRNet (Luo et al., GECCO 2022),
//! generated: formulas, sizes and domains from the authors' repository
//! (LuoYuanzhen/SRNet-GECCO@a061e9e, `srnet-reg/dataset_config.py` and
//! `dataset/dataset_explain`; shared/docs/algorithms.md 8a.1). Their files
//! hold one unseeded draw each; here every draw comes from a fixed seed, so
//! the data are the same bits on every machine and the content hash a
//! constant (the README lists them).
//!
//! Each benchmark has three domains: interpolation (where the training
//! points are drawn, `INTER_MAP`), validation (about twice as wide, where
//! SRNet draws its synthetic selection points, `VALID_MAP`) and
//! extrapolation (about five times as wide, `TEST_MAP`).
//!
//! The formulas call libm's functions, not std's: std's go to the system's
//! library, whose last bits differ between platforms.

use crate::table::Table;
use libm::{cos, log, sin, sqrt};
use rand::{RngExt, SeedableRng};
use std::f64::consts::PI;

/// How the training points are laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    /// Each input uniform on its interval, independently.
    Uniform,
    /// Every input equal, `start + step i` (the authors' kkk3 file).
    Diagonal { start: f64, step: f64 },
}

pub type Domain = &'static [(f64, f64)];

#[derive(Debug, Clone, Copy)]
pub struct Formula {
    pub name: &'static str,
    /// What the authors call it.
    pub what: &'static str,
    /// The inputs' names, in column order (the formula's argument order).
    pub inputs: &'static [&'static str],
    pub points: usize,
    pub sampling: Sampling,
    pub interpolation: Domain,
    pub validation: Domain,
    pub extrapolation: Domain,
    /// Drawn as a curve by the authors: their comparison's test points are
    /// each input's linspace over the domain (the box's diagonal), not
    /// uniform draws (`compare_experiments.py`).
    pub curve: bool,
    f: fn(&[f64]) -> f64,
}

/// The seed of every draw: benchmark k is drawn from SEED + k.
pub const SEED: u64 = 2022;

const SQUARE_1: Domain = &[(-1.0, 1.0)];

pub const FORMULAS: [Formula; 12] = [
    Formula {
        name: "kkk0",
        what: "Koza: sin x + sin(x + x^2)",
        inputs: &["x"],
        points: 200,
        sampling: Sampling::Uniform,
        interpolation: SQUARE_1,
        validation: &[(-2.0, 2.0)],
        extrapolation: &[(-5.0, 5.0)],
        curve: true,
        f: |x| sin(x[0]) + sin(x[0] + x[0] * x[0]),
    },
    Formula {
        name: "kkk1",
        what: "Koza: 2 sin x0 cos x1",
        inputs: &["x0", "x1"],
        points: 200,
        sampling: Sampling::Uniform,
        interpolation: &[(-1.0, 1.0), (-1.0, 1.0)],
        validation: &[(-2.0, 2.0), (-2.0, 2.0)],
        extrapolation: &[(-5.0, 5.0), (-5.0, 5.0)],
        curve: true,
        f: |x| 2.0 * sin(x[0]) * cos(x[1]),
    },
    Formula {
        name: "kkk2",
        what: "Korns: 3 + 2.13 ln|x|",
        inputs: &["x"],
        points: 200,
        sampling: Sampling::Uniform,
        interpolation: &[(-50.0, 50.0)],
        validation: &[(-100.0, 100.0)],
        extrapolation: &[(-250.0, 250.0)],
        curve: true,
        f: |x| 3.0 + 2.13 * log(x[0].abs()),
    },
    Formula {
        name: "kkk3",
        what: "Korns: 1/(1 + x0^-4) + 1/(1 + x1^-4)",
        inputs: &["x0", "x1"],
        points: 25,
        sampling: Sampling::Diagonal {
            start: -5.0,
            step: 0.4,
        },
        interpolation: &[(-5.0, 5.0), (-5.0, 5.0)],
        validation: &[(-10.0, 10.0), (-10.0, 10.0)],
        extrapolation: &[(-25.0, 25.0), (-25.0, 25.0)],
        curve: true,
        f: |x| 1.0 / (1.0 + x[0].powi(-4)) + 1.0 / (1.0 + x[1].powi(-4)),
    },
    Formula {
        name: "kkk4",
        what: "Keijzer: 30 x0 x1 / ((x0 - 10) x2^2)",
        inputs: &["x0", "x1", "x2"],
        points: 1000,
        sampling: Sampling::Uniform,
        interpolation: &[(-1.0, 1.0), (-1.0, 1.0), (1.0, 2.0)],
        validation: &[(-2.0, 2.0), (-2.0, 2.0), (0.5, 2.5)],
        extrapolation: &[(-5.0, 5.0), (-5.0, 5.0), (0.5, 5.5)],
        curve: false,
        f: |x| 30.0 * x[0] * x[1] / ((x[0] - 10.0) * x[2] * x[2]),
    },
    Formula {
        name: "kkk5",
        what: "Keijzer: x0 x1 + sin((x0 - 1)(x1 - 1))",
        inputs: &["x0", "x1"],
        points: 20,
        sampling: Sampling::Uniform,
        interpolation: &[(-3.0, 3.0), (-3.0, 3.0)],
        validation: &[(-6.0, 6.0), (-6.0, 6.0)],
        extrapolation: &[(-15.0, 15.0), (-15.0, 15.0)],
        curve: true,
        f: |x| x[0] * x[1] + sin((x[0] - 1.0) * (x[1] - 1.0)),
    },
    Formula {
        name: "feynman0",
        what: "Feynman I.10.7, relativistic mass: m0 / sqrt(1 - v^2/c^2)",
        inputs: &["m0", "v", "c"],
        points: 9000,
        sampling: Sampling::Uniform,
        interpolation: &[(1.0, 5.0), (1.0, 2.0), (3.0, 10.0)],
        validation: &[(0.5, 8.5), (0.5, 2.5), (0.5, 14.5)],
        extrapolation: &[(0.5, 20.5), (0.5, 5.5), (0.5, 35.5)],
        curve: false,
        f: |x| x[0] / sqrt(1.0 - x[1] * x[1] / (x[2] * x[2])),
    },
    Formula {
        name: "feynman1",
        what: "Feynman I.12.2, Coulomb's law: q1 q2 / (4 pi e r^2)",
        inputs: &["q1", "q2", "e", "r"],
        points: 9000,
        sampling: Sampling::Uniform,
        interpolation: &[(1.0, 5.0); 4],
        validation: &[(0.5, 8.5); 4],
        extrapolation: &[(0.5, 20.5); 4],
        curve: false,
        f: |x| x[0] * x[1] / (4.0 * PI * x[2] * x[3] * x[3]),
    },
    Formula {
        // The authors' vars_map names these G, m1, m2, r1, r2, but their
        // function (and so their data) takes m1, m2, r1, r2, G.
        name: "feynman2",
        what: "Feynman I.13.12, gravitational potential: G m1 m2 (1/r2 - 1/r1)",
        inputs: &["m1", "m2", "r1", "r2", "G"],
        points: 10000,
        sampling: Sampling::Uniform,
        interpolation: &[(1.0, 5.0); 5],
        validation: &[(0.5, 8.5); 5],
        extrapolation: &[(0.5, 20.5); 5],
        curve: false,
        f: |x| x[4] * x[0] * x[1] * (1.0 / x[3] - 1.0 / x[2]),
    },
    Formula {
        name: "feynman3",
        what: "Feynman I.14.4, elastic potential: k x^2 / 2",
        inputs: &["k", "x"],
        points: 9000,
        sampling: Sampling::Uniform,
        interpolation: &[(1.0, 5.0); 2],
        validation: &[(0.5, 8.5); 2],
        extrapolation: &[(0.5, 20.5); 2],
        curve: false,
        f: |x| 0.5 * x[0] * x[1] * x[1],
    },
    Formula {
        name: "feynman4",
        what: "Feynman test 9, gravitational-wave power: -32/5 G^4/c^5 (m1 m2)^2 (m1 + m2) / r^5",
        inputs: &["G", "c", "m1", "m2", "r"],
        points: 10000,
        sampling: Sampling::Uniform,
        interpolation: &[(1.0, 2.0), (1.0, 2.0), (1.0, 5.0), (1.0, 5.0), (1.0, 2.0)],
        validation: &[(0.5, 2.5), (0.5, 2.5), (0.5, 8.5), (0.5, 8.5), (0.5, 2.5)],
        extrapolation: &[(0.5, 5.5), (0.5, 5.5), (0.5, 20.5), (0.5, 20.5), (0.5, 5.5)],
        curve: false,
        f: |x| {
            -32.0 / 5.0 * x[0].powi(4) / x[1].powi(5) * (x[2] * x[3]).powi(2) * (x[2] + x[3])
                / x[4].powi(5)
        },
    },
    Formula {
        name: "feynman5",
        what: "Feynman test 12, Jackson 2.11: q/(4 pi e y^2) (4 pi e V d - q d y^3/(y^2 - d^2)^2)",
        inputs: &["q", "y", "V", "d", "e"],
        points: 10000,
        sampling: Sampling::Uniform,
        interpolation: &[(1.0, 5.0), (1.0, 3.0), (1.0, 5.0), (4.0, 6.0), (1.0, 5.0)],
        validation: &[(0.5, 8.5), (0.5, 4.5), (0.5, 8.5), (2.0, 8.0), (0.5, 8.5)],
        extrapolation: &[
            (0.5, 20.5),
            (0.5, 10.5),
            (0.5, 20.5),
            (0.5, 10.5),
            (0.5, 20.5),
        ],
        curve: false,
        f: |x| {
            let (q, y, v, d, e) = (x[0], x[1], x[2], x[3], x[4]);
            let t = 4.0 * PI * e;
            q / (t * y * y) * (t * v * d - q * d * y.powi(3) / (y * y - d * d).powi(2))
        },
    },
];

pub fn formula(name: &str) -> Option<&'static Formula> {
    FORMULAS.iter().find(|f| f.name == name)
}

impl Formula {
    pub fn value(&self, x: &[f64]) -> f64 {
        (self.f)(x)
    }

    fn index(&self) -> u64 {
        FORMULAS
            .iter()
            .position(|f| f.name == self.name)
            .unwrap_or(0) as u64
    }

    /// The benchmark's training points and their values.
    pub fn generate(&self) -> Table {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(SEED + self.index());
        let mut table = Table::new(self.inputs.len());
        for i in 0..self.points {
            let x: Vec<f64> = match self.sampling {
                Sampling::Uniform => self
                    .interpolation
                    .iter()
                    .map(|&(lo, hi)| rng.random_range(lo..hi))
                    .collect(),
                Sampling::Diagonal { start, step } => {
                    vec![start + step * i as f64; self.inputs.len()]
                }
            };
            table.push(&x, self.value(&x));
        }
        table
    }

    /// The points of the wider domains, with their values: (validation,
    /// extrapolation), [`DOMAIN_POINTS`] each, as the authors' comparison
    /// script draws them (`compare_experiments.py`): uniform on the
    /// validation domain; on the extrapolation domain each input's linspace
    /// for a curve benchmark, uniform otherwise. Their own streams, so the
    /// training points do not move.
    pub fn domains(&self) -> (Table, Table) {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64((SEED + self.index()) << 32);
        let mut uniform = |domain: Domain| {
            let mut t = Table::new(domain.len());
            for _ in 0..DOMAIN_POINTS {
                let x: Vec<f64> = domain
                    .iter()
                    .map(|&(lo, hi)| rng.random_range(lo..hi))
                    .collect();
                t.push(&x, self.value(&x));
            }
            t
        };
        let validation = uniform(self.validation);
        let extrapolation = if self.curve {
            let mut t = Table::new(self.extrapolation.len());
            let last = (DOMAIN_POINTS - 1) as f64;
            for i in 0..DOMAIN_POINTS {
                let x: Vec<f64> = self
                    .extrapolation
                    .iter()
                    .map(|&(lo, hi)| lo + (hi - lo) * i as f64 / last)
                    .collect();
                t.push(&x, self.value(&x));
            }
            t
        } else {
            uniform(self.extrapolation)
        };
        (validation, extrapolation)
    }
}

/// Points in each wider domain (the authors' 1 000).
pub const DOMAIN_POINTS: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_give_their_textbook_values() {
        let at = |name: &str, x: &[f64]| formula(name).unwrap().value(x);
        assert_eq!(at("kkk0", &[0.0]), 0.0);
        assert!((at("kkk1", &[PI / 2.0, 0.0]) - 2.0).abs() < 1e-15);
        assert!((at("kkk2", &[-std::f64::consts::E]) - 5.13).abs() < 1e-12);
        assert_eq!(at("kkk3", &[1.0, 1.0]), 1.0);
        // The authors' kkk3 file: x = -0.6 gives 0.2294617563739375.
        assert!((at("kkk3", &[-0.6, -0.6]) - 0.229_461_756_373_937_5).abs() < 1e-12);
        assert_eq!(at("kkk4", &[1.0, 1.0, 1.0]), 30.0 / -9.0);
        assert_eq!(at("kkk5", &[1.0, 2.0]), 2.0);
        // Relativistic mass at v = 0.6 c: m0 / 0.8.
        assert!((at("feynman0", &[2.0, 0.6, 1.0]) - 2.5).abs() < 1e-12);
        assert!((at("feynman1", &[1.0, 1.0, 1.0 / (4.0 * PI), 1.0]) - 1.0).abs() < 1e-12);
        assert_eq!(
            at("feynman2", &[2.0, 3.0, 1.0, 2.0, 1.0]),
            6.0 * (0.5 - 1.0)
        );
        assert_eq!(at("feynman3", &[2.0, 3.0]), 9.0);
        assert_eq!(at("feynman4", &[1.0, 1.0, 1.0, 1.0, 1.0]), -64.0 / 5.0);
        // q = y = V = e = 1, d = 2: (4 pi 2 - 2 / 9) / (4 pi).
        let t = 4.0 * PI;
        assert!(
            (at("feynman5", &[1.0, 1.0, 1.0, 2.0, 1.0]) - (t * 2.0 - 2.0 / 9.0) / t).abs() < 1e-12
        );
    }

    #[test]
    fn generated_points_lie_in_the_training_domain_and_repeat_exactly() {
        for f in &FORMULAS {
            let t = f.generate();
            assert_eq!((t.rows(), t.d), (f.points, f.inputs.len()), "{}", f.name);
            assert_eq!(f.interpolation.len(), f.inputs.len());
            assert_eq!(f.validation.len(), f.inputs.len());
            assert_eq!(f.extrapolation.len(), f.inputs.len());
            for r in 0..t.rows() {
                for (v, (lo, hi)) in t.row(r).iter().zip(f.interpolation) {
                    assert!((lo..=hi).contains(&v), "{}: {v}", f.name);
                }
                assert!(t.y[r].is_finite(), "{}: row {r}", f.name);
            }
            assert_eq!(t, f.generate());
            // Each wider domain holds the narrower one.
            for ((i, v), e) in f
                .interpolation
                .iter()
                .zip(f.validation)
                .zip(f.extrapolation)
            {
                assert!(
                    v.0 <= i.0 && i.1 <= v.1 && e.0 <= v.0 && v.1 <= e.1,
                    "{}",
                    f.name
                );
            }
        }
        // The wider domains' points lie in them; a curve's run corner to corner.
        for f in &FORMULAS {
            let (valid, extra) = f.domains();
            for (t, domain) in [(&valid, f.validation), (&extra, f.extrapolation)] {
                assert_eq!(t.rows(), DOMAIN_POINTS);
                for r in 0..t.rows() {
                    let inside = t
                        .row(r)
                        .iter()
                        .zip(domain)
                        .all(|(v, (lo, hi))| lo <= v && v <= hi);
                    assert!(inside, "{} row {r}", f.name);
                    assert_eq!(t.y[r].to_bits(), f.value(t.row(r)).to_bits());
                }
            }
            if f.curve {
                let ends = [extra.row(0), extra.row(DOMAIN_POINTS - 1)];
                let corners: Vec<f64> = f.extrapolation.iter().map(|d| d.0).collect();
                assert_eq!(ends[0], corners.as_slice(), "{}", f.name);
            }
        }
        // The authors' kkk3 grid: -5, -4.6, ..., 4.6, both inputs equal.
        let t = formula("kkk3").unwrap().generate();
        assert_eq!(t.row(0), [-5.0, -5.0]);
        assert!((t.row(24)[0] - 4.6).abs() < 1e-12);
    }

    #[test]
    fn the_registry_loads_each_benchmark_with_its_pinned_content() {
        let registry = crate::Registry::built_in();
        let dir = crate::DataDir {
            path: "/nonexistent".into(),
            origin: "test",
        };
        let mut hashes = Vec::new();
        for f in &FORMULAS {
            let entry = registry.find(f.name, Some("generated")).unwrap();
            let ds = crate::load(entry, &dir, Default::default()).unwrap();
            assert_eq!(ds.full(), f.generate());
            hashes.push(format!("{} {}", f.name, &ds.content_hash[..16]));
        }
        // The README's table: a change here changes every SRNet cell.
        assert_eq!(hashes, PINNED);
    }

    const PINNED: [&str; 12] = [
        "kkk0 da5123f558240e53",
        "kkk1 55452d56ceec4ccd",
        "kkk2 5f7f7c2fa97ca98a",
        "kkk3 145d3bd8206f0e80",
        "kkk4 7c4b89bc26b964eb",
        "kkk5 9b346058e2e6600e",
        "feynman0 04543c27229af49c",
        "feynman1 988b63cdc3fa9872",
        "feynman2 ebb01559a511ca4b",
        "feynman3 315259edf3cab8c3",
        "feynman4 c0ce6e79fcf1927e",
        "feynman5 789ebda7bef68449",
    ];
}
