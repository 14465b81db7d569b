//! One cell's conversation with an external program: started in its
//! directory with its environment, its standard error kept (the last
//! lines, for the failure message), a watchdog that kills it at the cell's
//! deadline, and every failure turned into one message that says what went
//! wrong, how the program ended and what it last wrote on standard error.

use crate::protocol::{self, Arrays, ReadError, Reply};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How to start the program.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    pub command: Vec<String>,
    pub dir: PathBuf,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
}

/// Standard error lines kept for a failure message.
const TAIL_LINES: usize = 30;
const TAIL_LINE_CHARS: usize = 400;

pub struct Session {
    child: Arc<Mutex<Child>>,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
    tail: Arc<Mutex<VecDeque<String>>>,
    reader: Option<JoinHandle<()>>,
    timed_out: Arc<AtomicBool>,
    watchdog: Option<(Sender<()>, JoinHandle<()>)>,
    timeout: Duration,
}

impl Session {
    pub fn start(launch: &Launch) -> Result<Session, String> {
        let (program, args) = launch.command.split_first().ok_or("the command is empty")?;
        let mut child = Command::new(program)
            .args(args)
            .current_dir(&launch.dir)
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!(
                    "could not start {:?} in {}: {e}",
                    launch.command,
                    launch.dir.display()
                )
            })?;
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let stderr = child.stderr.take().expect("stderr is piped");
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let reader = {
            let tail = tail.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).split(b'\n') {
                    let Ok(line) = line else { break };
                    let text: String = String::from_utf8_lossy(&line)
                        .chars()
                        .take(TAIL_LINE_CHARS)
                        .collect();
                    let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                    if t.len() == TAIL_LINES {
                        t.pop_front();
                    }
                    t.push_back(text);
                }
            })
        };
        let child = Arc::new(Mutex::new(child));
        let timed_out = Arc::new(AtomicBool::new(false));
        let (cancel, cancelled) = channel::<()>();
        let watchdog = {
            let (child, timed_out) = (child.clone(), timed_out.clone());
            let deadline = Instant::now() + launch.timeout;
            std::thread::spawn(move || {
                let left = deadline.saturating_duration_since(Instant::now());
                if let Err(RecvTimeoutError::Timeout) = cancelled.recv_timeout(left) {
                    timed_out.store(true, Ordering::SeqCst);
                    let _ = child.lock().unwrap_or_else(|p| p.into_inner()).kill();
                }
            })
        };
        Ok(Session {
            child,
            stdin,
            stdout,
            tail,
            reader: Some(reader),
            timed_out,
            watchdog: Some((cancel, watchdog)),
            timeout: launch.timeout,
        })
    }

    /// Sends one message.
    pub fn send(
        &mut self,
        header: Map<String, Value>,
        arrays: &[(&str, usize, &[f64])],
    ) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("its input is closed")?;
        protocol::write(stdin, header, arrays)
            .map_err(|e| self.failure(&format!("it stopped reading its input ({e})")))
    }

    /// Reads one reply; an `error` reply is a failure with its message.
    pub fn receive(&mut self, max_values: usize) -> Result<(Reply, Arrays), String> {
        match protocol::read(&mut self.stdout, max_values) {
            Ok((Reply::Error { message }, _)) => {
                Err(self.failure(&format!("it reported an error: {message}")))
            }
            Ok(reply) => Ok(reply),
            Err(ReadError::Closed) => Err(self.failure("it ended without answering")),
            Err(ReadError::Garbled(why)) => Err(self.failure(&why)),
        }
    }

    /// The failure message: what went wrong, how the program ended, and
    /// the last lines of its standard error.
    pub fn failure(&mut self, what: &str) -> String {
        let what = if self.timed_out.load(Ordering::SeqCst) {
            format!(
                "it ran past its timeout of {} s and was stopped",
                self.timeout.as_secs_f64()
            )
        } else {
            what.to_string()
        };
        // A program that failed usually exits at once; give it a moment so
        // the message can say how it ended, and its last words are read.
        let status = self.wait(Duration::from_millis(500));
        let ended = match status {
            Some(s) => format!("; it exited with {s}"),
            None => String::new(),
        };
        if let Some(reader) = self.reader.take() {
            if status.is_some() {
                let _ = reader.join();
            } else {
                self.reader = Some(reader);
            }
        }
        let tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        let stderr = if tail.is_empty() {
            "; it wrote nothing on standard error".to_string()
        } else {
            format!(
                "; the end of its standard error:\n{}",
                tail.iter().cloned().collect::<Vec<_>>().join("\n")
            )
        };
        format!("external program: {what}{ended}{stderr}")
    }

    /// The CPU seconds the program and the children it waited for have
    /// used so far (Linux's /proc; None elsewhere): the harness's clock
    /// times its own thread, not the program.
    pub fn cpu_seconds(&self) -> Option<f64> {
        let pid = self.child.lock().unwrap_or_else(|p| p.into_inner()).id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: state is field 3, utime,
        // stime, cutime and cstime fields 14 to 17.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: f64 = fields
            .get(11..15)?
            .iter()
            .map(|f| f.parse::<f64>().ok())
            .sum::<Option<f64>>()?;
        // SAFETY: sysconf reads a constant of the system.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        (per_second > 0).then(|| ticks / per_second as f64)
    }

    /// Its exit status, waiting at most `patience` for it.
    fn wait(&self, patience: Duration) -> Option<std::process::ExitStatus> {
        let until = Instant::now() + patience;
        loop {
            let status = self
                .child
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .try_wait()
                .ok()
                .flatten();
            if status.is_some() || Instant::now() >= until {
                return status;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Session {
    /// Closes the program's input (its signal to exit), waits a little,
    /// then kills what is still running.
    fn drop(&mut self) {
        self.stdin = None;
        if self.wait(Duration::from_secs(2)).is_none() {
            let mut child = self.child.lock().unwrap_or_else(|p| p.into_inner());
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some((cancel, watchdog)) = self.watchdog.take() {
            let _ = cancel.send(());
            let _ = watchdog.join();
        }
        // The standard-error reader is left to end with the pipe: a
        // grandchild still holding it open must not hold up the grid.
        self.reader = None;
    }
}
