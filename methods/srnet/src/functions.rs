//! The node functions of the authors' CGP (`CGPNet/functions.py`),
//! unprotected: a division by zero or the log of a negative number gives
//! what IEEE arithmetic gives, and a layer whose loss is not finite scores
//! +inf (`_get_protected_loss`). The transcendental functions are libm's
//! (pure Rust), so every platform computes the same bits.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    Add,
    Sub,
    Mul,
    Div,
    Sqrt,
    /// The authors' `sqre`.
    #[serde(alias = "sqre")]
    Square,
    Ln,
    Sin,
    Cos,
    Tan,
    /// if a <= 0 then b else c, point by point. The authors' version tests
    /// the whole batch at once (`torch.all(a <= 0)`); their logged runs did
    /// not use it.
    IfThenElse,
}

impl Function {
    /// The ten of every logged run of the authors (`b_logs/*_30log.json`).
    pub const AUTHORS: [Function; 10] = [
        Function::Add,
        Function::Sub,
        Function::Mul,
        Function::Div,
        Function::Sqrt,
        Function::Square,
        Function::Ln,
        Function::Sin,
        Function::Cos,
        Function::Tan,
    ];

    pub fn arity(self) -> usize {
        match self {
            Function::Add | Function::Sub | Function::Mul | Function::Div => 2,
            Function::IfThenElse => 3,
            _ => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Function::Add => "add",
            Function::Sub => "sub",
            Function::Mul => "mul",
            Function::Div => "div",
            Function::Sqrt => "sqrt",
            Function::Square => "square",
            Function::Ln => "ln",
            Function::Sin => "sin",
            Function::Cos => "cos",
            Function::Tan => "tan",
            Function::IfThenElse => "if_then_else",
        }
    }

    /// Every function there is: the authors' ten and the one they did not run.
    pub fn all() -> impl Iterator<Item = Function> {
        Function::AUTHORS.into_iter().chain([Function::IfThenElse])
    }

    /// Functions named in a comma-separated list (`sqre` is `square`, as
    /// the authors spell it); Err names the first unknown name.
    pub fn parse_list(text: &str) -> Result<Vec<Function>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                Function::all()
                    .find(|f| f.name() == n || (n == "sqre" && *f == Function::Square))
                    .ok_or_else(|| n.to_string())
            })
            .collect()
    }

    /// The function at one point; arguments beyond its arity are ignored.
    pub fn apply(self, a: f64, b: f64, c: f64) -> f64 {
        match self {
            Function::Add => a + b,
            Function::Sub => a - b,
            Function::Mul => a * b,
            Function::Div => a / b,
            Function::Sqrt => libm::sqrt(a),
            Function::Square => a * a,
            Function::Ln => libm::log(a),
            Function::Sin => libm::sin(a),
            Function::Cos => libm::cos(a),
            Function::Tan => libm::tan(a),
            Function::IfThenElse => {
                if a <= 0.0 {
                    b
                } else {
                    c
                }
            }
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])` over a batch; `b` and `c` may be
    /// empty for functions that do not read them.
    pub fn apply_all(self, out: &mut [f64], a: &[f64], b: &[f64], c: &[f64]) {
        match self.arity() {
            1 => {
                for (o, &a) in out.iter_mut().zip(a) {
                    *o = self.apply(a, 0.0, 0.0);
                }
            }
            2 => {
                for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
                    *o = self.apply(a, b, 0.0);
                }
            }
            _ => {
                for (((o, &a), &b), &c) in out.iter_mut().zip(a).zip(b).zip(c) {
                    *o = self.apply(a, b, c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_unprotected_as_the_authors_are() {
        assert!(Function::Div.apply(1.0, 0.0, 0.0).is_infinite());
        assert!(Function::Div.apply(0.0, 0.0, 0.0).is_nan());
        assert!(Function::Sqrt.apply(-1.0, 0.0, 0.0).is_nan());
        assert!(Function::Ln.apply(-1.0, 0.0, 0.0).is_nan());
        assert_eq!(Function::Ln.apply(0.0, 0.0, 0.0), f64::NEG_INFINITY);
        assert_eq!(Function::Square.apply(-3.0, 0.0, 0.0), 9.0);
        assert_eq!(Function::Sub.apply(2.0, 5.0, 0.0), -3.0);
        assert!((Function::Tan.apply(std::f64::consts::FRAC_PI_4, 0.0, 0.0) - 1.0).abs() < 1e-15);
        assert_eq!(Function::IfThenElse.apply(0.0, 1.0, 2.0), 1.0);
        assert_eq!(Function::IfThenElse.apply(1e-300, 1.0, 2.0), 2.0);
        assert!(Function::IfThenElse.apply(f64::NAN, 1.0, 2.0) == 2.0);
    }

    #[test]
    fn a_batch_is_the_function_at_every_point() {
        let a = [1.0, 4.0, -1.0];
        let b = [2.0, 0.5, 3.0];
        let mut out = [0.0; 3];
        Function::Div.apply_all(&mut out, &a, &b, &[]);
        assert_eq!(out, [0.5, 8.0, -1.0 / 3.0]);
        Function::Sqrt.apply_all(&mut out, &a, &[], &[]);
        assert_eq!(out[..2], [1.0, 2.0]);
        assert!(out[2].is_nan());
    }

    #[test]
    fn names_read_as_the_authors_wrote_them() {
        let f: Vec<Function> =
            serde_json::from_str(r#"["add", "sqre", "square", "if_then_else"]"#).unwrap();
        assert_eq!(
            f,
            [
                Function::Add,
                Function::Square,
                Function::Square,
                Function::IfThenElse
            ]
        );
        let e = serde_json::from_str::<Function>(r#""exp""#).unwrap_err();
        assert!(e.to_string().contains("unknown variant `exp`"), "{e}");
    }
}
