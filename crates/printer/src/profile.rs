//! Known printer models: how to talk to each. One profile is chosen per terminal.

use serde::Serialize;

use crate::doc::PaperWidth;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Mode {
    /// Resident GB18030 font, entered with FS & (re-sent after every ESC @).
    Chinese,
    /// Single-byte code page selected with ESC t n (Epson TM series).
    Latin,
    /// The whole receipt as a GS v 0 raster image (printers without a Chinese font).
    Raster,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Chinese => "chinese-gb18030",
            Mode::Latin => "latin-codepage",
            Mode::Raster => "raster",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: &'static str,
    pub name: &'static str,
    pub width: PaperWidth,
    pub mode: Mode,
    /// ESC t n for Latin mode (16 = WPC1252).
    pub code_page: u8,
    /// GS V 66 0 (feed + partial cut) instead of a full cut.
    pub partial_cut: bool,
    /// Answers DLE EOT real-time status.
    pub status: bool,
    /// QR module size in dots.
    pub qr_module: u8,
}

const fn p(
    id: &'static str,
    name: &'static str,
    width: PaperWidth,
    mode: Mode,
    partial_cut: bool,
) -> Profile {
    let qr_module = match width {
        PaperWidth::Mm58 => 5,
        PaperWidth::Mm80 => 6,
    };
    Profile {
        id,
        name,
        width,
        mode,
        code_page: 16,
        partial_cut,
        status: true,
        qr_module,
    }
}

pub const PROFILES: &[Profile] = &[
    p(
        "xprinter-58",
        "Xprinter XP-58 系列 (58mm, 中文)",
        PaperWidth::Mm58,
        Mode::Chinese,
        false,
    ),
    p(
        "xprinter-80",
        "Xprinter XP-80/N160II (80mm, 中文)",
        PaperWidth::Mm80,
        Mode::Chinese,
        true,
    ),
    p(
        "gprinter-58",
        "佳博 Gprinter GP-5890 (58mm, 中文)",
        PaperWidth::Mm58,
        Mode::Chinese,
        false,
    ),
    p(
        "gprinter-80",
        "佳博 Gprinter GP-L80160 (80mm, 中文)",
        PaperWidth::Mm80,
        Mode::Chinese,
        true,
    ),
    p(
        "zywell-80",
        "Zywell ZY306 (80mm, 中文)",
        PaperWidth::Mm80,
        Mode::Chinese,
        true,
    ),
    p(
        "epson-tm-t20",
        "Epson TM-T20III (80mm, WPC1252)",
        PaperWidth::Mm80,
        Mode::Latin,
        true,
    ),
    p(
        "epson-tm-t88",
        "Epson TM-T88VI (80mm, WPC1252)",
        PaperWidth::Mm80,
        Mode::Latin,
        true,
    ),
    p(
        "raster-58",
        "Any 58mm ESC/POS, receipt as image",
        PaperWidth::Mm58,
        Mode::Raster,
        false,
    ),
    p(
        "raster-80",
        "Any 80mm ESC/POS, receipt as image (e.g. Epson for Chinese)",
        PaperWidth::Mm80,
        Mode::Raster,
        true,
    ),
];

pub fn find(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.id == id)
}

pub const DEFAULT_PROFILE: &str = "xprinter-80";
