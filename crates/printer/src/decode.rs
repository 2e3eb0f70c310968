//! A virtual printer: ESC/POS bytes → [`Document`].
//!
//! Interprets the subset of ESC/POS that CardCat (and the `escpos` crate) sends, and skips
//! everything else without panicking: the input may be arbitrary bytes from the network.
//!
//! Rules (where real printers and simplicity disagree, simplicity wins, and it is written
//! down here):
//! - Text bytes accumulate into a line; LF prints it as [`Item::Text`], or as
//!   [`Item::Feed`]`(1)` when the line is empty. CR is ignored. Other C0 control bytes
//!   (NUL, FF, CAN, …) print nothing and are dropped, except HT which is kept as `'\t'`.
//! - A line's [`Style`] is the one in force when its first byte arrived: style commands
//!   (ESC E, ESC !, GS !, ESC a) never end a line, so when they arrive mid-line they apply
//!   from the next line on.
//! - Commands that put something on paper or move it (ESC @, ESC d, ESC J, ESC p,
//!   GS ( k print, GS k, GS v 0, GS V, DLE DC4 1) first print a pending line. Setting
//!   commands (code page, Chinese mode, line spacing, underline, QR/barcode settings, …)
//!   do not end the line.
//! - Text encoding follows the mode in force when each byte arrived (FS & / FS . / ESC t
//!   mid-line just start a new run): Chinese mode → GB18030; otherwise the ESC t code page
//!   (0 = PC437, 16 = Windows-1252, a few other Epson pages; unknown pages print
//!   non-ASCII bytes as '?').
//! - `ESC d n` after text prints that line and feeds `n - 1` more lines (the printed line
//!   itself is the first one, exactly as on paper: the `escpos` crate's `writeln` is text +
//!   `ESC d 1`, which is one line); with no pending text it is `Feed(n)`. `Feed(0)` is
//!   never produced.
//! - Unknown `ESC x` / `GS x` / `FS x` skip three bytes (prefix, command, one parameter),
//!   unknown `DLE x` two; skipped bytes are counted in [`Modes::unknown_bytes`].
//! - A QR code is printed only if data was stored; all QR items together carry at most
//!   [`QR_DATA_BUDGET`] bytes. ESC @ also resets QR / barcode settings and stored QR data.
//! - GS k data is kept byte for byte as Latin-1 characters (lossless; CODE128 set C data
//!   is binary). GS v 0 ignores the scaling mode `m`; images are clipped to
//!   [`MAX_RASTER_WIDTH`] × [`MAX_RASTER_HEIGHT`]. DLE DC4 1 m t is a drawer kick too.
//! - A command cut short by the end of the input stops decoding (the pending line is
//!   still printed).

use crate::doc::{Align, Bitmap, Document, Item, Style};

const LF: u8 = 0x0A;
const CR: u8 = 0x0D;
const HT: u8 = 0x09;
const ESC: u8 = 0x1B;
const FS: u8 = 0x1C;
const GS: u8 = 0x1D;
const DLE: u8 = 0x10;

/// Largest raster image kept (wider / taller images are clipped to this).
pub const MAX_RASTER_WIDTH: u32 = 4096;
pub const MAX_RASTER_HEIGHT: u32 = 20_000;

/// Total QR data (bytes) the printed QR items of one document may carry. A stored QR can be
/// printed again and again with 8 bytes each; beyond this budget further prints are
/// skipped (and counted as unknown bytes), so hostile input cannot blow up memory.
pub const QR_DATA_BUDGET: usize = 1 << 20;

/// The code page selected by ESC t when nothing else was asked for (PC437).
pub const DEFAULT_CODE_PAGE: u8 = 0;

/// Decodes ESC/POS bytes into what a printer would put on paper. Never panics.
pub fn decode(bytes: &[u8]) -> Document {
    let mut d = Decoder::new(bytes);
    while d.step().is_some() {}
    d.flush();
    d.doc
}

/// Decodes `bytes` as text in a given mode (Chinese = GB18030, else code page `code_page`).
pub fn decode_text(bytes: &[u8], chinese: bool, code_page: u8) -> String {
    if chinese {
        let (s, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        return s.into_owned();
    }
    match latin_encoding(code_page) {
        Some(enc) => {
            let (s, _) = enc.decode_without_bom_handling(bytes);
            s.into_owned()
        }
        None => bytes
            .iter()
            .map(|&b| {
                if b < 0x80 {
                    char::from(b)
                } else if code_page == 0 {
                    pc437_high(b)
                } else {
                    '?'
                }
            })
            .collect(),
    }
}

/// Epson code-page numbers that encoding_rs can decode directly.
fn latin_encoding(code_page: u8) -> Option<&'static encoding_rs::Encoding> {
    Some(match code_page {
        16 => encoding_rs::WINDOWS_1252,
        17 => encoding_rs::IBM866,
        45 => encoding_rs::WINDOWS_1250,
        46 => encoding_rs::WINDOWS_1251,
        47 => encoding_rs::WINDOWS_1253,
        48 => encoding_rs::WINDOWS_1254,
        49 => encoding_rs::WINDOWS_1255,
        50 => encoding_rs::WINDOWS_1256,
        51 => encoding_rs::WINDOWS_1257,
        52 => encoding_rs::WINDOWS_1258,
        _ => return None,
    })
}

/// Upper half of code page 437.
const PC437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{A0}',
];

fn pc437_high(b: u8) -> char {
    PC437_HIGH
        .get(usize::from(b.wrapping_sub(0x80)))
        .copied()
        .unwrap_or('?')
}

/// A run of text bytes received under one text mode.
struct Run {
    chinese: bool,
    code_page: u8,
    bytes: Vec<u8>,
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    doc: Document,
    chinese: bool,
    code_page: u8,
    style: Style,
    qr_module: u8,
    qr_data: Option<String>,
    bar_module: u8,
    bar_height: u8,
    line: Vec<Run>,
    line_style: Style,
    qr_budget: usize,
}

impl<'a> Decoder<'a> {
    fn new(bytes: &'a [u8]) -> Decoder<'a> {
        Decoder {
            bytes,
            pos: 0,
            doc: Document::default(),
            chinese: false,
            code_page: DEFAULT_CODE_PAGE,
            style: Style::normal(),
            qr_module: 3,
            qr_data: None,
            bar_module: 2,
            bar_height: 80,
            line: Vec::new(),
            line_style: Style::normal(),
            qr_budget: QR_DATA_BUDGET,
        }
    }

    /// Byte at `pos + i`.
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(self.pos.checked_add(i)?).copied()
    }

    /// Consumes `n` bytes and returns them; `None` (nothing consumed) if the input is short.
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let bytes: &'a [u8] = self.bytes;
        let s = bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    /// Consumes `n` bytes of a command nobody understood.
    fn skip_unknown(&mut self, n: usize) -> Option<()> {
        self.take(n)?;
        self.doc.modes.unknown_bytes = self
            .doc
            .modes
            .unknown_bytes
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        Some(())
    }

    fn push(&mut self, item: Item) {
        self.doc.items.push(item);
    }

    fn push_text_byte(&mut self, b: u8) {
        if self.line.is_empty() {
            self.line_style = self.style;
        }
        let (chinese, code_page) = (self.chinese, self.code_page);
        match self.line.last_mut() {
            Some(run) if run.chinese == chinese && (chinese || run.code_page == code_page) => {
                run.bytes.push(b)
            }
            _ => self.line.push(Run {
                chinese,
                code_page,
                bytes: vec![b],
            }),
        }
    }

    /// Prints the pending line, if any. Returns whether there was one.
    fn flush(&mut self) -> bool {
        if self.line.is_empty() {
            return false;
        }
        let mut text = String::new();
        for run in std::mem::take(&mut self.line) {
            if run.chinese {
                self.doc.modes.chinese_text = true;
            }
            text.push_str(&decode_text(&run.bytes, run.chinese, run.code_page));
        }
        let style = self.line_style;
        self.push(Item::Text { text, style });
        true
    }

    fn reset(&mut self) {
        self.chinese = false;
        self.code_page = DEFAULT_CODE_PAGE;
        self.style = Style::normal();
        self.qr_module = 3;
        self.qr_data = None;
        self.bar_module = 2;
        self.bar_height = 80;
    }

    /// Handles one byte or command. `None` = end of input or a truncated command.
    fn step(&mut self) -> Option<()> {
        let b = self.at(0)?;
        match b {
            LF => {
                self.pos += 1;
                if !self.flush() {
                    self.push(Item::Feed(1));
                }
            }
            CR => self.pos += 1,
            ESC => self.esc()?,
            GS => self.gs()?,
            FS => self.fs()?,
            DLE => self.dle()?,
            HT => {
                self.pos += 1;
                self.push_text_byte(b);
            }
            0x00..=0x1F => self.pos += 1,
            _ => {
                self.pos += 1;
                self.push_text_byte(b);
            }
        }
        Some(())
    }

    fn esc(&mut self) -> Option<()> {
        let c = self.at(1)?;
        match c {
            b'@' => {
                self.take(2)?;
                self.flush();
                self.reset();
                self.doc.modes.inits = self.doc.modes.inits.saturating_add(1);
            }
            b't' => {
                let n = self.take(3)?.get(2).copied()?;
                self.code_page = n;
                self.doc.modes.code_pages.push(n);
            }
            b'a' => {
                let n = self.take(3)?.get(2).copied()?;
                match n {
                    0 | 48 => self.style.align = Align::Left,
                    1 | 49 => self.style.align = Align::Center,
                    2 | 50 => self.style.align = Align::Right,
                    _ => {}
                }
            }
            b'E' => {
                let n = self.take(3)?.get(2).copied()?;
                self.style.bold = n & 1 != 0;
            }
            b'!' => {
                let n = self.take(3)?.get(2).copied()?;
                self.style.bold = n & 8 != 0;
                self.style.height_mul = if n & 16 != 0 { 2 } else { 1 };
                self.style.width_mul = if n & 32 != 0 { 2 } else { 1 };
            }
            b'd' => {
                let n = self.take(3)?.get(2).copied()?;
                let printed = self.flush();
                let n = if printed { n.saturating_sub(1) } else { n };
                if n > 0 {
                    self.push(Item::Feed(n));
                }
            }
            b'J' => {
                // print and feed n dots
                self.take(3)?;
                self.flush();
            }
            b'p' => {
                let m = self.take(5)?.get(2).copied()?;
                self.flush();
                self.push(Item::DrawerKick {
                    pin: if m % 2 == 0 { 2 } else { 5 },
                });
            }
            b'2' => {
                self.take(2)?;
            }
            // one-parameter settings we accept and ignore
            b'-' | b'G' | b'M' | b' ' | b'3' | b'R' | b'{' | b'V' | b'U' | b'%' | b'=' | b'r'
            | b'?' => {
                self.take(3)?;
            }
            // two-parameter settings: absolute / relative position, buzzer, paper sensors
            b'$' | b'\\' | b'B' | b'c' => {
                self.take(4)?;
            }
            b'D' => {
                // tab positions: up to 32 values, NUL-terminated
                let rest = self.bytes.get(self.pos.checked_add(2)?..)?;
                let n = rest
                    .iter()
                    .take(33)
                    .position(|&x| x == 0)
                    .map_or(rest.len().min(32), |i| i + 1);
                self.take(2 + n)?;
            }
            b'*' => {
                // bit image, not rendered: ESC * m nL nH d1..dk
                let h = self.bytes.get(self.pos..self.pos.checked_add(5)?)?;
                let (m, nl, nh) = (h.get(2).copied()?, h.get(3).copied()?, h.get(4).copied()?);
                let k = usize::from(nl) + 256 * usize::from(nh);
                let data = if m >= 32 { 3 * k } else { k };
                self.skip_unknown(5 + data)?;
            }
            _ => self.skip_unknown(3)?,
        }
        Some(())
    }

    fn gs(&mut self) -> Option<()> {
        let c = self.at(1)?;
        match c {
            b'!' => {
                let n = self.take(3)?.get(2).copied()?;
                self.style.width_mul = ((n >> 4) & 7) + 1;
                self.style.height_mul = (n & 7) + 1;
            }
            b'(' => self.gs_paren()?,
            b'k' => self.barcode()?,
            b'v' => {
                if self.at(2)? == b'0' {
                    self.raster()?;
                } else {
                    self.skip_unknown(3)?;
                }
            }
            b'V' => {
                let m = self.at(2)?;
                let (len, partial) = match m {
                    0 | 48 => (3, Some(false)),
                    1 | 49 => (3, Some(true)),
                    65 | 97 | 103 => (4, Some(false)),
                    66 | 98 | 104 => (4, Some(true)),
                    _ => (3, None),
                };
                match partial {
                    Some(partial) => {
                        self.take(len)?;
                        self.flush();
                        self.push(Item::Cut { partial });
                    }
                    None => self.skip_unknown(len)?,
                }
            }
            b'w' => {
                self.bar_module = self.take(3)?.get(2).copied()?;
            }
            b'h' => {
                self.bar_height = self.take(3)?.get(2).copied()?;
            }
            b'H' | b'f' | b'B' | b'b' => {
                self.take(3)?;
            }
            b'L' | b'W' | b'P' => {
                self.take(4)?;
            }
            b'8' => {
                // GS 8 L p1 p2 p3 p4 …: graphics with a 4-byte length, not rendered
                let h = self.bytes.get(self.pos..self.pos.checked_add(7)?)?;
                let len = h
                    .iter()
                    .skip(3)
                    .rev()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                self.skip_unknown(7usize.checked_add(len)?)?;
            }
            _ => self.skip_unknown(3)?,
        }
        Some(())
    }

    /// GS ( fn pL pH body…: QR codes (fn = 'k', cn = 49); anything else skipped by length.
    fn gs_paren(&mut self) -> Option<()> {
        let h = self.bytes.get(self.pos..self.pos.checked_add(5)?)?;
        let (f, pl, ph) = (h.get(2).copied()?, h.get(3).copied()?, h.get(4).copied()?);
        let len = usize::from(pl) + 256 * usize::from(ph);
        if f != b'k' {
            return self.skip_unknown(5 + len);
        }
        let body = self.take(5 + len)?.get(5..)?;
        let (cn, func) = match (body.first(), body.get(1)) {
            (Some(&cn), Some(&func)) => (cn, func),
            _ => return Some(()),
        };
        if cn != 49 {
            self.doc.modes.unknown_bytes = self
                .doc
                .modes
                .unknown_bytes
                .saturating_add(u32::try_from(5 + len).unwrap_or(u32::MAX));
            return Some(());
        }
        match func {
            67 => {
                if let Some(&m) = body.get(2) {
                    self.qr_module = m;
                }
            }
            80 => {
                let data = body.get(3..).unwrap_or(&[]);
                self.qr_data = Some(String::from_utf8_lossy(data).into_owned());
            }
            81 => {
                self.flush();
                match &self.qr_data {
                    Some(data) if data.len() <= self.qr_budget => {
                        self.qr_budget -= data.len();
                        let data = data.clone();
                        self.push(Item::Qr {
                            data,
                            module: self.qr_module,
                            align: self.style.align,
                        });
                    }
                    Some(_) => {
                        self.doc.modes.unknown_bytes =
                            self.doc.modes.unknown_bytes.saturating_add(8)
                    }
                    None => {}
                }
            }
            _ => {}
        }
        Some(())
    }

    /// GS k m …: 1-D barcode.
    fn barcode(&mut self) -> Option<()> {
        let m = self.at(2)?;
        let data: &[u8] = if m >= 65 {
            let n = usize::from(self.at(3)?);
            self.take(4 + n)?.get(4..)?
        } else {
            let rest = self.bytes.get(self.pos.checked_add(3)?..)?;
            let n = rest.iter().position(|&b| b == 0)?;
            self.take(3 + n + 1)?.get(3..3 + n)?
        };
        self.flush();
        // Latin-1: lossless for any byte (CODE128 set C sends binary values 0..=99).
        let data: String = data.iter().map(|&b| char::from(b)).collect();
        self.push(Item::Barcode {
            system: m,
            data,
            module: self.bar_module,
            height: self.bar_height,
            align: self.style.align,
        });
        Some(())
    }

    /// GS v 0 m xL xH yL yH d…: raster bit image.
    fn raster(&mut self) -> Option<()> {
        let h = self.bytes.get(self.pos..self.pos.checked_add(8)?)?;
        let x = usize::from(h.get(4).copied()?) + 256 * usize::from(h.get(5).copied()?);
        let y = usize::from(h.get(6).copied()?) + 256 * usize::from(h.get(7).copied()?);
        let total = x.checked_mul(y)?;
        let all = self.take(8usize.checked_add(total)?)?;
        let data = all.get(8..)?;
        self.flush();
        let keep_x = x.min(MAX_RASTER_WIDTH as usize / 8);
        let keep_y = y.min(MAX_RASTER_HEIGHT as usize);
        if keep_x == 0 || keep_y == 0 {
            return Some(());
        }
        let w = keep_x * 8;
        let mut dots = vec![0u8; w * keep_y];
        for (src, dst) in data.chunks(x).zip(dots.chunks_mut(w)) {
            for (byte, out) in src.iter().zip(dst.chunks_mut(8)) {
                for (bit, d) in out.iter_mut().enumerate() {
                    *d = (byte >> (7 - bit)) & 1;
                }
            }
        }
        // both fit in u32 by the caps above
        let bitmap = Bitmap {
            width: w as u32,
            height: keep_y as u32,
            dots,
        };
        self.push(Item::Raster {
            bitmap,
            align: self.style.align,
        });
        Some(())
    }

    fn fs(&mut self) -> Option<()> {
        let c = self.at(1)?;
        match c {
            b'&' => {
                self.take(2)?;
                self.chinese = true;
            }
            b'.' => {
                self.take(2)?;
                self.chinese = false;
            }
            // Chinese character mode / code system / underline / spacing: ignored
            b'!' | b'C' | b'-' | b'W' => {
                self.take(3)?;
            }
            b'S' | b'p' => {
                self.take(4)?;
            }
            _ => self.skip_unknown(3)?,
        }
        Some(())
    }

    fn dle(&mut self) -> Option<()> {
        let c = self.at(1)?;
        match c {
            // real-time status (DLE EOT n [a]) and real-time request (DLE ENQ n)
            0x04 => {
                let n = self.at(2)?;
                self.take(if matches!(n, 7 | 8 | 18) { 4 } else { 3 })?;
            }
            0x05 => {
                self.take(3)?;
            }
            // DLE DC4 fn …: fn 1 = real-time drawer pulse (DLE DC4 1 m t)
            0x14 => {
                let f = self.at(2)?;
                if f == 8 {
                    self.take(10)?;
                } else {
                    let m = self.take(5)?.get(3).copied()?;
                    if f == 1 {
                        self.flush();
                        self.push(Item::DrawerKick {
                            pin: if m % 2 == 0 { 2 } else { 5 },
                        });
                    }
                }
            }
            _ => self.skip_unknown(2)?,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gb(s: &str) -> Vec<u8> {
        let (b, _, bad) = encoding_rs::GB18030.encode(s);
        assert!(!bad);
        b.into_owned()
    }

    fn style(align: Align, bold: bool, w: u8, h: u8) -> Style {
        Style {
            align,
            bold,
            width_mul: w,
            height_mul: h,
        }
    }

    #[test]
    fn chinese_receipt_stream() {
        let mut b = vec![0x1B, 0x40, 0x1C, 0x26, 0x1B, b'a', 1, 0x1D, b'!', 0x11];
        b.extend(gb("中文收据 ¥50"));
        b.push(0x0A);
        // QR: model, size 4, level, store, print
        b.extend([0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0]);
        b.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 67, 4]);
        b.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49]);
        let qr = "https://cardcat.example/r/42";
        let len = qr.len() + 3;
        b.extend([
            0x1D,
            0x28,
            0x6B,
            (len % 256) as u8,
            (len / 256) as u8,
            49,
            80,
            48,
        ]);
        b.extend(qr.as_bytes());
        b.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48]);
        // CODE128
        b.extend([0x1D, b'w', 3, 0x1D, b'h', 60]);
        b.extend([0x1D, b'k', 73, 6]);
        b.extend(b"{BP123");
        // raster 16x2: 2 bytes wide, 2 rows
        b.extend([
            0x1D,
            0x76,
            0x30,
            0,
            2,
            0,
            2,
            0,
            0b1000_0000,
            0b0000_0001,
            0xFF,
            0x00,
        ]);
        b.extend([0x1B, b'p', 0, 25, 250]);
        b.extend([0x1D, b'V', 66, 0]);
        let d = decode(&b);
        let mut raster = Bitmap::new(16, 2);
        raster.set(0, 0);
        raster.set(15, 0);
        for x in 0..8 {
            raster.set(x, 1);
        }
        assert_eq!(
            d.items,
            vec![
                Item::Text {
                    text: "中文收据 ¥50".into(),
                    style: style(Align::Center, false, 2, 2)
                },
                Item::Qr {
                    data: qr.into(),
                    module: 4,
                    align: Align::Center
                },
                Item::Barcode {
                    system: 73,
                    data: "{BP123".into(),
                    module: 3,
                    height: 60,
                    align: Align::Center
                },
                Item::Raster {
                    bitmap: raster,
                    align: Align::Center
                },
                Item::DrawerKick { pin: 2 },
                Item::Cut { partial: true },
            ]
        );
        assert!(d.modes.chinese_text);
        assert_eq!(d.modes.inits, 1);
        assert_eq!(d.modes.unknown_bytes, 0);
    }

    #[test]
    fn latin_windows_1252() {
        let (enc, _, bad) = encoding_rs::WINDOWS_1252.encode("Café ¥5");
        assert!(!bad);
        let mut b = vec![0x1B, 0x40, 0x1B, b't', 16];
        b.extend(enc.iter());
        b.push(0x0A);
        let d = decode(&b);
        assert_eq!(d.text_lines(), vec!["Café ¥5".to_string()]);
        assert_eq!(d.modes.code_pages, vec![16]);
        assert!(!d.modes.chinese_text);
    }

    #[test]
    fn init_resets_chinese_mode() {
        let mut b = vec![0x1C, 0x26];
        b.extend(gb("中"));
        b.push(0x0A);
        b.extend([0x1B, 0x40]);
        b.extend([0xD6, 0xD0, 0x0A]); // GB18030 "中", now read as PC437
        let d = decode(&b);
        assert_eq!(d.text_lines(), vec!["中".to_string(), "╓╨".to_string()]);
        assert_eq!(d.modes.inits, 1);
    }

    #[test]
    fn lines_styles_and_feeds() {
        let mut b = Vec::new();
        b.extend(b"a\n\n");
        b.extend([0x1B, b'E', 1]);
        b.extend(b"bold");
        b.extend([0x1B, b'E', 0]); // mid-line: applies to the next line
        b.extend(b" still\n");
        b.extend(b"plain");
        b.extend([0x1B, b'd', 1]); // escpos writeln: one line
        b.extend([0x1B, b'd', 3]);
        b.extend(b"x\r\n");
        b.extend([0x1D, b'V', 0]);
        b.extend(b"tail");
        let d = decode(&b);
        let n = Style::normal();
        let bold = Style { bold: true, ..n };
        assert_eq!(
            d.items,
            vec![
                Item::Text {
                    text: "a".into(),
                    style: n
                },
                Item::Feed(1),
                Item::Text {
                    text: "bold still".into(),
                    style: bold
                },
                Item::Text {
                    text: "plain".into(),
                    style: n
                },
                Item::Feed(3),
                Item::Text {
                    text: "x".into(),
                    style: n
                },
                Item::Cut { partial: false },
                Item::Text {
                    text: "tail".into(),
                    style: n
                },
            ]
        );
    }

    #[test]
    fn mixed_modes_in_one_line() {
        let mut b = vec![0x1B, b't', 16];
        b.extend(b"Caf\xE9 ");
        b.extend([0x1C, 0x26]);
        b.extend(gb("咖啡"));
        b.extend([0x1C, 0x2E, b'!', b'\n']);
        let d = decode(&b);
        assert_eq!(d.text_lines(), vec!["Café 咖啡!".to_string()]);
        assert!(d.modes.chinese_text);
    }

    #[test]
    fn unknown_and_truncated() {
        let d = decode(&[
            b'h', b'i', 0x1B, 0xEE, 5, b'!', 0x1D, b'v', b'0', 0, 10, 0, 10,
        ]);
        assert_eq!(d.text_lines(), vec!["hi!".to_string()]);
        assert_eq!(d.modes.unknown_bytes, 3);
        let d = decode(&[0x1D, b'k', 4, b'1', b'2']);
        assert!(d.items.is_empty());
        let d = decode(&[0x1D, b'k', 4, b'1', b'2', 0, 0x10, 0x04, 1]);
        assert_eq!(d.items.len(), 1);
    }

    #[test]
    fn qr_reprints_are_bounded() {
        let data = vec![b'7'; 2000];
        let mut b = vec![0x1D, 0x28, 0x6B, 0xD3, 0x07, 49, 80, 48];
        b.extend(&data);
        for _ in 0..600 {
            b.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48]);
        }
        let d = decode(&b);
        assert_eq!(d.items.len(), QR_DATA_BUDGET / 2000);
        assert_eq!(
            d.modes.unknown_bytes as usize,
            8 * (600 - QR_DATA_BUDGET / 2000)
        );
        // print without stored data: nothing
        assert!(
            decode(&[0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48])
                .items
                .is_empty()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let d = decode(&bytes);
            let _ = crate::render::render_png(&d, crate::doc::PaperWidth::Mm58);
            let _ = crate::render::render_png(&d, crate::doc::PaperWidth::Mm80);
        }

        #[test]
        fn decode_never_panics_on_command_soup(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(vec![0x1B]), Just(vec![0x1D]), Just(vec![0x1C]), Just(vec![0x10]), Just(vec![0x0A]),
                    Just(vec![0x1D, 0x28, 0x6B]), Just(vec![0x1D, b'v', b'0']), Just(vec![0x1D, b'k']),
                    Just(vec![0x1B, b'd']), Just(vec![0x1D, b'!']), Just(vec![0x1C, 0x26]),
                    proptest::collection::vec(any::<u8>(), 0..6),
                ],
                0..200,
            )
        ) {
            let bytes: Vec<u8> = parts.concat();
            let d = decode(&bytes);
            let _ = crate::render::render_png(&d, crate::doc::PaperWidth::Mm80);
        }
    }
}
