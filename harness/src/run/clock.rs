//! The clocks a cell is timed with: the real ones, or a fixed clock that
//! reads zero, so a report made from a test run is the same bytes every time.

use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Wall time, and the CPU time of the cell's own thread.
    Real,
    /// Every duration is zero (`--deterministic`).
    Fixed,
}

/// A started measurement.
pub struct Timer {
    clock: Clock,
    wall: Instant,
    cpu: f64,
}

impl Clock {
    pub fn start(self) -> Timer {
        Timer {
            clock: self,
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }
}

impl Timer {
    /// CPU seconds measured elsewhere (an external program's), as this
    /// clock reports them.
    pub fn cpu(&self, seconds: f64) -> f64 {
        match self.clock {
            Clock::Real => seconds,
            Clock::Fixed => 0.0,
        }
    }

    /// (wall, cpu) seconds since the start.
    pub fn elapsed(&self) -> (f64, f64) {
        match self.clock {
            Clock::Real => (self.wall.elapsed().as_secs_f64(), cpu_seconds() - self.cpu),
            Clock::Fixed => (0.0, 0.0),
        }
    }
}

/// CPU time of the calling thread; cells run on one thread each.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    } else {
        0.0
    }
}
