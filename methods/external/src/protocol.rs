//! The wire format of nnbench's process protocol, version 1 (README,
//! "Methods in any language"; the JSON Schema is
//! `methods/external/protocol-v1.schema.json`). A message is one line of
//! JSON, then the arrays its `arrays` field lists, in order, each `rows x
//! cols` little-endian f64 values, row-major. JSON keeps the header
//! readable; the arrays go as raw bytes because a JSON array of 50 000
//! numbers costs more to print and parse than a small model costs to train.

use nnbench_core::StopReason;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

pub const PROTOCOL: &str = "nnbench-external/1";

/// The longest header line read: anything longer is not a header.
const MAX_HEADER: u64 = 16 << 20;

/// One array of a message, as its header lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub name: String,
    pub rows: usize,
    pub cols: usize,
}

/// What a program may answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reply {
    /// After `train`: what training spent and how it ended.
    Trained {
        #[serde(default)]
        objective_evals: u64,
        #[serde(default)]
        gradient_evals: u64,
        #[serde(default = "max_iterations")]
        stop: StopReason,
        #[serde(default)]
        notes: BTreeMap<String, f64>,
        /// (objective evaluations so far, best objective so far).
        #[serde(default)]
        trace: Vec<(u64, f64)>,
    },
    /// After `predict`: with one array, `y`.
    Outputs {},
    /// The program cannot go on; the cell fails with this message.
    Error { message: String },
}

fn max_iterations() -> StopReason {
    StopReason::MaxIterations
}

/// Writes `header` (a JSON object; its `arrays` field is set here) and the
/// arrays after it.
pub fn write(
    out: &mut impl Write,
    mut header: Map<String, Value>,
    arrays: &[(&str, usize, &[f64])],
) -> std::io::Result<()> {
    let shapes: Vec<Shape> = arrays
        .iter()
        .map(|&(name, cols, values)| Shape {
            name: name.into(),
            rows: values.len() / cols.max(1),
            cols,
        })
        .collect();
    header.insert(
        "arrays".into(),
        serde_json::to_value(shapes).expect("shapes serialise"),
    );
    let mut line = serde_json::to_vec(&header).expect("a JSON object serialises");
    line.push(b'\n');
    out.write_all(&line)?;
    for (_, _, values) in arrays {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        out.write_all(&bytes)?;
    }
    out.flush()
}

/// Why a reply could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// The program closed its output (it exited, or was killed).
    Closed,
    /// What it wrote is not a message; the text says what was wrong.
    Garbled(String),
}

/// A message's arrays, as its header lists them.
pub type Arrays = Vec<(Shape, Vec<f64>)>;

/// Reads one reply and its arrays, each at most `max_values` numbers.
pub fn read(input: &mut impl BufRead, max_values: usize) -> Result<(Reply, Arrays), ReadError> {
    let mut line = Vec::new();
    input
        .by_ref()
        .take(MAX_HEADER)
        .read_until(b'\n', &mut line)
        .map_err(|e| ReadError::Garbled(format!("reading its output failed: {e}")))?;
    if line.is_empty() {
        return Err(ReadError::Closed);
    }
    if line.last() != Some(&b'\n') && line.len() as u64 >= MAX_HEADER {
        return Err(ReadError::Garbled(format!(
            "it wrote {MAX_HEADER} bytes without a line break on standard output"
        )));
    }
    let text = String::from_utf8_lossy(&line);
    let garbled = |e: &dyn std::fmt::Display| {
        let shown: String = text.trim_end().chars().take(200).collect();
        ReadError::Garbled(format!(
            "its standard output is not a protocol message ({e}): {shown:?}; print progress and logs on standard error, which nnbench keeps"
        ))
    };
    let mut header: Map<String, Value> =
        serde_json::from_str(text.trim_end()).map_err(|e| garbled(&e))?;
    let shapes: Vec<Shape> = match header.remove("arrays") {
        None => Vec::new(),
        Some(a) => serde_json::from_value(a).map_err(|e| garbled(&e))?,
    };
    let reply: Reply = serde_json::from_value(Value::Object(header)).map_err(|e| garbled(&e))?;
    let mut arrays = Vec::with_capacity(shapes.len());
    for s in shapes {
        let n = s.rows.checked_mul(s.cols).filter(|&n| n <= max_values);
        let n = n.ok_or_else(|| {
            ReadError::Garbled(format!(
                "array {:?} of {} x {} is larger than the {max_values} values asked for",
                s.name, s.rows, s.cols
            ))
        })?;
        let mut bytes = vec![0u8; n * 8];
        input.read_exact(&mut bytes).map_err(|_| {
            ReadError::Garbled(format!(
                "array {:?} ended before its {} x {} values",
                s.name, s.rows, s.cols
            ))
        })?;
        let values = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("chunks of 8")))
            .collect();
        arrays.push((s.clone(), values));
    }
    Ok((reply, arrays))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(values: &[f64], cols: usize) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut header = Map::new();
        header.insert("type".into(), "outputs".into());
        write(&mut buf, header, &[("y", cols, values)]).unwrap();
        buf
    }

    #[test]
    fn a_message_round_trips_with_its_arrays_as_raw_bytes() {
        let values = [1.5, -2.0, f64::MAX, 1e-300, 0.1, 7.0];
        let buf = outputs(&values, 2);
        let newline = buf.iter().position(|&b| b == b'\n').unwrap();
        assert_eq!(
            &buf[..newline],
            br#"{"arrays":[{"cols":2,"name":"y","rows":3}],"type":"outputs"}"#
        );
        assert_eq!(buf.len(), newline + 1 + 6 * 8);
        let (reply, arrays) = read(&mut &buf[..], 100).unwrap();
        assert_eq!(reply, Reply::Outputs {});
        let shape = Shape {
            name: "y".into(),
            rows: 3,
            cols: 2,
        };
        assert_eq!(arrays, [(shape, values.to_vec())]);
    }

    #[test]
    fn a_trained_reply_takes_defaults_and_refuses_unknown_fields() {
        let (reply, _) = read(
            &mut &b"{\"type\":\"trained\",\"objective_evals\":5}\n"[..],
            0,
        )
        .unwrap();
        assert_eq!(
            reply,
            Reply::Trained {
                objective_evals: 5,
                gradient_evals: 0,
                stop: StopReason::MaxIterations,
                notes: BTreeMap::new(),
                trace: Vec::new()
            }
        );
        let typo = read(
            &mut &b"{\"type\":\"trained\",\"objective_eval\":5}\n"[..],
            0,
        );
        assert!(
            matches!(&typo, Err(ReadError::Garbled(e)) if e.contains("objective_eval")),
            "{typo:?}"
        );
    }

    #[test]
    fn garbage_short_arrays_and_a_closed_pipe_are_told_apart() {
        let garbage = read(&mut &b"epoch 1 loss 0.3\n"[..], 10);
        assert!(
            matches!(&garbage, Err(ReadError::Garbled(e)) if e.contains("\"epoch 1 loss 0.3\"") && e.contains("standard error")),
            "{garbage:?}"
        );
        let mut short = outputs(&[1.0, 2.0], 1);
        short.truncate(short.len() - 3);
        assert!(
            matches!(read(&mut &short[..], 10), Err(ReadError::Garbled(e)) if e.contains("ended before"))
        );
        let big = outputs(&[1.0; 20], 1);
        assert!(
            matches!(read(&mut &big[..], 10), Err(ReadError::Garbled(e)) if e.contains("larger than"))
        );
        assert_eq!(read(&mut &b""[..], 10), Err(ReadError::Closed));
    }
}
