//! [`Clock`]: business time, injected through the application state so that every rule that
//! reads time (token expiry, lockout, idempotency TTL, payment deadlines, the sweeper, invoice
//! dates) reads the same clock, and tests move it forward instead of sleeping or rewriting
//! rows.

use contracts::calendar::Date;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// India Standard Time, UTC+05:30, in seconds: the GST slabs and invoice dates follow the
/// Indian calendar day.
pub const IST_OFFSET_SECS: i64 = 19_800;

/// Where the time comes from. Cheap to clone (the shifted clock shares its offset).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Seconds added to the system time; `None` for the plain system clock.
    shift: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock: what production runs on.
    pub fn system() -> Clock {
        Clock { shift: None }
    }

    /// The system clock that tests can move forward with [`Clock::advance`]. It keeps
    /// ticking with real time, so rows written one after another keep their order.
    pub fn adjustable() -> Clock {
        Clock {
            shift: Some(Arc::new(AtomicI64::new(0))),
        }
    }

    /// Moves this clock (and every clone of it) `secs` seconds ahead. A no-op on the system
    /// clock, which nobody may move.
    pub fn advance(&self, secs: i64) {
        if let Some(shift) = &self.shift {
            shift.fetch_add(secs, Ordering::SeqCst);
        }
    }

    /// The time now, in unix seconds.
    pub fn now(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            });
        let shift = self
            .shift
            .as_ref()
            .map_or(0, |shift| shift.load(Ordering::SeqCst));
        system.saturating_add(shift)
    }

    /// Today's date in India.
    pub fn india_today(&self) -> Date {
        india_date(self.now())
    }
}

/// The Indian calendar date of the unix time `at`.
pub fn india_date(at: i64) -> Date {
    Date::from_unix_days((at + IST_OFFSET_SECS).div_euclid(86_400))
        .expect("the clock is within years 1 to 9999")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_forward_with_every_clone_and_the_system_clock_does_not() {
        let clock = Clock::adjustable();
        let clone = clock.clone();
        let before = clock.now();
        clone.advance(3_600);
        assert!((before + 3_600..=before + 3_601).contains(&clock.now()));

        let system = Clock::system();
        let now = system.now();
        system.advance(3_600);
        assert!(system.now() < now + 3_600);
    }

    #[test]
    fn the_indian_date_turns_at_midnight_ist() {
        // 2025-09-21T18:29:59Z is 23:59:59 IST on the 21st; a second later it is the 22nd.
        let last_second = 1_758_479_399;
        assert_eq!(india_date(last_second).to_string(), "2025-09-21");
        assert_eq!(india_date(last_second + 1).to_string(), "2025-09-22");
    }
}
