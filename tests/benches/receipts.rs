//! Receipt figures (issue 4), printed by `cargo bench -p cardcat-tests --bench receipts`:
//! - receipt → ESC/POS bytes (build + layout + encode) per receipt;
//! - bytes → PNG preview (decode + render + PNG encode) per receipt.

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::time::{Duration, Instant};

use cardcat_core::Lang;
use cardcat_counter::printing::{sample_context, samples};
use cardcat_printer::{decode, encode, profile, render};

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

fn main() {
    let iters = 200;
    println!("== CardCat receipt figures (release build; every receipt type × {iters}) ==");
    for pid in ["xprinter-58", "xprinter-80", "epson-tm-t88", "raster-80"] {
        let p = profile::find(pid).expect("profile");
        let lang = if pid.starts_with("epson") {
            Lang::En
        } else {
            Lang::ZhCn
        };
        let ctx = sample_context(lang);
        let docs = samples(lang);
        let (mut enc, mut png) = (Vec::new(), Vec::new());
        for _ in 0..iters {
            for (_, doc) in &docs {
                let t = Instant::now();
                let bytes = encode::receipt_bytes(doc, &ctx, p, None).expect("encode");
                enc.push(t.elapsed());
                let t = Instant::now();
                let img = render::render_png(&decode::decode(&bytes), p.width);
                png.push(t.elapsed());
                std::hint::black_box(img);
            }
        }
        println!(
            "{pid:<13} receipt→bytes p50 {:>6.3} ms p99 {:>6.3} ms (goal ≤ 0.5)   bytes→PNG p50 {:>6.2} ms p99 {:>6.2} ms (goal ≤ 20)",
            pct(&mut enc.clone(), 0.5),
            pct(&mut enc, 0.99),
            pct(&mut png.clone(), 0.5),
            pct(&mut png, 0.99)
        );
    }
}
