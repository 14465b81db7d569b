//! Where and when a report was made: the build, the machine and the date,
//! read once per report; or fixed values, so a test can compare a whole
//! report byte for byte (`--deterministic`).

/// What a report says about where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub commit: String,
    pub machine: String,
    pub date: String,
}

impl Provenance {
    /// This build, this machine, now.
    pub fn current() -> Provenance {
        Provenance {
            commit: env!("NNBENCH_COMMIT").to_string(),
            machine: machine(),
            date: utc_now(),
        }
    }

    /// The same on every machine and day.
    pub fn fixed() -> Provenance {
        Provenance {
            commit: "fixed".into(),
            machine: "a fixed machine".into(),
            date: "2000-01-01 00:00 UTC".into(),
        }
    }
}

/// "Model name, N cores, OS/arch", read once per report.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!(
        "{cpu}, {cores} cores, {}/{}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The current UTC time as YYYY-MM-DD HH:MM UTC (civil-from-days, Hinnant).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days_since_the_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // 2026-11-23 is day 20 780.
        assert_eq!(civil_from_days(20_780), (2026, 11, 23));
    }
}
