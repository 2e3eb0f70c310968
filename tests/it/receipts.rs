//! Receipts: golden snapshots (insta) of the decoded text and of the PNG for every receipt
//! type at 58 and 80 mm in Chinese mode, and at 80 mm in Latin and raster modes; and the
//! round trip receipt → bytes → decoder → the same text.

use cardcat_core::Lang;
use cardcat_core::receipt::{Laid, build, layout};
use cardcat_counter::printing::{sample_context, samples};
use cardcat_printer::profile::{self, Mode};
use cardcat_printer::{decode, encode, render};

const CASES: [(&str, Lang); 4] = [
    ("xprinter-58", Lang::ZhCn),
    ("xprinter-80", Lang::ZhCn),
    ("epson-tm-t88", Lang::En),
    ("raster-80", Lang::ZhCn),
];

#[test]
fn golden_text_and_png_for_every_receipt_type() {
    for (pid, lang) in CASES {
        let p = profile::find(pid).expect("profile");
        let ctx = sample_context(lang);
        for (name, doc) in samples(lang) {
            let bytes = encode::receipt_bytes(&doc, &ctx, p, None).expect("encode");
            let d = decode::decode(&bytes);
            let png = render::render_png(&d, p.width);
            insta::assert_snapshot!(format!("{name}__{pid}__text"), d.text());
            insta::assert_binary_snapshot!(&format!("{name}__{pid}.png"), png);
        }
    }
}

#[test]
fn round_trip_receipt_bytes_decoder_same_text() {
    for (pid, lang) in CASES {
        let p = profile::find(pid).expect("profile");
        if p.mode == Mode::Raster {
            continue; // no text in the bytes: compared as pixels by the golden PNGs
        }
        let ctx = sample_context(lang);
        for (name, doc) in samples(lang) {
            let laid = layout(&build(&doc, &ctx), p.width.cols());
            let want: Vec<String> = laid
                .iter()
                .filter_map(|l| match l {
                    Laid::Line { text, .. } => {
                        Some(encode::printable(text, p.mode).trim_end().to_string())
                    }
                    _ => None,
                })
                .collect();
            let bytes = encode::encode(&laid, p, None).expect("encode");
            let got = decode::decode(&bytes);
            assert_eq!(got.text_lines(), want, "{name} on {pid}");
            if p.mode == Mode::Chinese {
                assert!(got.modes.chinese_text, "{name}: FS & in force for text");
                assert!(
                    want.iter().any(|l| l.chars().any(|c| c > '\u{2e80}')),
                    "{name}: has Chinese"
                );
            } else {
                assert!(
                    got.modes.code_pages.contains(&16),
                    "{name}: WPC1252 selected"
                );
            }
        }
    }
}

#[test]
fn chinese_mode_is_reentered_after_every_init() {
    let p = profile::find("xprinter-80").expect("profile");
    let ctx = sample_context(Lang::ZhCn);
    let (_, doc) = samples(Lang::ZhCn).into_iter().next().expect("sample");
    let bytes = encode::receipt_bytes(&doc, &ctx, p, None).expect("encode");
    let inits: Vec<usize> = bytes
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w == &[0x1B, 0x40])
        .map(|(i, _)| i)
        .collect();
    assert!(!inits.is_empty());
    for i in inits {
        assert_eq!(
            bytes.get(i + 2..i + 4),
            Some(&[0x1C, 0x26][..]),
            "FS & right after ESC @ at {i}"
        );
    }
}

#[test]
fn layout_fits_both_widths() {
    for cols in [32usize, 48] {
        for lang in [Lang::ZhCn, Lang::En] {
            for (name, doc) in samples(lang) {
                for l in layout(&build(&doc, &sample_context(lang)), cols) {
                    if let Laid::Line { text, double, .. } = l {
                        let max = if double { cols / 2 } else { cols };
                        assert!(
                            cardcat_core::receipt::display_width(&text) <= max,
                            "{name} @{cols}: {text:?}"
                        );
                    }
                }
            }
        }
    }
}
