//! Real-time status (DLE EOT n), parsed per the ESC/POS reference.

use serde::{Deserialize, Serialize};

use cardcat_core::i18n::{Arg, Args};
use cardcat_core::{Lang, Localized, t};

pub const DLE_EOT_PRINTER: [u8; 3] = [0x10, 0x04, 1];
pub const DLE_EOT_OFFLINE: [u8; 3] = [0x10, 0x04, 2];
pub const DLE_EOT_ERROR: [u8; 3] = [0x10, 0x04, 3];
pub const DLE_EOT_PAPER: [u8; 3] = [0x10, 0x04, 4];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrinterStatus {
    pub online: bool,
    pub cover_open: bool,
    pub paper_near_end: bool,
    pub paper_out: bool,
    pub error: bool,
}

impl PrinterStatus {
    pub fn ready() -> PrinterStatus {
        PrinterStatus {
            online: true,
            ..Default::default()
        }
    }

    /// From the answers to DLE EOT 1, 2, 3, 4 (each one byte).
    pub fn parse(printer: u8, offline: u8, error: u8, paper: u8) -> PrinterStatus {
        PrinterStatus {
            online: printer & 0x08 == 0,
            cover_open: offline & 0x04 != 0,
            paper_near_end: paper & 0x0C != 0,
            paper_out: paper & 0x60 != 0 || offline & 0x20 != 0,
            error: error & 0x6C != 0 || offline & 0x40 != 0,
        }
    }

    /// The bytes a printer in this state answers to DLE EOT 1..=4 (the emulator uses this).
    pub fn answers(&self) -> [u8; 4] {
        let fixed = 0x12; // bits 1 and 4 are always 1
        let printer = fixed | if self.online { 0 } else { 0x08 };
        let offline = fixed
            | if self.cover_open { 0x04 } else { 0 }
            | if self.paper_out { 0x20 } else { 0 }
            | if self.error { 0x40 } else { 0 };
        let error = fixed | if self.error { 0x08 } else { 0 };
        let paper = fixed
            | if self.paper_near_end { 0x0C } else { 0 }
            | if self.paper_out { 0x60 } else { 0 };
        [printer, offline, error, paper]
    }

    pub fn can_print(&self) -> bool {
        self.online && !self.cover_open && !self.paper_out && !self.error
    }

    /// Catalog keys of what is wrong (`printer.status.paper_out`, ...), or
    /// `printer.status.ready` when nothing is.
    pub fn problem_keys(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        if self.paper_out {
            keys.push("printer.status.paper_out");
        } else if self.paper_near_end {
            keys.push("printer.status.paper_near_end");
        }
        if self.cover_open {
            keys.push("printer.status.cover_open");
        }
        if self.error {
            keys.push("printer.status.error");
        }
        if !self.online {
            keys.push("printer.status.offline");
        }
        if keys.is_empty() {
            keys.push("printer.status.ready");
        }
        keys
    }

    pub fn describe(&self, lang: Lang) -> String {
        let parts: Vec<String> = self
            .problem_keys()
            .into_iter()
            .map(|k| t!(lang, k))
            .collect();
        parts.join(&t!(lang, "list.separator"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error("printer not ready: {0:?}")]
    NotReady(PrinterStatus),
    #[error("cannot reach printer: {0}")]
    Unreachable(String),
    #[error("printer connection failed while sending: {0}")]
    Io(String),
    #[error("bad target: {0}")]
    BadTarget(String),
    #[error("encode: {0}")]
    Encode(String),
}

impl Localized for PrintError {
    fn code(&self) -> &'static str {
        match self {
            PrintError::NotReady(_) => "printer.not_ready",
            PrintError::Unreachable(_) => "printer.unreachable",
            PrintError::Io(_) => "printer.io",
            PrintError::BadTarget(_) => "printer.bad_target",
            PrintError::Encode(_) => "printer.encode",
        }
    }
    fn args(&self, lang: Lang) -> Args {
        match self {
            PrintError::NotReady(s) => vec![("status", Arg::from(s.describe(lang)))],
            PrintError::Unreachable(d) | PrintError::Io(d) | PrintError::Encode(d) => {
                vec![("detail", Arg::from(d))]
            }
            PrintError::BadTarget(t) => vec![("target", Arg::from(t))],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_roundtrip() {
        let states = [
            PrinterStatus::ready(),
            PrinterStatus {
                paper_out: true,
                ..PrinterStatus::ready()
            },
            PrinterStatus {
                paper_near_end: true,
                ..PrinterStatus::ready()
            },
            PrinterStatus {
                cover_open: true,
                ..PrinterStatus::ready()
            },
            PrinterStatus {
                online: false,
                ..Default::default()
            },
            PrinterStatus {
                error: true,
                ..PrinterStatus::ready()
            },
        ];
        for s in states {
            let [a, b, c, d] = s.answers();
            assert_eq!(PrinterStatus::parse(a, b, c, d), s);
        }
        assert!(
            !PrinterStatus {
                paper_out: true,
                ..PrinterStatus::ready()
            }
            .can_print()
        );
        assert!(
            PrinterStatus {
                paper_near_end: true,
                ..PrinterStatus::ready()
            }
            .can_print()
        );
    }

    #[test]
    fn status_is_described_in_both_languages() {
        let s = PrinterStatus {
            paper_out: true,
            cover_open: true,
            ..PrinterStatus::ready()
        };
        assert_eq!(s.describe(Lang::ZhCn), "缺纸，上盖打开");
        assert_eq!(s.describe(Lang::En), "paper out, cover open");
        assert_eq!(PrinterStatus::ready().describe(Lang::ZhCn), "正常");
        let e = PrintError::NotReady(s);
        assert_eq!(e.code(), "printer.not_ready");
        assert!(
            e.message(Lang::ZhCn)
                .starts_with("打印机未就绪（缺纸，上盖打开）")
        );
    }
}
