//! PROPOSED and PROPOSED_ADAM: the two-phase method of Tsoulos, Tzallas,
//! Karvounis and Tsalikakis, "Bound the parameters of neural networks using
//! particle swarm optimization", Computers 12(4):82, 2023.
//!
//! Phase 1 runs a particle swarm on the penalised error E(w) (1 + alpha B^q),
//! where B is the fraction of (hidden unit, pattern) pairs whose sigmoid
//! argument reaches |L|, inside [-init_range, init_range]. Phase 2 builds a
//! box around the best particle and trains the unpenalised SSE inside it
//! with a bound-constrained BFGS (PROPOSED) or the authors' box-clipped Adam
//! (PROPOSED_ADAM).
//!
//! Sources: the paper (shared/seeds, Table 1) and the authors' OPTIMUS code
//! at itsoulos/OPTIMUS@80d45a05 (`src/Pso/pso.cpp`, `bin/NeuralTrain/*`).
//! Where they disagree, both are presets (see `params`): `penalty` paper
//! (alpha 100, q 1) or code (q 2); `bounds` paper (+-F|p|, floored), code-2x,
//! code-0.9-1.1; `repetition` paper (both phases per run) or code (phase 1
//! once per dataset and fold). Deviation: the authors' phase 2 is Powell's
//! TOLMIN; ours is a projected BFGS with the same 2001-evaluation cap
//! (nnbench-optim).

mod params;
mod phase2;
mod swarm;

pub use params::{
    BoundsPreset, Local, Penalty, Phase, ProposedParams, Repetition, Stopping, WithAdam, WithBfgs,
};
pub use phase2::box_around;
pub use swarm::{Pull, SwarmOptions, SwarmOutcome, inertia};

use nnbench_core::{
    Method, MethodParams, Network, NetworkModel, ParamError, Problem, Seeds, Shape, StopReason,
    Trained,
};
use nnbench_optim::Bounds;
use rand::RngExt;

pub type Proposed = ProposedParams<WithBfgs>;
pub type ProposedAdam = ProposedParams<WithAdam>;

impl<P: Phase> MethodParams for ProposedParams<P> {
    const NAME: &'static str = P::NAME;
    const SUMMARY: &'static str = P::SUMMARY;
    // 2 and 3 were changes of the core's network kernel (fused multiply-adds,
    // then the Pade sigmoid), which core's ALGORITHM_VERSION now carries into
    // every cell key: bump this only for a change of this method itself.
    const VERSION: u32 = 3;

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        self.check()?;
        Ok(Box::new(Pso(self.clone())))
    }
}

impl<P: Phase> ProposedParams<P> {
    /// Phase 1: the swarm on the penalised error. Its stream is the run's
    /// own (`repetition = "paper"`) or the one every repetition of this
    /// dataset and fold shares (`"code"`).
    pub fn bounding_phase(&self, problem: &mut Problem<'_>, seeds: Seeds) -> SwarmOutcome {
        let network = problem.network();
        let pairs = (network.hidden * problem.data().len()).max(1) as f64;
        let options = SwarmOptions {
            particles: self.particles,
            iterations: self.iterations,
            inertia_max: self.inertia_max,
            inertia_min: self.inertia_min,
            c1: self.c1,
            c2: self.c2,
            stopping: self.stopping,
        };
        let mut rng = match self.repetition {
            Repetition::Paper => seeds.run(),
            Repetition::Code => seeds.shared(),
        };
        let swarm_box = Bounds::symmetric(network.weights(), self.init_range);
        let (penalty, limit) = (self.penalty, self.limit);
        swarm::run(
            |w| {
                if problem.exhausted() {
                    return None;
                }
                let e = problem.evaluate(w, Some(limit));
                Some(penalty.apply(e.sse, e.saturated as f64 / pairs))
            },
            &swarm_box,
            &options,
            &mut rng,
        )
    }
}

/// The checked parameters: only `build` makes one, so only checked values train.
struct Pso<P: Phase>(ProposedParams<P>);

impl<P: Phase> Method for Pso<P> {
    fn network(&self, inputs: usize) -> Option<Network> {
        Some(Network::new(inputs, self.0.hidden))
    }

    /// Position, velocity and personal best of every particle.
    fn footprint(&self, shape: Shape) -> f64 {
        let weights = Network::new(shape.inputs, self.0.hidden).weights() as f64;
        3.0 * self.0.particles as f64 * weights + shape.rows as f64 * self.0.hidden as f64
    }

    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let network = problem.network();
        let swarm = self.0.bounding_phase(problem, seeds);
        let local_box = box_around(&swarm.best, self.0.bounds, self.0.factor, self.0.floor);
        let start = match self.0.repetition {
            Repetition::Paper => swarm.best.clone(),
            Repetition::Code => {
                let mut rng = seeds.run();
                (0..local_box.len())
                    .map(|j| rng.random_range(local_box.lower[j]..=local_box.upper[j]))
                    .collect()
            }
        };
        let local = phase2::LocalSearch {
            local: self.0.local,
            bfgs_evaluations: self.0.bfgs_evaluations,
            adam_iterations: self.0.adam_iterations,
        };
        let weights = local.run(problem, &start, &local_box);
        let stop = if problem.exhausted() || swarm.interrupted {
            StopReason::BudgetExhausted
        } else if weights.iter().any(|w| !w.is_finite()) {
            StopReason::NonFinite
        } else {
            StopReason::MaxIterations
        };
        Trained {
            model: Box::new(NetworkModel { network, weights }),
            stop,
        }
    }
}
