//! Expressions of chromosomes and whole networks, simplified and printed
//! for people. The simplifier is small on purpose (constant folding, the
//! identities of 0 and 1, x - x, x / x, and affine chains w2 (w1 f + b1) +
//! b2 collapsed to one affine map); none of the symbolic crates checked
//! (symbolica: not free for commercial use; others unmaintained) fits a
//! dependency this small.

use crate::cgp::{Chromosome, Grid};
use crate::functions::Function;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(f64),
    Var(String),
    Apply(Function, Vec<Expr>),
}

use Expr::{Apply, Const};

impl Expr {
    pub fn var(name: &str) -> Expr {
        Expr::Var(name.to_string())
    }

    fn apply(f: Function, args: Vec<Expr>) -> Expr {
        Apply(f, args)
    }

    /// `w x + b`, simplified.
    pub fn affine(w: f64, x: Expr, b: f64) -> Expr {
        Expr::apply(
            Function::Add,
            vec![Expr::apply(Function::Mul, vec![Const(w), x]), Const(b)],
        )
        .simplify()
    }

    /// The value at one point, `vars` by name.
    pub fn eval(&self, vars: &dyn Fn(&str) -> f64) -> f64 {
        match self {
            Const(c) => *c,
            Expr::Var(v) => vars(v),
            Apply(f, args) => {
                let a = |k: usize| args.get(k).map_or(0.0, |e| e.eval(vars));
                f.apply(a(0), a(1), a(2))
            }
        }
    }

    /// Bottom up: constants folded where the result is finite, then the
    /// identities.
    pub fn simplify(self) -> Expr {
        let Apply(f, args) = self else {
            return self;
        };
        let args: Vec<Expr> = args.into_iter().map(Expr::simplify).collect();
        if let Some(values) = args
            .iter()
            .map(|a| if let Const(c) = a { Some(*c) } else { None })
            .collect::<Option<Vec<f64>>>()
        {
            let v = f.apply(
                values[0],
                values.get(1).copied().unwrap_or(0.0),
                values.get(2).copied().unwrap_or(0.0),
            );
            if v.is_finite() {
                return Const(v);
            }
        }
        identities(f, args)
    }
}

fn is(e: &Expr, value: f64) -> bool {
    matches!(e, Const(c) if *c == value)
}

/// `e` as (c, x) with e = c x: a product with a constant on the left, or
/// (1, e).
fn scaled(e: &Expr) -> (f64, &Expr) {
    match e {
        Apply(Function::Mul, args) => match args.as_slice() {
            [Const(c), x] => (*c, x),
            _ => (1.0, e),
        },
        _ => (1.0, e),
    }
}

fn identities(f: Function, mut args: Vec<Expr>) -> Expr {
    let b = args.pop_if(|_| f.arity() >= 2);
    let a = args.swap_remove(0);
    let Some(b) = b else {
        return Apply(f, vec![a]);
    };
    match f {
        Function::Add if is(&a, 0.0) => b,
        Function::Add | Function::Sub if is(&b, 0.0) => a,
        Function::Sub if a == b => Const(0.0),
        Function::Mul if is(&a, 0.0) || is(&b, 0.0) => Const(0.0),
        Function::Mul if is(&a, 1.0) => b,
        Function::Mul | Function::Div if is(&b, 1.0) => a,
        Function::Div if a == b => Const(1.0),
        Function::Div if is(&a, 0.0) => Const(0.0),
        // Constants to the left of a product: c x.
        Function::Mul if matches!(b, Const(_)) => identities(f, vec![b, a]),
        // c1 (c2 x) = (c1 c2) x; c1 (y + c2) = c1 y + c1 c2.
        Function::Mul => match (a, b) {
            (Const(c1), Apply(Function::Mul, inner)) if matches!(inner[0], Const(_)) => {
                let Const(c2) = inner[0] else { unreachable!() };
                identities(Function::Mul, vec![Const(c1 * c2), inner[1].clone()])
            }
            (Const(c1), Apply(Function::Add, inner)) if matches!(inner[1], Const(_)) => {
                let Const(c2) = inner[1] else { unreachable!() };
                let y = identities(Function::Mul, vec![Const(c1), inner[0].clone()]);
                identities(Function::Add, vec![y, Const(c1 * c2)])
            }
            (a, b) => Apply(f, vec![a, b]),
        },
        // Like terms: c1 x + c2 x = (c1 + c2) x, and c1 x - c2 x.
        Function::Add | Function::Sub if scaled(&a).1 == scaled(&b).1 => {
            let ((c1, x), (c2, _)) = (scaled(&a), scaled(&b));
            let c = if f == Function::Add { c1 + c2 } else { c1 - c2 };
            identities(Function::Mul, vec![Const(c), x.clone()])
        }
        // (y + c1) + c2 = y + (c1 + c2).
        Function::Add => match (a, b) {
            (Apply(Function::Add, inner), Const(c2)) if matches!(inner[1], Const(_)) => {
                let Const(c1) = inner[1] else { unreachable!() };
                identities(Function::Add, vec![inner[0].clone(), Const(c1 + c2)])
            }
            (a, b) => Apply(f, vec![a, b]),
        },
        _ => {
            let mut all = vec![a, b];
            all.extend(args);
            Apply(f, all)
        }
    }
}

impl Chromosome {
    /// The output's expression, `inputs[j]` standing for input j.
    pub fn expression(&self, grid: &Grid, inputs: &[Expr]) -> Expr {
        self.expression_at(grid, inputs, self.output()).simplify()
    }

    fn expression_at(&self, grid: &Grid, inputs: &[Expr], address: usize) -> Expr {
        if address < grid.inputs {
            return inputs[address].clone();
        }
        if address < grid.inputs + grid.constants {
            return Const(self.constants[address - grid.inputs]);
        }
        let node = self.node(grid, address);
        Apply(
            node.function,
            node.args[..node.function.arity()]
                .iter()
                .map(|&a| self.expression_at(grid, inputs, a))
                .collect(),
        )
    }
}

/// Four significant digits: enough to read, and the stored parameters keep
/// every bit.
fn number(c: f64) -> String {
    if c == 0.0 {
        return "0".into();
    }
    let magnitude = c.abs().log10().floor();
    if !(-3.0..5.0).contains(&magnitude) {
        return format!("{c:.3e}");
    }
    let decimals = (3.0 - magnitude).max(0.0) as usize;
    let text = format!("{c:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Binding strength: sums 1, products 2, negation and atoms above.
fn precedence(e: &Expr) -> u8 {
    match e {
        Apply(Function::Add | Function::Sub, _) => 1,
        Apply(Function::Mul | Function::Div, _) => 2,
        Const(c) if *c < 0.0 => 2,
        _ => 3,
    }
}

/// `e` in parentheses when it binds looser than `at_least`.
struct Operand<'a>(&'a Expr, u8);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        if precedence(self.0) < self.1 {
            write!(out, "({})", self.0)
        } else {
            write!(out, "{}", self.0)
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Const(c) => write!(out, "{}", number(*c)),
            Expr::Var(v) => write!(out, "{v}"),
            Apply(f, args) => match (f, args.as_slice()) {
                (Function::Add, [a, Const(c)]) if *c < 0.0 => {
                    write!(out, "{a} - {}", number(-c))
                }
                (Function::Add, [a, b]) => write!(out, "{a} + {b}"),
                (Function::Sub, [a, b]) => write!(out, "{a} - {}", Operand(b, 2)),
                (Function::Mul, [Const(c), b]) if *c == -1.0 => write!(out, "-{}", Operand(b, 3)),
                (Function::Mul, [a, b]) => write!(out, "{}*{}", Operand(a, 2), Operand(b, 3)),
                (Function::Div, [a, b]) => write!(out, "{}/{}", Operand(a, 2), Operand(b, 3)),
                (Function::Square, [a]) => write!(out, "{}^2", Operand(a, 3)),
                (Function::IfThenElse, [a, b, c]) => write!(out, "({a} <= 0 ? {b} : {c})"),
                (f, args) => {
                    let inner: Vec<String> = args.iter().map(ToString::to_string).collect();
                    write!(out, "{}({})", f.name(), inner.join(", "))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Expr {
        Expr::var("x0")
    }

    fn ap(f: Function, args: Vec<Expr>) -> Expr {
        Apply(f, args)
    }

    #[test]
    fn identities_and_constants_fold() {
        use Function::*;
        for (e, want) in [
            (ap(Add, vec![x(), Const(0.0)]), "x0"),
            (ap(Mul, vec![Const(1.0), x()]), "x0"),
            (ap(Mul, vec![x(), Const(0.0)]), "0"),
            (ap(Sub, vec![ap(Sin, vec![x()]), ap(Sin, vec![x()])]), "0"),
            (ap(Div, vec![ap(Cos, vec![x()]), ap(Cos, vec![x()])]), "1"),
            (ap(Add, vec![Const(2.0), Const(3.0)]), "5"),
            (ap(Mul, vec![x(), Const(3.0)]), "3*x0"),
            // Like terms collect.
            (ap(Add, vec![x(), x()]), "2*x0"),
            (ap(Add, vec![ap(Mul, vec![Const(0.5), x()]), x()]), "1.5*x0"),
            (
                ap(
                    Sub,
                    vec![
                        ap(Mul, vec![Const(3.0), ap(Sin, vec![x()])]),
                        ap(Sin, vec![x()]),
                    ],
                ),
                "2*sin(x0)",
            ),
            (
                ap(
                    Sub,
                    vec![
                        ap(Mul, vec![Const(2.0), x()]),
                        ap(Mul, vec![Const(2.0), x()]),
                    ],
                ),
                "0",
            ),
            (
                ap(Sin, vec![ap(Mul, vec![Const(0.5), Const(4.0)])]),
                "0.9093",
            ),
            // ln(-1) is not finite: it stays.
            (ap(Ln, vec![Const(-1.0)]), "ln(-1)"),
            (
                ap(Sub, vec![x(), ap(Add, vec![x(), Const(1.0)])]),
                "x0 - (x0 + 1)",
            ),
            (
                ap(Square, vec![ap(Add, vec![x(), Const(-2.5)])]),
                "(x0 - 2.5)^2",
            ),
            (ap(Mul, vec![Const(-1.0), ap(Sin, vec![x()])]), "-sin(x0)"),
        ] {
            assert_eq!(e.clone().simplify().to_string(), want, "{e:?}");
        }
    }

    #[test]
    fn affine_chains_collapse_to_one_map() {
        // 2 (3 sin(x) + 1) + 0.5 = 6 sin(x) + 2.5.
        let inner = Expr::affine(3.0, ap(Function::Sin, vec![x()]), 1.0);
        let outer = Expr::affine(2.0, inner, 0.5);
        assert_eq!(outer.to_string(), "6*sin(x0) + 2.5");
        // The value is the unsimplified one.
        let v = outer.eval(&|_| 0.7);
        assert!((v - (2.0 * (3.0 * 0.7f64.sin() + 1.0) + 0.5)).abs() < 1e-12);
    }

    #[test]
    fn numbers_print_with_four_significant_digits() {
        assert_eq!(number(0.123456), "0.1235");
        assert_eq!(number(-12.0), "-12");
        assert_eq!(number(1234.5678), "1235");
        assert_eq!(number(1.5e-7), "1.500e-7");
        assert_eq!(number(2.5e9), "2.500e9");
    }

    #[test]
    fn a_chromosome_prints_its_active_nodes() {
        let grid = Grid::authors(2, 2, 2, vec![Function::Add, Function::Mul, Function::Sin]);
        let c = Chromosome {
            genes: vec![1, 0, 1, 2, 2, 0, 0, 3, 4, 0, 0, 0, 5],
            constants: vec![0.5],
        };
        let e = c.expression(&grid, &[Expr::var("x0"), Expr::var("x1")]);
        assert_eq!(e.to_string(), "x0*x1 + 0.4794");
        let v = e.eval(&|name| if name == "x0" { 2.0 } else { 3.0 });
        assert_eq!(v, c.evaluate(&grid, &[&[2.0], &[3.0]])[0]);
    }
}
