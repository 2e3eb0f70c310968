//! Printer commands for installers and owners: profiles, finding a printer, setting it,
//! status, test and probe pages, samples, the virtual printer, the queue and previews.
//! Rendering only; the counter service does the work.

use std::time::Duration;

use cardcat_core::t;
use cardcat_counter::PrinterSetup;
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::profile;
use cardcat_printer::{decode, render};

use crate::{CliError, Ctx, PrinterCmd};

fn width(ctx: &Ctx, w: &str) -> Result<PaperWidth, CliError> {
    PaperWidth::parse(w).ok_or_else(|| {
        ctx.err()(cardcat_counter::InputError::Width(
            w.chars().take(16).collect(),
        ))
    })
}

pub async fn printer(ctx: &mut Ctx, cmd: PrinterCmd) -> Result<i32, CliError> {
    let lang = ctx.lang();
    match cmd {
        PrinterCmd::Profiles => {
            for p in profile::PROFILES {
                ctx.say(format!(
                    "{:<14} {:<4} {:<16} {}",
                    p.id,
                    p.width.cols(),
                    p.mode.as_str(),
                    p.name
                ));
            }
            Ok(0)
        }
        PrinterCmd::Emulate {
            host,
            port,
            out,
            width: w,
            paper_out,
        } => {
            let w = width(ctx, &w)?;
            let ip: std::net::IpAddr = host
                .parse()
                .map_err(|_| ctx.err()(cardcat_counter::InputError::Host(host.clone())))?;
            let emu = cardcat_printer::emulator::Emulator::start(
                std::net::SocketAddr::new(ip, port),
                out.clone(),
                w,
            )
            .await
            .map_err(|e| CliError(t!(lang, "cli.emulator_failed", error = e.to_string())))?;
            if paper_out {
                emu.set_status(cardcat_printer::status::PrinterStatus {
                    paper_out: true,
                    ..cardcat_printer::status::PrinterStatus::ready()
                });
            }
            let m = t!(
                lang,
                if paper_out {
                    "cli.emulator_started_paper_out"
                } else {
                    "cli.emulator_started"
                },
                target = emu.target(),
                mm = if w == PaperWidth::Mm58 { 58 } else { 80 },
                dir = out.display().to_string()
            );
            ctx.say(m);
            let _ = tokio::signal::ctrl_c().await;
            emu.stop();
            Ok(0)
        }
        PrinterCmd::Find {
            subnet,
            port,
            timeout_ms,
        } => {
            let timeout = Duration::from_millis(timeout_ms.clamp(50, 5000));
            let (subnet, found) = ctx
                .counter
                .find_printers(subnet.as_deref(), port, timeout)
                .await
                .map_err(ctx.err())?;
            let m = t!(
                lang,
                "cli.find_scanned",
                subnet = subnet,
                port = u32::from(port)
            );
            ctx.say(m);
            for f in &found {
                let st = match (&f.status, f.network) {
                    (Some(s), _) => s.clone(),
                    (None, true) => t!(lang, "printer.no_status_answer"),
                    (None, false) => t!(lang, "printer.usb_device_file"),
                };
                ctx.say(format!("  {}  {st}", f.target));
            }
            let network = found.iter().filter(|f| f.network).count();
            if network == 0 {
                ctx.say(t!(lang, "cli.find_none"));
            }
            Ok(i32::from(network == 0))
        }
        PrinterCmd::Set {
            target,
            profile: pid,
            footer,
            logo,
        } => {
            let who = ctx.maybe_session()?;
            let (t, p) = ctx
                .counter
                .set_printer(
                    who.as_ref(),
                    &PrinterSetup {
                        target,
                        profile: pid,
                        footer,
                        logo,
                    },
                )
                .map_err(ctx.err())?;
            let m = t!(
                lang,
                "cli.printer_set",
                target = t.to_string(),
                name = p.name
            );
            ctx.say(m);
            Ok(0)
        }
        PrinterCmd::Status { target } => {
            match ctx
                .counter
                .printer_status(target.as_deref())
                .await
                .map_err(ctx.err())?
            {
                Some(st) => {
                    ctx.say(st.describe(lang));
                    Ok(i32::from(!st.can_print()))
                }
                None => {
                    ctx.say(t!(lang, "printer.no_live_status"));
                    Ok(0)
                }
            }
        }
        PrinterCmd::Test {
            target,
            profile: pid,
            probe,
        } => {
            let st = ctx
                .counter
                .test_print(target.as_deref(), pid.as_deref(), probe)
                .await
                .map_err(ctx.err())?;
            let st = st.map(|s| s.describe(lang)).unwrap_or_else(|| "-".into());
            ctx.say(t!(lang, "cli.test_page_printed", status = st));
            Ok(0)
        }
        PrinterCmd::Samples {
            target,
            profile: pid,
            preview_dir,
        } => {
            let done = ctx
                .counter
                .print_samples(target.as_deref(), pid.as_deref(), preview_dir.as_deref())
                .await
                .map_err(ctx.err())?;
            for name in done {
                ctx.say(format!("✓ {name}"));
            }
            Ok(0)
        }
        PrinterCmd::Queue { retry, reprint } => {
            let who = ctx.maybe_session()?;
            let (st, new) = ctx
                .counter
                .print_queue(
                    who.as_ref(),
                    retry || ctx.user.is_some(),
                    reprint.as_deref(),
                )
                .await
                .map_err(ctx.err())?;
            if let Some(id) = new {
                ctx.say(format!("+ {id}"));
            }
            if retry {
                let m = t!(
                    lang,
                    "cli.queue_report",
                    printed = st.printed,
                    waiting = st.waiting,
                    uncertain = st.uncertain
                );
                ctx.say(m);
            }
            for j in st.jobs {
                ctx.say(format!(
                    "{} {:<10} {:<10} {} {}",
                    j.id,
                    t!(lang, &format!("print.job_state.{}", j.state)),
                    j.kind,
                    j.title,
                    j.last_error.unwrap_or_default()
                ));
            }
            Ok(0)
        }
        PrinterCmd::Preview {
            input,
            out,
            width: w,
        } => {
            let bytes = std::fs::read(&input)
                .map_err(|e| ctx.err()(cardcat_counter::CounterError::file(&input, &e)))?;
            let w = width(ctx, &w)?;
            let doc = decode::decode(&bytes);
            std::fs::write(&out, render::render_png(&doc, w))
                .map_err(|e| ctx.err()(cardcat_counter::CounterError::file(&out, &e)))?;
            ctx.say(doc.text());
            Ok(0)
        }
    }
}
