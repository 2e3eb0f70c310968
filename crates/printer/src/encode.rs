//! Laid-out receipt → ESC/POS bytes, through the `escpos` crate's command builder
//! (captured in memory: no IO here). What `escpos` lacks is added as raw commands:
//! Chinese mode (FS &) and GB18030 text, CODE128 (GS k 73), raster images (GS v 0),
//! a complete cash-drawer pulse (ESC p m t1 t2) and the feed-and-partial-cut (GS V 66).
//!
//! Invariant: in Chinese mode FS & follows every ESC @.
//! Invariant: only characters the printer can print are sent; anything else becomes '?'
//! (GB18030 four-byte sequences are not in printers' resident fonts).

use std::cell::RefCell;
use std::rc::Rc;

use cardcat_core::receipt::{self, Laid};
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{
    JustifyMode, PageCode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};

use crate::doc::{Align, Bitmap, Document, Item, Style};
use crate::profile::{Mode, Profile};
use crate::render;
use crate::status::PrintError;

#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0
            .try_borrow_mut()
            .map_err(|e| escpos::errors::PrinterError::Io(e.to_string()))?
            .extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

pub const FS_CHINESE_ON: [u8; 2] = [0x1C, 0x26];
const DRAWER_PIN2: [u8; 5] = [0x1B, b'p', 0, 25, 250];
const CUT_PARTIAL: [u8; 4] = [0x1D, b'V', 66, 0];

/// The text a line becomes on a printer in `mode`: characters it cannot print are '?'.
pub fn printable(text: &str, mode: Mode) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                return c;
            }
            match mode {
                Mode::Chinese => {
                    let mut buf = [0u8; 4];
                    let (bytes, _, bad) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
                    if bad || bytes.len() != 2 { '?' } else { c }
                }
                Mode::Latin => {
                    let mut buf = [0u8; 4];
                    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
                    if bad || bytes.len() != 1 { '?' } else { c }
                }
                Mode::Raster => c,
            }
        })
        .collect()
}

fn text_bytes(text: &str, mode: Mode) -> Vec<u8> {
    let t = printable(text, mode);
    match mode {
        Mode::Chinese => encoding_rs::GB18030.encode(&t).0.into_owned(),
        _ => encoding_rs::WINDOWS_1252.encode(&t).0.into_owned(),
    }
}

fn justify(a: receipt::Align) -> JustifyMode {
    match a {
        receipt::Align::Left => JustifyMode::LEFT,
        receipt::Align::Center => JustifyMode::CENTER,
        receipt::Align::Right => JustifyMode::RIGHT,
    }
}

/// GS v 0 for a bitmap, in bands of at most 256 rows (printer buffers are small).
pub fn raster_command(b: &Bitmap) -> Vec<u8> {
    let (wb, rows) = render::bitmap_to_raster_rows(b);
    let wb_usize = usize::from(wb).max(1);
    let mut out = Vec::with_capacity(rows.len() + 16);
    for band in rows.chunks(wb_usize * 256) {
        let h = (band.len() / wb_usize) as u16;
        out.extend_from_slice(&[
            0x1D,
            b'v',
            b'0',
            0,
            (wb & 0xFF) as u8,
            (wb >> 8) as u8,
            (h & 0xFF) as u8,
            (h >> 8) as u8,
        ]);
        out.extend_from_slice(band);
    }
    out
}

fn code128(data: &str, module: u8) -> Vec<u8> {
    let payload: Vec<u8> = data
        .bytes()
        .filter(|b| (0x20..0x7F).contains(b))
        .take(60)
        .collect();
    let mut out = vec![
        0x1D,
        b'w',
        module,
        0x1D,
        b'h',
        60,
        0x1D,
        b'H',
        2,
        0x1D,
        b'k',
        73,
        (payload.len() + 2) as u8,
        b'{',
        b'B',
    ];
    out.extend_from_slice(&payload);
    out
}

/// Laid-out lines as the document a printer would produce (used for raster mode and
/// for previews that don't need bytes).
pub fn laid_to_document(laid: &[Laid], profile: &Profile, logo: Option<&Bitmap>) -> Document {
    let mut d = Document::default();
    for l in laid {
        match l {
            Laid::Line {
                text,
                align: a,
                bold,
                double,
            } => d.items.push(Item::Text {
                text: printable(text, profile.mode),
                style: Style {
                    align: *a,
                    bold: *bold,
                    width_mul: if *double { 2 } else { 1 },
                    height_mul: if *double { 2 } else { 1 },
                },
            }),
            Laid::Qr(data) => d.items.push(Item::Qr {
                data: data.clone(),
                module: profile.qr_module,
                align: Align::Center,
            }),
            Laid::Barcode(data) => d.items.push(Item::Barcode {
                system: 73,
                data: format!("{{B{data}"),
                module: if profile.width.cols() > 32 { 2 } else { 1 },
                height: 60,
                align: Align::Center,
            }),
            Laid::Logo => {
                if let Some(b) = logo {
                    d.items.push(Item::Raster {
                        bitmap: b.clone(),
                        align: Align::Center,
                    });
                }
            }
            Laid::Feed(n) => d.items.push(Item::Feed(*n)),
            Laid::Cut => d.items.push(Item::Cut {
                partial: profile.partial_cut,
            }),
            Laid::DrawerKick => d.items.push(Item::DrawerKick { pin: 2 }),
        }
    }
    d
}

fn esc(e: escpos::errors::PrinterError) -> PrintError {
    PrintError::Encode(e.to_string())
}

/// Encodes a laid-out receipt for `profile`.
pub fn encode(
    laid: &[Laid],
    profile: &Profile,
    logo: Option<&Bitmap>,
) -> Result<Vec<u8>, PrintError> {
    let cap = Capture::default();
    let mut p = Printer::new(cap.clone(), Protocol::default(), None);
    p.init().map_err(esc)?;
    match profile.mode {
        Mode::Chinese => {
            p.custom(&FS_CHINESE_ON).map_err(esc)?;
        }
        Mode::Latin => {
            p.page_code(PageCode::WPC1252).map_err(esc)?;
        }
        Mode::Raster => {}
    }
    if profile.mode == Mode::Raster {
        // Everything that puts ink on paper goes into one image; cut and drawer stay commands.
        let printed: Vec<Laid> = laid
            .iter()
            .filter(|l| !matches!(l, Laid::Cut | Laid::DrawerKick))
            .cloned()
            .collect();
        let doc = laid_to_document(&printed, profile, logo);
        let bmp = render::render(&doc, profile.width);
        p.custom(&raster_command(&bmp)).map_err(esc)?;
        for l in laid {
            match l {
                Laid::DrawerKick => {
                    p.custom(&DRAWER_PIN2).map_err(esc)?;
                }
                Laid::Cut => cut(&mut p, profile)?,
                _ => {}
            }
        }
    } else {
        for l in laid {
            match l {
                Laid::Line {
                    text,
                    align: a,
                    bold,
                    double,
                } => {
                    p.justify(justify(*a)).map_err(esc)?;
                    if *bold {
                        p.bold(true).map_err(esc)?;
                    }
                    if *double {
                        p.size(2, 2).map_err(esc)?;
                    }
                    p.custom(&text_bytes(text, profile.mode)).map_err(esc)?;
                    p.custom(b"\n").map_err(esc)?;
                    if *double {
                        p.reset_size().map_err(esc)?;
                    }
                    if *bold {
                        p.bold(false).map_err(esc)?;
                    }
                }
                Laid::Qr(data) => {
                    p.justify(JustifyMode::CENTER).map_err(esc)?;
                    p.qrcode_option(
                        data,
                        QRCodeOption::new(
                            QRCodeModel::Model2,
                            profile.qr_module,
                            QRCodeCorrectionLevel::M,
                        ),
                    )
                    .map_err(esc)?;
                    p.justify(JustifyMode::LEFT).map_err(esc)?;
                }
                Laid::Barcode(data) => {
                    p.justify(JustifyMode::CENTER).map_err(esc)?;
                    p.custom(&code128(
                        data,
                        if profile.width.cols() > 32 { 2 } else { 1 },
                    ))
                    .map_err(esc)?;
                    p.justify(JustifyMode::LEFT).map_err(esc)?;
                }
                Laid::Logo => {
                    if let Some(b) = logo {
                        p.justify(JustifyMode::CENTER).map_err(esc)?;
                        p.custom(&raster_command(b)).map_err(esc)?;
                        p.justify(JustifyMode::LEFT).map_err(esc)?;
                    }
                }
                Laid::Feed(n) => {
                    p.feeds(*n).map_err(esc)?;
                }
                Laid::Cut => cut(&mut p, profile)?,
                Laid::DrawerKick => {
                    p.custom(&DRAWER_PIN2).map_err(esc)?;
                }
            }
        }
    }
    p.print().map_err(esc)?;
    let bytes = cap
        .0
        .try_borrow()
        .map(|b| b.clone())
        .map_err(|e| PrintError::Encode(e.to_string()))?;
    Ok(bytes)
}

fn cut(p: &mut Printer<Capture>, profile: &Profile) -> Result<(), PrintError> {
    if profile.partial_cut {
        p.custom(&CUT_PARTIAL).map_err(esc)?;
    } else {
        p.cut().map_err(esc)?;
    }
    Ok(())
}

/// Receipt document → bytes for a profile, in one call.
pub fn receipt_bytes(
    doc: &receipt::Doc,
    ctx: &receipt::ReceiptContext,
    profile: &Profile,
    logo: Option<&Bitmap>,
) -> Result<Vec<u8>, PrintError> {
    let r = receipt::build(doc, ctx);
    let laid = receipt::layout(&r, profile.width.cols());
    encode(&laid, profile, logo)
}

/// A small logo: the store's initials in double size, as a raster (used when no logo
/// file is configured but a logo is asked for).
pub fn text_logo(text: &str, profile: &Profile) -> Bitmap {
    let doc = Document {
        items: vec![Item::Text {
            text: printable(text, Mode::Raster),
            style: Style {
                align: Align::Center,
                bold: true,
                width_mul: 2,
                height_mul: 2,
            },
        }],
        ..Default::default()
    };
    let full = render::render(&doc, profile.width);
    // trim the paper margins top and bottom
    let mut top = 0;
    let mut bottom = full.height;
    while top < full.height && (0..full.width).all(|x| !full.get(x, top)) {
        top += 1;
    }
    while bottom > top && (0..full.width).all(|x| !full.get(x, bottom - 1)) {
        bottom -= 1;
    }
    let mut b = Bitmap::new(full.width, bottom.saturating_sub(top).max(1));
    for y in top..bottom {
        for x in 0..full.width {
            if full.get(x, y) {
                b.set(x, y - top);
            }
        }
    }
    b
}
