//! [`Document`] → pixels (and PNG), the way a thermal printer would put it on paper.
//!
//! - Text uses the `unifont` glyphs scaled ×1.5 (nearest neighbour, centre-sampled), so
//!   halfwidth characters are 12×24 dots and fullwidth ones 24×24, like a printer's
//!   resident 12×24 / 24×24 fonts (32 columns on 58 mm, 48 on 80 mm). GS ! multipliers
//!   scale further; bold ORs a copy shifted one dot right. A line is `24 × height_mul + 6`
//!   dots high. Lines wider than the paper are clipped, not wrapped. HT advances to the
//!   next multiple of 8 columns; other control characters take no space; characters
//!   without a glyph (e.g. outside the BMP) are drawn as a hollow box.
//! - QR: `qrcode` crate, `module` dots per module (clamped to 1..=16), 2-module quiet zone.
//! - Barcodes: CODE128 (ESC/POS `{A`/`{B`/`{C` escapes; set C data is binary 0..=99 as
//!   ESC/POS sends it), EAN-13 and EAN-8 through `barcoders`; bar width `module` dots
//!   (clamped to 1..=6), then 4 dots of space. Anything unencodable draws nothing.
//! - The paper is at most [`MAX_HEIGHT`] dots long; what does not fit is dropped.

use crate::doc::{Align, Bitmap, Document, Item, PaperWidth, Style};

/// White paper above the first item and below the last.
pub const MARGIN: u32 = 16;
/// Height of one text line at height_mul 1 (glyphs), and the gap below it.
pub const GLYPH_HEIGHT: u32 = 24;
pub const LINE_SPACING: u32 = 6;
/// One fed line (`Feed(1)`).
pub const FEED_LINE: u32 = GLYPH_HEIGHT + LINE_SPACING;
/// Halfwidth / fullwidth character cell widths at width_mul 1.
pub const HALF_WIDTH: u32 = 12;
pub const FULL_WIDTH: u32 = 24;
/// Longest rendered receipt (the largest GS v 0 image height), ~8 m of paper.
pub const MAX_HEIGHT: u32 = 65_535;

/// Renders `doc` on white paper `width.dots()` wide. Never panics.
pub fn render(doc: &Document, width: PaperWidth) -> Bitmap {
    let mut c = Canvas::new(width.dots());
    c.grow(MARGIN);
    for item in &doc.items {
        if c.full() {
            break;
        }
        match item {
            Item::Text { text, style } => draw_text(&mut c, text, *style),
            Item::Feed(n) => {
                c.grow(u32::from(*n) * FEED_LINE);
            }
            Item::Qr {
                data,
                module,
                align,
            } => draw_qr(&mut c, data, *module, *align),
            Item::Barcode {
                system,
                data,
                module,
                height,
                align,
            } => draw_barcode(&mut c, *system, data, *module, *height, *align),
            Item::Raster { bitmap, align } => draw_raster(&mut c, bitmap, *align),
            Item::Cut { .. } => draw_cut(&mut c),
            Item::DrawerKick { .. } => {}
        }
    }
    c.grow(MARGIN);
    Bitmap {
        width: c.w,
        height: c.h,
        dots: c.dots,
    }
}

/// [`render`] then [`png_encode`].
pub fn render_png(doc: &Document, width: PaperWidth) -> Vec<u8> {
    png_encode(&render(doc, width))
}

/// Encodes a bitmap as a 1-bit grayscale PNG (black dot = 0, white = 1). Deterministic:
/// no timestamps or other metadata. Returns an empty vector if the bitmap is empty or
/// inconsistent (`dots` shorter than `width × height`).
pub fn png_encode(b: &Bitmap) -> Vec<u8> {
    let mut out = Vec::new();
    let (w, h) = (b.width as usize, b.height as usize);
    if w == 0 || h == 0 || w.checked_mul(h).is_none_or(|n| n > b.dots.len()) {
        return out;
    }
    let row_bytes = w.div_ceil(8);
    let mut data = vec![0xFFu8; row_bytes * h];
    for (row, src) in data.chunks_mut(row_bytes).zip(b.dots.chunks(w)) {
        for (byte, px) in row.iter_mut().zip(src.chunks(8)) {
            let mut v = 0xFFu8;
            for (i, &d) in px.iter().enumerate() {
                if d != 0 {
                    v &= !(0x80u8 >> i);
                }
            }
            *byte = v;
        }
    }
    let written = write_png(&mut out, b.width, b.height, &data);
    if written.is_err() {
        out.clear();
    }
    out
}

fn write_png(
    out: &mut Vec<u8>,
    width: u32,
    height: u32,
    data: &[u8],
) -> Result<(), png::EncodingError> {
    let mut enc = png::Encoder::new(out, width, height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::One);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header()?;
    w.write_image_data(data)?;
    w.finish()
}

/// Packs a bitmap for GS v 0: `(width_bytes, rows)`, each row `width_bytes` long,
/// MSB = leftmost dot, 1 = black, padding bits 0. Widths beyond 65535 bytes are clipped;
/// an inconsistent bitmap (`dots` too short) yields only its complete rows.
pub fn bitmap_to_raster_rows(b: &Bitmap) -> (u16, Vec<u8>) {
    let stride = b.width as usize;
    let w = stride.min(usize::from(u16::MAX) * 8);
    let wb = w.div_ceil(8);
    if stride == 0 {
        return (0, Vec::new());
    }
    let rows = (b.height as usize).min(b.dots.len() / stride);
    let mut out = vec![0u8; wb * rows];
    for (dst, src) in out.chunks_mut(wb.max(1)).zip(b.dots.chunks(stride)) {
        let src = src.get(..w).unwrap_or(src);
        let mut eights = src.chunks_exact(8);
        for (byte, px) in dst.iter_mut().zip(&mut eights) {
            // eight 0/1 dots → one MSB-first byte: gather the low bits with one multiply
            let x = px.try_into().map(u64::from_be_bytes).unwrap_or(0) & 0x0101_0101_0101_0101;
            *byte = (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8;
        }
        let tail = eights.remainder();
        if !tail.is_empty()
            && let Some(last) = dst.get_mut(w / 8)
        {
            *last = tail
                .iter()
                .enumerate()
                .fold(0u8, |acc, (i, &d)| acc | (u8::from(d != 0) << (7 - i)));
        }
    }
    (u16::try_from(wb).unwrap_or(u16::MAX), out)
}

/// The paper being printed: grows downwards, one byte per dot.
struct Canvas {
    w: u32,
    h: u32,
    dots: Vec<u8>,
}

impl Canvas {
    fn new(w: u32) -> Canvas {
        // most receipts are 1–2k dots long: reserve once instead of regrowing line by line
        Canvas {
            w,
            h: 0,
            dots: Vec::with_capacity(w as usize * 1536),
        }
    }

    fn full(&self) -> bool {
        self.h >= MAX_HEIGHT
    }

    /// Feeds `n` rows of white paper (up to [`MAX_HEIGHT`]); returns the first new row.
    fn grow(&mut self, n: u32) -> u32 {
        let y = self.h;
        self.h = self.h.saturating_add(n).min(MAX_HEIGHT);
        self.dots.resize(self.w as usize * self.h as usize, 0);
        y
    }

    /// Blackens one dot, clipped to the paper.
    fn dot(&mut self, x: u32, y: u32) {
        if x < self.w && y < self.h {
            let i = y as usize * self.w as usize + x as usize;
            if let Some(d) = self.dots.get_mut(i) {
                *d = 1;
            }
        }
    }

    /// Blackens a rectangle, clipped to the paper.
    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let x1 = x.saturating_add(w).min(self.w) as usize;
        let y1 = y.saturating_add(h).min(self.h);
        let x0 = x as usize;
        if x0 >= x1 {
            return;
        }
        let stride = self.w as usize;
        for yy in y..y1 {
            let start = yy as usize * stride;
            if let Some(row) = self.dots.get_mut(start + x0..start + x1) {
                row.fill(1);
            }
        }
    }
}

fn align_x(paper: u32, content: u32, align: Align) -> u32 {
    match align {
        Align::Left => 0,
        Align::Center => paper.saturating_sub(content) / 2,
        Align::Right => paper.saturating_sub(content),
    }
}

/// One character position on a text line.
#[derive(Clone, Copy)]
enum Cell {
    Glyph(&'static unifont::Glyph),
    /// No glyph: a hollow box (fullwidth when `true`).
    Missing(bool),
    /// Blank space of this many unscaled dots (tab).
    Blank(u32),
}

impl Cell {
    /// Width in dots at width_mul 1.
    fn width(self) -> u32 {
        match self {
            Cell::Glyph(g) => {
                if g.is_fullwidth() {
                    FULL_WIDTH
                } else {
                    HALF_WIDTH
                }
            }
            Cell::Missing(wide) => {
                if wide {
                    FULL_WIDTH
                } else {
                    HALF_WIDTH
                }
            }
            Cell::Blank(w) => w,
        }
    }

    /// Whether dot (`x`, `y`) of the 1.5×-scaled cell is black (`y` < 24).
    fn lit(self, x: u32, y: u32) -> bool {
        match self {
            Cell::Glyph(g) => g.get_pixel(((2 * x + 1) / 3) as usize, ((2 * y + 1) / 3) as usize),
            Cell::Missing(_) => {
                let right = self.width().saturating_sub(2);
                let inside_x = (1..=right).contains(&x);
                let inside_y = (2..=21).contains(&y);
                ((x == 1 || x == right) && inside_y) || ((y == 2 || y == 21) && inside_x)
            }
            Cell::Blank(_) => false,
        }
    }
}

/// The cells of a line, up to (and including) the one that reaches `limit` dots at
/// width multiplier `wm`: the rest would be clipped anyway.
fn cells(text: &str, wm: u32, limit: u32) -> Vec<Cell> {
    let mut out = Vec::with_capacity(text.len().min(256));
    let mut dots = 0u32;
    for ch in text.chars() {
        if dots.saturating_mul(wm) >= limit {
            break;
        }
        let cell = if ch == '\t' {
            let tab = 8 * HALF_WIDTH;
            Cell::Blank(tab - dots % tab)
        } else if ch.is_control() {
            continue;
        } else {
            match unifont::get_glyph(ch) {
                Some(g) => Cell::Glyph(g),
                None => Cell::Missing(u32::from(ch) >= 0x1100),
            }
        };
        dots = dots.saturating_add(cell.width());
        out.push(cell);
    }
    out
}

fn draw_text(c: &mut Canvas, text: &str, style: Style) {
    let wm = u32::from(style.width_mul.clamp(1, 8));
    let hm = u32::from(style.height_mul.clamp(1, 8));
    let y0 = c.grow(GLYPH_HEIGHT * hm + LINE_SPACING);
    let cells = cells(text, wm, c.w);
    let line_w = cells
        .iter()
        .fold(0u32, |acc, cell| acc.saturating_add(cell.width() * wm));
    let mut x = align_x(c.w, line_w, style.align);
    let dot_w = wm + u32::from(style.bold);
    for cell in cells {
        if x >= c.w {
            break;
        }
        let cw = cell.width();
        if !matches!(cell, Cell::Blank(_)) {
            let rows = scaled_rows(cell);
            for (cy, &row) in (0u32..).zip(rows.iter()) {
                let mut bits = row;
                while bits != 0 {
                    let cx = bits.trailing_zeros();
                    bits &= bits - 1;
                    if dot_w == 1 && hm == 1 {
                        c.dot(x + cx, y0 + cy);
                    } else {
                        c.fill(x + cx * wm, y0 + cy * hm, dot_w, hm);
                    }
                }
            }
        }
        x = x.saturating_add(cw * wm);
    }
}

thread_local! {
    /// 1.5×-scaled glyph rows (bit x = dot x), by glyph address: receipts reuse few glyphs.
    static SCALED: std::cell::RefCell<std::collections::HashMap<usize, [u32; 24]>> = std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The cell's 24 rows as bitmasks (cells are at most 24 dots wide).
fn scaled_rows(cell: Cell) -> [u32; 24] {
    let compute = || {
        let mut rows = [0u32; 24];
        let cw = cell.width().min(32);
        for (cy, row) in (0u32..).zip(rows.iter_mut()) {
            for cx in 0..cw {
                if cell.lit(cx, cy) {
                    *row |= 1 << cx;
                }
            }
        }
        rows
    };
    match cell {
        Cell::Glyph(g) => {
            let key = std::ptr::from_ref(g) as usize;
            SCALED.with(|m| {
                if let Ok(mut m) = m.try_borrow_mut() {
                    if m.len() > 8192 {
                        m.clear();
                    }
                    *m.entry(key).or_insert_with(compute)
                } else {
                    compute()
                }
            })
        }
        _ => compute(),
    }
}

fn draw_qr(c: &mut Canvas, data: &str, module: u8, align: Align) {
    let m = u32::from(module.clamp(1, 16));
    // no QR symbol holds more than 7089 characters: don't even try
    let code = if data.len() > 7089 {
        None
    } else {
        fast_qr::QRBuilder::new(data.as_bytes())
            .ecl(fast_qr::ECL::M)
            .build()
            .ok()
    };
    match code {
        Some(code) => {
            let n = code.size.max(1);
            let size = (n as u32 + 4) * m;
            let x0 = align_x(c.w, size, align);
            let y0 = c.grow(size);
            for (i, module) in code.data.iter().take(n * n).enumerate() {
                if module.value() {
                    let (mx, my) = ((i % n) as u32, (i / n) as u32);
                    c.fill(x0 + (mx + 2) * m, y0 + (my + 2) * m, m, m);
                }
            }
        }
        None => {
            // unencodable (e.g. too long): a small empty box where the code would be
            let size = 24;
            let x0 = align_x(c.w, size, align);
            let y0 = c.grow(size);
            c.fill(x0, y0, size, 1);
            c.fill(x0, y0 + size - 1, size, 1);
            c.fill(x0, y0, 1, size);
            c.fill(x0 + size - 1, y0, 1, size);
        }
    }
}

/// ESC/POS CODE128 data (`{B…`, `{C` + binary 0..=99, `{1` FNC1, `{{` = '{') → the
/// `barcoders` notation (À / Ɓ / Ć set selectors, Ź ź Ż ż Ž for FNC1–4 and SHIFT).
fn code128_input(data: &str) -> Option<String> {
    let mut out = String::with_capacity(data.len() * 2);
    let mut set_c = false;
    let mut chars = data.chars();
    while let Some(ch) = chars.next() {
        let ch = if ch == '{' {
            match chars.next()? {
                'A' => {
                    set_c = false;
                    out.push('À');
                    continue;
                }
                'B' => {
                    set_c = false;
                    out.push('Ɓ');
                    continue;
                }
                'C' => {
                    set_c = true;
                    out.push('Ć');
                    continue;
                }
                '1' => {
                    out.push('\u{0179}');
                    continue;
                }
                '2' => {
                    out.push('\u{017A}');
                    continue;
                }
                '3' => {
                    out.push('\u{017B}');
                    continue;
                }
                '4' => {
                    out.push('\u{017C}');
                    continue;
                }
                'S' => {
                    out.push('\u{017D}');
                    continue;
                }
                '{' => '{',
                _ => return None,
            }
        } else {
            ch
        };
        let v = u32::from(ch);
        if v > 0x7F {
            return None;
        }
        if set_c {
            if v >= 100 {
                return None;
            }
            out.push(char::from_digit(v / 10, 10)?);
            out.push(char::from_digit(v % 10, 10)?);
        } else {
            out.push(ch);
        }
    }
    Some(out)
}

/// The bar pattern (1 = bar) for an ESC/POS barcode, if we can draw it.
fn barcode_bars(system: u8, data: &str) -> Option<Vec<u8>> {
    let system = if system < 65 {
        system.checked_add(65)?
    } else {
        system
    };
    let digits =
        |lens: &[usize]| data.bytes().all(|b| b.is_ascii_digit()) && lens.contains(&data.len());
    match system {
        73 => barcoders::sym::code128::Code128::new(code128_input(data)?)
            .ok()
            .map(|b| b.encode()),
        67 if digits(&[12, 13]) => barcoders::sym::ean13::EAN13::new(data)
            .ok()
            .map(|b| b.encode()),
        68 if digits(&[7, 8]) => barcoders::sym::ean8::EAN8::new(data)
            .ok()
            .map(|b| b.encode()),
        _ => None,
    }
}

fn draw_barcode(c: &mut Canvas, system: u8, data: &str, module: u8, height: u8, align: Align) {
    let Some(bars) = barcode_bars(system, data) else {
        return;
    };
    let m = u32::from(module.clamp(1, 6));
    let h = u32::from(height);
    let total = u32::try_from(bars.len())
        .unwrap_or(u32::MAX)
        .saturating_mul(m);
    let x0 = align_x(c.w, total, align);
    let y0 = c.grow(h + 4);
    for (i, &bar) in bars.iter().enumerate() {
        let x = x0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX).saturating_mul(m));
        if x >= c.w {
            break;
        }
        if bar != 0 {
            c.fill(x, y0, m, h);
        }
    }
}

fn draw_raster(c: &mut Canvas, b: &Bitmap, align: Align) {
    let (bw, bh) = (b.width as usize, b.height);
    if bw == 0 || bh == 0 {
        return;
    }
    let x0 = align_x(c.w, b.width, align) as usize;
    let y0 = c.grow(bh) as usize;
    let paper = c.w as usize;
    let n = bw.min(paper.saturating_sub(x0));
    for (row, src) in b.dots.chunks(bw).take(bh as usize).enumerate() {
        let start = (y0 + row) * paper + x0;
        let (Some(dst), Some(src)) = (c.dots.get_mut(start..start + n), src.get(..n)) else {
            break;
        };
        for (d, &s) in dst.iter_mut().zip(src) {
            *d |= u8::from(s != 0);
        }
    }
}

fn draw_cut(c: &mut Canvas) {
    let y0 = c.grow(8 + 2 + 8);
    let mut x = 0;
    while x < c.w {
        c.fill(x, y0 + 8, 8, 2);
        x += 16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, style: Style) -> Item {
        Item::Text {
            text: s.into(),
            style,
        }
    }

    fn doc(items: Vec<Item>) -> Document {
        Document {
            items,
            ..Default::default()
        }
    }

    /// Leftmost and rightmost black columns.
    fn ink_span(b: &Bitmap) -> Option<(u32, u32)> {
        let mut span: Option<(u32, u32)> = None;
        for y in 0..b.height {
            for x in 0..b.width {
                if b.get(x, y) {
                    span = Some(match span {
                        None => (x, x),
                        Some((l, r)) => (l.min(x), r.max(x)),
                    });
                }
            }
        }
        span
    }

    #[test]
    fn dimensions() {
        let n = Style::normal();
        let d = doc(vec![
            text("hello", n),
            Item::Feed(2),
            Item::DrawerKick { pin: 2 },
            Item::Cut { partial: true },
        ]);
        let b = render(&d, PaperWidth::Mm80);
        assert_eq!(b.width, 576);
        assert_eq!(b.height, MARGIN + 30 + 60 + 18 + MARGIN);
        assert_eq!(b.dots.len(), 576 * b.height as usize);
        let b = render(&d, PaperWidth::Mm58);
        assert_eq!(b.width, 384);
        let tall = doc(vec![text("x", Style { height_mul: 2, ..n })]);
        assert_eq!(render(&tall, PaperWidth::Mm58).height, MARGIN + 54 + MARGIN);
    }

    #[test]
    fn full_width_lines() {
        let line: String = "W".repeat(48);
        let b = render(&doc(vec![text(&line, Style::normal())]), PaperWidth::Mm80);
        let (l, r) = ink_span(&b).unwrap_or_default();
        assert!(l < 4 && r > 576 - 4, "48 columns span the paper: {l}..{r}");
        assert_eq!(
            cells(&line, 1, u32::MAX)
                .iter()
                .map(|c| c.width())
                .sum::<u32>(),
            576
        );

        let cjk: String = "中文收据中文收据中文收据中文收据".into();
        assert_eq!(cjk.chars().count(), 16);
        assert_eq!(
            cells(&cjk, 1, u32::MAX)
                .iter()
                .map(|c| c.width())
                .sum::<u32>(),
            384
        );
        let b = render(&doc(vec![text(&cjk, Style::normal())]), PaperWidth::Mm58);
        let (l, r) = ink_span(&b).unwrap_or_default();
        assert!(
            l < 4 && r > 384 - 4,
            "16 CJK chars span 58 mm paper: {l}..{r}"
        );
    }

    #[test]
    fn alignment_and_scaling() {
        let center = Style {
            align: Align::Center,
            ..Style::normal()
        };
        let b = render(&doc(vec![text("HI", center)]), PaperWidth::Mm80);
        let (l, r) = ink_span(&b).unwrap_or_default();
        assert!(l >= 276 && r < 300, "{l}..{r}");
        let right = Style {
            align: Align::Right,
            width_mul: 2,
            ..Style::normal()
        };
        let b = render(&doc(vec![text("HI", right)]), PaperWidth::Mm80);
        let (l, r) = ink_span(&b).unwrap_or_default();
        assert!(l >= 576 - 48 && r < 576, "{l}..{r}");
        // wider than the paper: clipped, not panicking
        let huge = Style {
            width_mul: 8,
            height_mul: 8,
            bold: true,
            ..Style::normal()
        };
        let b = render(&doc(vec![text(&"中".repeat(40), huge)]), PaperWidth::Mm58);
        assert_eq!(b.width, 384);
        // a very long line is clipped (and only its visible part is laid out)
        let long = "x".repeat(1_000_000);
        let b = render(&doc(vec![text(&long, right)]), PaperWidth::Mm58);
        let (l, r) = ink_span(&b).unwrap_or_default();
        assert!(l < 8 && r > 384 - 8, "{l}..{r}");
        assert!(cells(&long, 2, 384).len() <= 17);
    }

    #[test]
    fn missing_glyph_is_a_box() {
        let b = render(
            &doc(vec![text("\u{1F600}", Style::normal())]),
            PaperWidth::Mm58,
        );
        assert!(b.get(1, MARGIN + 10) && b.get(22, MARGIN + 10) && !b.get(10, MARGIN + 10));
    }

    #[test]
    fn codes_and_images() {
        let d = doc(vec![
            Item::Qr {
                data: "https://cardcat.example/r/1".into(),
                module: 4,
                align: Align::Center,
            },
            Item::Barcode {
                system: 73,
                data: "{BP123".into(),
                module: 2,
                height: 60,
                align: Align::Center,
            },
            Item::Barcode {
                system: 73,
                data: "{C\u{c}\u{22}".into(),
                module: 2,
                height: 60,
                align: Align::Left,
            },
            Item::Raster {
                bitmap: Bitmap {
                    width: 8,
                    height: 1,
                    dots: vec![1; 8],
                },
                align: Align::Right,
            },
        ]);
        let b = render(&d, PaperWidth::Mm80);
        let modules = fast_qr::QRBuilder::new("https://cardcat.example/r/1")
            .ecl(fast_qr::ECL::M)
            .build()
            .map(|q| q.size as u32)
            .unwrap_or(0);
        assert!(modules >= 21);
        let qr = (modules + 4) * 4;
        let x0 = (576 - qr) / 2;
        assert!(b.get(x0 + 8, MARGIN + 8) && !b.get(x0 + 7, MARGIN + 8));
        let bar_y = MARGIN + qr + 10;
        assert!((0..576).any(|x| b.get(x, bar_y)));
        assert!(b.get(575, b.height - MARGIN - 1));
        assert_eq!(b.height, MARGIN + qr + 64 + 64 + 1 + MARGIN);
        assert_eq!(
            code128_input("{C\u{c}\u{22}{B{{"),
            Some("Ć1234Ɓ{".to_string())
        );
        assert_eq!(code128_input("{BÀ"), None);
        assert!(barcode_bars(73, "P123").is_none());
        assert!(barcode_bars(67, "4901234567894").is_some());
    }

    #[test]
    fn png_is_valid() {
        let d = doc(vec![
            text("中文收据 ¥50", Style::normal()),
            Item::Cut { partial: false },
        ]);
        for w in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let bmp = render(&d, w);
            let png_bytes = render_png(&d, w);
            assert_eq!(
                png_bytes.get(..8),
                Some(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..])
            );
            let reader = png::Decoder::new(std::io::Cursor::new(&png_bytes)).read_info();
            let reader = match reader {
                Ok(r) => r,
                Err(e) => panic!("png: {e}"),
            };
            let info = reader.info();
            assert_eq!((info.width, info.height), (w.dots(), bmp.height));
            assert_eq!(info.bit_depth, png::BitDepth::One);
            assert_eq!(render_png(&d, w), png_bytes, "deterministic");
        }
        assert!(png_encode(&Bitmap::new(0, 0)).is_empty());
        assert!(
            png_encode(&Bitmap {
                width: 100,
                height: 100,
                dots: vec![]
            })
            .is_empty()
        );
    }

    #[test]
    fn raster_rows() {
        let mut b = Bitmap::new(10, 2);
        b.set(0, 0);
        b.set(9, 1);
        assert_eq!(bitmap_to_raster_rows(&b), (2, vec![0x80, 0x00, 0x00, 0x40]));
        // round trip through the decoder
        let (wb, rows) = bitmap_to_raster_rows(&b);
        let mut bytes = vec![0x1D, b'v', b'0', 0, wb as u8, 0, 2, 0];
        bytes.extend(rows);
        let d = crate::decode::decode(&bytes);
        match d.items.first() {
            Some(Item::Raster { bitmap, .. }) => {
                assert_eq!((bitmap.width, bitmap.height), (16, 2));
                assert!(bitmap.get(0, 0) && bitmap.get(9, 1) && !bitmap.get(1, 0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn height_is_capped() {
        let d = doc(vec![Item::Feed(255); 10_000]);
        let b = render(&d, PaperWidth::Mm58);
        assert_eq!(b.height, MAX_HEIGHT);
    }

    #[test]
    fn typical_receipt_is_fast() {
        let mut bytes = vec![0x1B, 0x40, 0x1C, 0x26];
        for i in 0..30 {
            let line = format!("{i:02} 商品名称 Item name        x2   ¥12.50");
            let (enc, _, _) = encoding_rs::GB18030.encode(&line);
            bytes.extend(enc.iter());
            bytes.push(b'\n');
        }
        let qr = "https://cardcat.example/receipt/2024-0001-ABCDEF";
        bytes.extend([0x1D, 0x28, 0x6B, (qr.len() + 3) as u8, 0, 49, 80, 48]);
        bytes.extend(qr.as_bytes());
        bytes.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48, 0x1D, b'V', 66, 0]);
        let start = std::time::Instant::now();
        let runs = 5;
        for _ in 0..runs {
            let png_bytes = render_png(&crate::decode::decode(&bytes), PaperWidth::Mm80);
            assert!(!png_bytes.is_empty());
        }
        let per = start.elapsed() / runs;
        eprintln!("decode+render+png: {per:?} per receipt (this build profile)");
        // generous bound: unoptimised test builds are several times slower than release
        assert!(per < std::time::Duration::from_millis(500));
    }

    /// The QR on paper scans back to the data (a real QR reader, not our own code).
    #[test]
    fn rendered_qr_scans() {
        for (data, module) in [
            ("cardcat:order:0190f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b", 5u8),
            ("cardcat:order:TEST-PAGE", 3),
        ] {
            let d = doc(vec![Item::Qr {
                data: data.into(),
                module,
                align: Align::Center,
            }]);
            let b = render(&d, PaperWidth::Mm58);
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(
                b.width as usize,
                b.height as usize,
                |x, y| if b.get(x as u32, y as u32) { 0 } else { 255 },
            );
            let grids = img.detect_grids();
            assert_eq!(grids.len(), 1, "one QR found");
            let (_, content) = grids[0].decode().expect("decodes");
            assert_eq!(content, data);
        }
    }
}
