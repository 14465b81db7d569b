//! EXTERNAL, the method experiments name: a program of the researcher's,
//! in any language, trained and queried through the process protocol. A
//! cell starts it, sends it the training part (split and scaled as for
//! every built-in method), the cell's seed, budget and parameters, reads
//! what it spent, then asks it for outputs on each set the harness scores
//! (the test part only after training has ended), and closes its input.

use crate::protocol::{PROTOCOL, Reply, Shape};
use crate::session::{Launch, Session};
use nnbench_core::{
    Method, MethodParams, Model, ParamError, Patterns, Problem, Seeds, StopReason, Trained,
};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How to run the program: `params.program` of an EXTERNAL method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// The program and its arguments, e.g. `["python3", "my_method.py"]`.
    pub command: Vec<String>,
    /// Where it runs; relative paths in `command` and `sources` are
    /// relative to it. Default: where harness runs.
    #[serde(default = "here")]
    pub dir: String,
    /// Variables set for it, beside the harness's own environment.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Seconds one cell may take, training and answering.
    #[serde(default = "hour")]
    pub timeout: f64,
    /// Files whose content is part of every cell key, so editing them
    /// recomputes the method's cells. Default: every word of `command`
    /// that names a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<String>>,
    /// The sources' sha256 (names and contents), filled in at plan time.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub source_sha256: Option<String>,
}

fn here() -> String {
    ".".into()
}

fn hour() -> f64 {
    3600.0
}

impl Default for Program {
    fn default() -> Self {
        Program {
            command: Vec::new(),
            dir: here(),
            env: BTreeMap::new(),
            timeout: hour(),
            sources: None,
            source_sha256: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalParams {
    pub program: Program,
    /// Every other key, passed to the program as its parameters.
    #[serde(flatten)]
    pub params: toml::Table,
}

impl ExternalParams {
    fn dir(&self) -> PathBuf {
        PathBuf::from(&self.program.dir)
    }

    /// The declared sources, or the command's words that name files.
    fn sources(&self) -> Vec<String> {
        self.program.sources.clone().unwrap_or_else(|| {
            self.program
                .command
                .iter()
                .filter(|w| self.dir().join(w).is_file())
                .cloned()
                .collect()
        })
    }
}

fn program_error(value: impl std::fmt::Display, allowed: impl Into<String>) -> ParamError {
    ParamError::new("program", value, allowed)
}

/// Whether `name` runs: a path (relative to `dir`) to a file, or a name
/// found on PATH.
fn runnable(name: &str, dir: &Path) -> bool {
    if name.contains('/') {
        return dir.join(name).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|p| p.join(name).is_file()))
}

impl MethodParams for ExternalParams {
    const NAME: &'static str = "EXTERNAL";
    const SUMMARY: &'static str = "a program in any language, trained and queried through nnbench's process protocol (README, Methods in any language); its other parameters are passed to it";
    const VERSION: u32 = 1;

    fn resolve(&mut self) -> Result<(), ParamError> {
        let dir = self.dir();
        let sources = self.sources();
        let mut hash = Sha256::new();
        for name in sources {
            let content = std::fs::read(dir.join(&name)).map_err(|e| {
                program_error(
                    format!("source {name:?}"),
                    format!("cannot be read in {} ({e}); `sources` lists the program's files, relative to `dir`", dir.display()),
                )
            })?;
            hash.update(name.as_bytes());
            hash.update([0]);
            hash.update((content.len() as u64).to_le_bytes());
            hash.update(&content);
        }
        self.program.source_sha256 =
            Some(hash.finalize().iter().map(|b| format!("{b:02x}")).collect());
        Ok(())
    }

    fn build(&self) -> Result<Box<dyn Method>, ParamError> {
        let p = &self.program;
        let dir = self.dir();
        let Some(first) = p.command.first() else {
            return Err(program_error(
                "command = []",
                "name the program, e.g. `program = { command = [\"python3\", \"my_method.py\"] }`",
            ));
        };
        if !dir.is_dir() {
            return Err(program_error(
                format!("dir = {:?}", p.dir),
                "is not a directory",
            ));
        }
        if !runnable(first, &dir) {
            return Err(program_error(
                format!("command = {:?}", p.command),
                format!(
                    "{first:?} is neither on PATH nor a file in {}; install it or give its path",
                    dir.display()
                ),
            ));
        }
        if self.sources().is_empty() && p.sources.is_none() && !p.command.is_empty() {
            return Err(program_error(
                format!("command = {:?}", p.command),
                format!(
                    "no word of it names a file in {} (a script not found?), so edits to the program could not recompute its cells; list its files in `sources`, or `sources = []` to key on the command alone",
                    dir.display()
                ),
            ));
        }
        if !(p.timeout.is_finite() && p.timeout > 0.0) {
            return Err(program_error(
                format!("timeout = {}", p.timeout),
                "must be a number of seconds > 0",
            ));
        }
        Ok(Box::new(External(self.clone())))
    }
}

struct External(ExternalParams);

impl External {
    fn launch(&self) -> Launch {
        let p = &self.0.program;
        Launch {
            command: p.command.clone(),
            dir: self.0.dir(),
            env: p.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            timeout: Duration::from_secs_f64(p.timeout),
        }
    }

    /// Starts the program and trains it: the session, ready for queries,
    /// and its `trained` reply.
    fn start(
        &self,
        problem: &Problem<'_>,
        seeds: &Seeds,
        task: &Task,
    ) -> Result<(Session, Reply), String> {
        let data = problem.data();
        let mut session = Session::start(&self.launch())?;
        let mut rng = seeds.stream("external");
        let seed: u64 = rng.random::<u64>() >> 1;
        let header = train_header(
            task,
            data.inputs(),
            seed,
            problem.remaining(),
            &self.0.params,
        );
        let rows = data.rows();
        let mut arrays: Vec<(&str, usize, &[f64])> = vec![("x", data.inputs(), &rows)];
        if task.kind != "reconstruction" {
            arrays.push(("y", 1, data.targets()));
        }
        session.send(header, &arrays)?;
        let (reply, _) = session.receive(0)?;
        if !matches!(reply, Reply::Trained { .. }) {
            return Err(session.failure("it answered `train` with something other than `trained`"));
        }
        Ok((session, reply))
    }
}

/// The train message's header (its arrays are added as it is written).
fn train_header(
    task: &Task,
    inputs: usize,
    seed: u64,
    budget: Option<u64>,
    params: &toml::Table,
) -> Map<String, serde_json::Value> {
    let mut header = Map::new();
    header.insert("protocol".into(), PROTOCOL.into());
    header.insert("type".into(), "train".into());
    header.insert("task".into(), task.kind.into());
    header.insert("classes".into(), json!(task.labels));
    header.insert("inputs".into(), inputs.into());
    header.insert("outputs".into(), task.columns.into());
    header.insert("seed".into(), seed.into());
    header.insert("seed32".into(), (seed as u32).into());
    header.insert("budget".into(), json!({ "objective_evals": budget }));
    header.insert(
        "params".into(),
        serde_json::to_value(params).expect("TOML parameters are JSON"),
    );
    header
}

/// What the program is asked to do, as the train message says it.
struct Task {
    kind: &'static str,
    labels: Option<Vec<f64>>,
    /// Outputs per row.
    columns: usize,
}

/// A note's name as the model reports it: the names a program sends are
/// few and fixed, so each is kept once for the life of the process.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// A `trained` reply's trace and spend, checked and charged.
fn charge(
    problem: &mut Problem<'_>,
    objective: u64,
    gradient: u64,
    trace: &[(u64, f64)],
) -> Result<(), String> {
    let mut before = 0;
    for &(at, best) in trace {
        if at < before || at > objective {
            return Err(format!(
                "its trace is not a count of evaluations rising to its objective_evals ({objective}): {at} after {before}"
            ));
        }
        problem.charge_traced(at - before, 0, best);
        before = at;
    }
    problem.charge(objective - before, gradient);
    Ok(())
}

impl Method for External {
    fn train(&self, problem: &mut Problem<'_>, seeds: Seeds) -> Trained {
        let task = Task {
            kind: if problem.reconstruction() {
                "reconstruction"
            } else if problem.classes().is_some() {
                "classification"
            } else {
                "regression"
            },
            labels: problem.classes().map(<[f64]>::to_vec),
            columns: if problem.reconstruction() {
                problem.data().inputs()
            } else {
                1
            },
        };
        let started = self
            .start(problem, &seeds, &task)
            .and_then(|(mut session, reply)| {
                let Reply::Trained {
                    objective_evals,
                    gradient_evals,
                    stop,
                    notes,
                    trace,
                } = reply
                else {
                    unreachable!("start returns a trained reply")
                };
                charge(problem, objective_evals, gradient_evals, &trace)
                    .map_err(|e| session.failure(&e))?;
                let notes: Vec<(&'static str, f64)> =
                    notes.iter().map(|(k, v)| (intern(k), *v)).collect();
                problem.charge_cpu(session.cpu_seconds().unwrap_or(0.0));
                Ok((session, stop, notes))
            });
        match started {
            Ok((session, stop, notes)) => Trained {
                model: Box::new(ExternalModel {
                    session: Mutex::new(Some(session)),
                    failure: Mutex::new(None),
                    task,
                    notes,
                }),
                stop,
            },
            Err(failure) => Trained {
                model: Box::new(ExternalModel {
                    session: Mutex::new(None),
                    failure: Mutex::new(Some(failure)),
                    task,
                    notes: Vec::new(),
                }),
                stop: StopReason::MaxIterations,
            },
        }
    }
}

/// The trained program, still running, answering `predict`.
struct ExternalModel {
    session: Mutex<Option<Session>>,
    /// The first failure; later queries are not sent.
    failure: Mutex<Option<String>>,
    task: Task,
    notes: Vec<(&'static str, f64)>,
}

impl ExternalModel {
    fn predict(&self, session: &mut Session, data: &Patterns) -> Result<Vec<f64>, String> {
        let mut header = Map::new();
        header.insert("type".into(), "predict".into());
        let rows = data.rows();
        session.send(header, &[("x", data.inputs(), &rows)])?;
        let want = Shape {
            name: "y".into(),
            rows: data.len(),
            cols: self.task.columns,
        };
        let (reply, mut arrays) = session.receive(want.rows * want.cols)?;
        if reply != (Reply::Outputs {}) {
            return Err(
                session.failure("it answered `predict` with something other than `outputs`")
            );
        }
        let shapes: Vec<&Shape> = arrays.iter().map(|(s, _)| s).collect();
        if shapes != [&want] {
            let answered: Vec<String> = shapes
                .iter()
                .map(|s| format!("{} of {} x {}", s.name, s.rows, s.cols))
                .collect();
            return Err(session.failure(&format!(
                "asked for y of {} x {}, it answered [{}]",
                want.rows,
                want.cols,
                answered.join(", ")
            )));
        }
        let (_, y) = arrays.pop().expect("one array, checked");
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(session.failure(&format!(
                "output {i} of {} is {}, not a finite number",
                y.len(),
                y[i]
            )));
        }
        if let Some(labels) = &self.task.labels
            && let Some(i) = y.iter().position(|v| !labels.contains(v))
        {
            return Err(session.failure(&format!(
                "output {i} is {}, not one of the classes {labels:?}",
                y[i]
            )));
        }
        Ok(y)
    }
}

impl Model for ExternalModel {
    fn outputs(&self, data: &Patterns) -> Vec<f64> {
        let failed = vec![f64::NAN; data.len() * self.task.columns];
        let mut failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let (None, Some(s)) = (failure.as_ref(), session.as_mut()) else {
            return failed;
        };
        match self.predict(s, data) {
            Ok(y) => y,
            Err(e) => {
                *failure = Some(e);
                *session = None;
                failed
            }
        }
    }

    fn notes(&self) -> Vec<(&'static str, f64)> {
        self.notes.clone()
    }

    fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbench_core::register;

    fn build(table: &str) -> Result<(), String> {
        let t: toml::Table = toml::from_str(table).unwrap();
        (register::<ExternalParams>().build)(t)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn bad_programs_are_clear_errors() {
        let empty = build("").unwrap_err();
        assert!(empty.contains("name the program"), "{empty}");
        let missing = build("program = { command = [\"no-such-program-here\"] }").unwrap_err();
        assert!(missing.contains("neither on PATH nor a file"), "{missing}");
        let script = build("program = { command = [\"sh\", \"gone.sh\"] }").unwrap_err();
        assert!(script.contains("no word of it names a file"), "{script}");
        let timeout =
            build("program = { command = [\"sh\"], sources = [], timeout = 0 }").unwrap_err();
        assert!(
            timeout.contains("timeout = 0") && timeout.contains("> 0"),
            "{timeout}"
        );
        let source =
            build("program = { command = [\"sh\"], sources = [\"gone.py\"] }").unwrap_err();
        assert!(
            source.contains("\"gone.py\"") && source.contains("cannot be read"),
            "{source}"
        );
        let typo = build("program = { command = [\"sh\"], sources = [], timout = 5 }").unwrap_err();
        assert!(typo.contains("timout"), "{typo}");
        let forged =
            build("program = { command = [\"sh\"], sources = [], source_sha256 = \"00\" }")
                .unwrap_err();
        assert!(forged.contains("source_sha256"), "{forged}");
        assert!(
            build("program = { command = [\"sh\", \"-c\", \"true\"], sources = [] }\nhidden = 4")
                .is_ok()
        );
    }

    /// The schema the README points program authors to lists exactly the
    /// fields the harness writes.
    #[test]
    fn the_train_header_is_the_schemas() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../protocol-v1.schema.json")).unwrap();
        let train = &schema["$defs"]["train"];
        let mut required: Vec<&str> = train["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        required.sort_unstable();
        let task = Task {
            kind: "classification",
            labels: Some(vec![0.0, 1.0]),
            columns: 1,
        };
        let mut params = toml::Table::new();
        params.insert("hidden".into(), 4.into());
        let mut header = train_header(&task, 3, 7, Some(10), &params);
        header.insert("arrays".into(), json!([]));
        let mut written: Vec<&str> = header.keys().map(String::as_str).collect();
        written.sort_unstable();
        assert_eq!(written, required);
        assert_eq!(train["properties"]["protocol"]["const"], PROTOCOL);
        assert_eq!(header["params"], json!({ "hidden": 4 }));
        // The replies' fields are the schema's (the arrays aside, which
        // every message may carry).
        let fields = |name: &str| -> Vec<String> {
            let mut f: Vec<String> = schema["$defs"][name]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| *k != "arrays")
                .cloned()
                .collect();
            f.sort_unstable();
            f
        };
        assert_eq!(
            fields("trained"),
            [
                "gradient_evals",
                "notes",
                "objective_evals",
                "stop",
                "trace",
                "type"
            ]
        );
        let all = "{\"type\":\"trained\",\"objective_evals\":1,\"gradient_evals\":1,\"stop\":\"converged\",\"notes\":{},\"trace\":[]}\n";
        assert!(crate::protocol::read(&mut all.as_bytes(), 0).is_ok());
        assert_eq!(fields("error"), ["message", "type"]);
    }

    #[test]
    fn the_source_hash_follows_the_files_content() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("m.py");
        std::fs::write(&script, "print(1)\n").unwrap();
        let resolved = |text: &str| {
            let t: toml::Table = toml::from_str(text).unwrap();
            (register::<ExternalParams>().build)(t).unwrap().resolved
        };
        let table = format!(
            "program = {{ command = [\"python3\", \"m.py\"], dir = {:?} }}",
            dir.path().display().to_string()
        );
        let first = resolved(&table);
        let hash = |t: &toml::Table| t["program"]["source_sha256"].as_str().unwrap().to_string();
        assert_eq!(hash(&first).len(), 64);
        assert_eq!(hash(&resolved(&table)), hash(&first));
        std::fs::write(&script, "print(2)\n").unwrap();
        assert_ne!(hash(&resolved(&table)), hash(&first));
    }
}
