//! A small semantic version (`MAJOR.MINOR.PATCH`) and the contract compatibility rule.

use std::fmt;
use std::str::FromStr;

/// A parsed `MAJOR.MINOR.PATCH` version. Pre-release and build suffixes are not part of the
/// contract protocol and are refused, so two parties can never disagree on how to compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// Why a version string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError(pub String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a MAJOR.MINOR.PATCH version: {:?}", self.0)
    }
}

impl std::error::Error for VersionError {}

impl Version {
    /// Parses `MAJOR.MINOR.PATCH` with plain decimal numbers (no leading `+`, no suffix).
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let err = || VersionError(text.to_owned());
        let mut parts = text.split('.');
        let mut next = || -> Result<u64, VersionError> {
            let part = parts.next().ok_or_else(err)?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let version = Version {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(version)
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The outcome of checking a widget's contract version against the shell's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compatibility {
    /// Same major, and the widget needs no minor the shell lacks.
    Compatible,
    /// Different major version: the wire types may have changed incompatibly.
    MajorMismatch { shell: Version, widget: Version },
    /// The widget was built against a newer minor: it may send events or expect props the
    /// shell does not know yet.
    WidgetNewer { shell: Version, widget: Version },
}

impl Compatibility {
    /// The rule of docs/MFE.md: same major, and widget minor not newer than the shell's.
    /// Patch levels never matter (they change no wire type).
    pub fn check(shell: Version, widget: Version) -> Self {
        if shell.major != widget.major {
            Compatibility::MajorMismatch { shell, widget }
        } else if widget.minor > shell.minor {
            Compatibility::WidgetNewer { shell, widget }
        } else {
            Compatibility::Compatible
        }
    }

    pub fn is_compatible(&self) -> bool {
        matches!(self, Compatibility::Compatible)
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compatibility::Compatible => write!(f, "compatible"),
            Compatibility::MajorMismatch { shell, widget } => write!(
                f,
                "widget built for contract {widget}, shell speaks {shell}: major versions differ"
            ),
            Compatibility::WidgetNewer { shell, widget } => write!(
                f,
                "widget built for contract {widget}, newer than the shell's {shell}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn parses_plain_versions() {
        assert_eq!(
            v("1.2.3"),
            Version {
                major: 1,
                minor: 2,
                patch: 3
            }
        );
        assert_eq!(v("0.0.0").to_string(), "0.0.0");
    }

    #[test]
    fn refuses_anything_that_is_not_three_numbers() {
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "1.2.x",
            "1..3",
            "v1.2.3",
            "1.2.3-beta",
            "+1.2.3",
            "1.2.99999999999999999999",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn same_major_and_older_or_equal_minor_is_compatible() {
        assert!(Compatibility::check(v("1.4.0"), v("1.4.9")).is_compatible());
        assert!(Compatibility::check(v("1.4.0"), v("1.0.0")).is_compatible());
    }

    #[test]
    fn a_newer_widget_minor_is_refused() {
        assert_eq!(
            Compatibility::check(v("1.4.0"), v("1.5.0")),
            Compatibility::WidgetNewer {
                shell: v("1.4.0"),
                widget: v("1.5.0")
            }
        );
    }

    #[test]
    fn a_different_major_is_refused_in_both_directions() {
        assert!(matches!(
            Compatibility::check(v("1.0.0"), v("2.0.0")),
            Compatibility::MajorMismatch { .. }
        ));
        assert!(matches!(
            Compatibility::check(v("2.0.0"), v("1.9.0")),
            Compatibility::MajorMismatch { .. }
        ));
    }
}
