//! What a receipt looks like on paper, independent of bytes: the decoder produces a
//! [`Document`] from ESC/POS bytes, the renderer turns a `Document` into pixels, and the
//! raster encoder renders laid-out receipts through the same path — so the preview
//! shows exactly what the bytes say.

use serde::{Deserialize, Serialize};

/// Paper widths we support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaperWidth {
    /// 58 mm: 32 columns of 12-dot characters, 384 dots.
    Mm58,
    /// 80 mm: 48 columns, 576 dots.
    Mm80,
}

impl PaperWidth {
    pub fn cols(self) -> usize {
        match self {
            PaperWidth::Mm58 => 32,
            PaperWidth::Mm80 => 48,
        }
    }
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }
    pub fn parse(s: &str) -> Option<PaperWidth> {
        match s.trim().trim_end_matches("mm") {
            "58" => Some(PaperWidth::Mm58),
            "80" => Some(PaperWidth::Mm80),
            _ => None,
        }
    }
}

/// Alignment is the receipt model's: one type from layout to paper.
pub use cardcat_core::receipt::Align;

/// Character style in force for a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Style {
    pub align: Align,
    pub bold: bool,
    /// Character width multiplier (GS ! high nibble + 1), 1..=8.
    pub width_mul: u8,
    /// Character height multiplier (GS ! low nibble + 1), 1..=8.
    pub height_mul: u8,
}

impl Style {
    pub fn normal() -> Style {
        Style {
            align: Align::Left,
            bold: false,
            width_mul: 1,
            height_mul: 1,
        }
    }
}

/// A monochrome bitmap, row-major, 1 = black dot. `width` in dots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    /// `width * height` booleans packed as bytes (0 or 1), row-major.
    pub dots: Vec<u8>,
}

impl Bitmap {
    pub fn new(width: u32, height: u32) -> Bitmap {
        Bitmap {
            width,
            height,
            dots: vec![0; (width as usize) * (height as usize)],
        }
    }
    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width
            && y < self.height
            && self.dots[(y as usize) * (self.width as usize) + x as usize] != 0
    }
    pub fn set(&mut self, x: u32, y: u32) {
        if x < self.width && y < self.height {
            let w = self.width as usize;
            self.dots[(y as usize) * w + x as usize] = 1;
        }
    }
}

/// One thing the printer would put on paper (or do), in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Item {
    /// A printed text line (terminated by LF, or flushed by a command that ends the line).
    Text { text: String, style: Style },
    /// Paper fed by `n` empty lines (ESC d n, or an empty LF).
    Feed(u8),
    /// QR code (GS ( k): data, module size in dots, alignment at print time.
    Qr {
        data: String,
        module: u8,
        align: Align,
    },
    /// 1-D barcode (GS k): system (73 = CODE128), data as sent, bar width, height, alignment.
    Barcode {
        system: u8,
        data: String,
        module: u8,
        height: u8,
        align: Align,
    },
    /// Raster image (GS v 0).
    Raster { bitmap: Bitmap, align: Align },
    /// Paper cut (GS V): partial or full.
    Cut { partial: bool },
    /// Cash drawer kick pulse (ESC p).
    DrawerKick { pin: u8 },
}

/// Printer modes seen while decoding, for tests and the installer's probe page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Modes {
    /// FS & was in force when text was printed at least once.
    pub chinese_text: bool,
    /// Code pages selected with ESC t.
    pub code_pages: Vec<u8>,
    /// Number of ESC @ (initialise).
    pub inits: u32,
    /// Bytes the decoder did not understand (skipped), for diagnostics.
    pub unknown_bytes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Document {
    pub items: Vec<Item>,
    pub modes: Modes,
}

impl Document {
    /// The text lines as printed (no styling), one per line; feeds give empty lines;
    /// codes and images show as `[QR data]`, `[BARCODE data]`, `[IMAGE wxh]`, `[CUT]`, `[DRAWER]`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for it in &self.items {
            match it {
                Item::Text { text, .. } => out.push_str(text.trim_end()),
                Item::Feed(n) => {
                    for _ in 1..*n {
                        out.push('\n');
                    }
                }
                Item::Qr { data, .. } => out.push_str(&format!("[QR {data}]")),
                Item::Barcode { data, .. } => out.push_str(&format!("[BARCODE {data}]")),
                Item::Raster { bitmap, .. } => {
                    out.push_str(&format!("[IMAGE {}x{}]", bitmap.width, bitmap.height))
                }
                Item::Cut { partial } => {
                    out.push_str(if *partial { "[CUT partial]" } else { "[CUT]" })
                }
                Item::DrawerKick { pin } => out.push_str(&format!("[DRAWER pin {pin}]")),
            }
            out.push('\n');
        }
        out
    }

    /// Only the text lines (what round-trip tests compare).
    pub fn text_lines(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.trim_end().to_string()),
                _ => None,
            })
            .collect()
    }
}
