//! Real-time status (DLE EOT n), parsed per the ESC/POS reference.

use serde::{Deserialize, Serialize};

use cardcat_core::{Lang, Localized};

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

    pub fn describe(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let mut parts = Vec::new();
        if self.paper_out {
            parts.push(if zh { "缺纸" } else { "paper out" });
        } else if self.paper_near_end {
            parts.push(if zh { "纸将用尽" } else { "paper near end" });
        }
        if self.cover_open {
            parts.push(if zh { "上盖打开" } else { "cover open" });
        }
        if self.error {
            parts.push(if zh {
                "打印机故障"
            } else {
                "printer error"
            });
        }
        if !self.online {
            parts.push(if zh { "离线" } else { "offline" });
        }
        if parts.is_empty() {
            parts.push(if zh { "正常" } else { "ready" });
        }
        parts.join(if zh { "，" } else { ", " })
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
    fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        match self {
            PrintError::NotReady(s) => {
                if zh {
                    format!(
                        "打印机未就绪（{}），小票已排队，处理后会自动补打；交易不受影响",
                        s.describe(lang)
                    )
                } else {
                    format!(
                        "Printer not ready ({}); the receipt is queued and prints when fixed. The sale is not affected.",
                        s.describe(lang)
                    )
                }
            }
            PrintError::Unreachable(e) => {
                if zh {
                    format!("连接不上打印机（{e}），小票已排队；交易不受影响")
                } else {
                    format!(
                        "Cannot reach the printer ({e}); the receipt is queued. The sale is not affected."
                    )
                }
            }
            PrintError::Io(e) => {
                if zh {
                    format!(
                        "发送到打印机时连接中断（{e}）；为避免重复打印不会自动重打，请确认后手动补打"
                    )
                } else {
                    format!(
                        "The printer connection dropped while sending ({e}); to avoid a double print it is not retried automatically — reprint if needed"
                    )
                }
            }
            PrintError::BadTarget(t) => {
                if zh {
                    format!(
                        "打印机地址无效：{t}（例：tcp://192.168.1.50:9100、usb:0416:5011、serial:/dev/ttyUSB0:9600、file:/dev/usb/lp0）"
                    )
                } else {
                    format!(
                        "Invalid printer target: {t} (e.g. tcp://192.168.1.50:9100, usb:0416:5011, serial:/dev/ttyUSB0:9600, file:/dev/usb/lp0)"
                    )
                }
            }
            PrintError::Encode(e) => {
                if zh {
                    format!("小票生成失败：{e}")
                } else {
                    format!("Receipt could not be generated: {e}")
                }
            }
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
}
