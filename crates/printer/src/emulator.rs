//! A virtual ESC/POS printer on TCP (port 9100 by convention): answers DLE EOT status
//! polls from its simulated state, and saves each job as `.bin` (the bytes), `.png`
//! (what the paper would look like) and `.txt` (the decoded text). For installers
//! without hardware and for end-to-end tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::decode::decode;
use crate::doc::PaperWidth;
use crate::render::render_png;
use crate::status::PrinterStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmuJob {
    pub seq: u32,
    pub bin: PathBuf,
    pub png: PathBuf,
    pub text: String,
    pub bytes: usize,
}

#[derive(Debug, Default)]
struct Shared {
    status: PrinterStatus,
    jobs: Vec<EmuJob>,
    /// Jobs that arrived while the printer could not print (not saved, like a real printer that drops them).
    refused: u32,
    seq: u32,
}

pub struct Emulator {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Option<oneshot::Sender<()>>,
}

fn lock(m: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Separates real-time requests (DLE EOT n, DLE ENQ n) from job data the way a printer
/// does: they are recognised anywhere in the stream except inside the payload of a
/// length-prefixed command (GS v 0 images, GS ( k QR data, GS k barcodes), which are
/// skipped over. Works across read boundaries.
#[derive(Default)]
struct Realtime {
    /// Payload bytes still to pass through untouched.
    skip: usize,
    /// Skipping a NUL-terminated barcode (GS k m < 65).
    until_nul: bool,
    /// An incomplete command header carried to the next read.
    carry: Vec<u8>,
}

impl Realtime {
    /// Appends job data from `input` to `job` and returns the real-time requests found
    /// (EOT n; ENQ is answered as 0).
    fn feed(&mut self, input: &[u8], job: &mut Vec<u8>) -> Vec<u8> {
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(input);
        let mut polls = Vec::new();
        let mut i = 0;
        while i < data.len() {
            if self.skip > 0 {
                let n = self.skip.min(data.len() - i);
                job.extend_from_slice(&data[i..i + n]);
                self.skip -= n;
                i += n;
                continue;
            }
            if self.until_nul {
                job.push(data[i]);
                self.until_nul = data[i] != 0;
                i += 1;
                continue;
            }
            let rest = &data[i..];
            let need = |n: usize| rest.len() < n;
            match rest[0] {
                0x10 => {
                    if need(3) {
                        break;
                    }
                    if rest[1] == 0x04 || rest[1] == 0x05 {
                        polls.push(if rest[1] == 0x04 { rest[2] } else { 0 });
                        i += 3;
                        continue;
                    }
                }
                0x1D => {
                    if need(3) {
                        break;
                    }
                    match (rest[1], rest[2]) {
                        (b'v', b'0') => {
                            if need(8) {
                                break;
                            }
                            let w = usize::from(rest[4]) | usize::from(rest[5]) << 8;
                            let h = usize::from(rest[6]) | usize::from(rest[7]) << 8;
                            job.extend_from_slice(&rest[..8]);
                            self.skip = w * h;
                            i += 8;
                            continue;
                        }
                        (b'(', _) => {
                            if need(5) {
                                break;
                            }
                            job.extend_from_slice(&rest[..5]);
                            self.skip = usize::from(rest[3]) | usize::from(rest[4]) << 8;
                            i += 5;
                            continue;
                        }
                        (b'k', m) if m >= 65 => {
                            if need(4) {
                                break;
                            }
                            job.extend_from_slice(&rest[..4]);
                            self.skip = usize::from(rest[3]);
                            i += 4;
                            continue;
                        }
                        (b'k', _) => {
                            job.extend_from_slice(&rest[..3]);
                            self.until_nul = true;
                            i += 3;
                            continue;
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
            job.push(data[i]);
            i += 1;
        }
        if i < data.len() {
            self.carry = data[i..].to_vec();
        }
        polls
    }

    /// Whatever is left at the end of the connection belongs to the job.
    fn finish(&mut self, job: &mut Vec<u8>) {
        job.append(&mut self.carry);
    }
}

impl Emulator {
    pub async fn start(
        bind: SocketAddr,
        out_dir: PathBuf,
        width: PaperWidth,
    ) -> std::io::Result<Emulator> {
        std::fs::create_dir_all(&out_dir)?;
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared {
            status: PrinterStatus::ready(),
            ..Default::default()
        }));
        let (tx, mut rx) = oneshot::channel::<()>();
        let sh = Arc::clone(&shared);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut rx => break,
                    acc = listener.accept() => {
                        let Ok((sock, _)) = acc else { continue };
                        let sh = Arc::clone(&sh);
                        let dir = out_dir.clone();
                        tokio::spawn(async move { serve(sock, sh, dir, width).await });
                    }
                }
            }
        });
        Ok(Emulator {
            addr,
            shared,
            stop: Some(tx),
        })
    }

    pub fn target(&self) -> String {
        format!("tcp://{}", self.addr)
    }

    pub fn set_status(&self, s: PrinterStatus) {
        lock(&self.shared).status = s;
    }

    pub fn jobs(&self) -> Vec<EmuJob> {
        lock(&self.shared).jobs.clone()
    }

    pub fn refused(&self) -> u32 {
        lock(&self.shared).refused
    }

    pub fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn serve(
    mut sock: tokio::net::TcpStream,
    sh: Arc<Mutex<Shared>>,
    dir: PathBuf,
    width: PaperWidth,
) {
    let mut job: Vec<u8> = Vec::new();
    let mut rt = Realtime::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // A job ends when the sender closes the connection or goes quiet.
        let n = match tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => n,
        };
        if job.len() + n > 16 * 1024 * 1024 {
            break; // a runaway sender; keep what we have
        }
        let polls = rt.feed(&buf[..n], &mut job);
        if !polls.is_empty() {
            let answers = lock(&sh).status.answers();
            let reply: Vec<u8> = polls
                .iter()
                .map(|&n| {
                    answers
                        .get(usize::from(n).saturating_sub(1))
                        .copied()
                        .unwrap_or(0x12)
                })
                .collect();
            if sock.write_all(&reply).await.is_err() {
                break;
            }
        }
    }
    rt.finish(&mut job);
    if job.is_empty() {
        return;
    }
    let (seq, can_print) = {
        let mut s = lock(&sh);
        let ok = s.status.can_print();
        if !ok {
            s.refused += 1;
        }
        s.seq += 1;
        (s.seq, ok)
    };
    if !can_print {
        tracing::warn!(
            bytes = job.len(),
            "emulator: job arrived while the printer cannot print; dropped"
        );
        return;
    }
    let saved = tokio::task::spawn_blocking(move || {
        let doc = decode(&job);
        let png = render_png(&doc, width);
        let text = doc.text();
        let bin_p = dir.join(format!("job-{seq:04}.bin"));
        let png_p = dir.join(format!("job-{seq:04}.png"));
        let txt_p = dir.join(format!("job-{seq:04}.txt"));
        std::fs::write(&bin_p, &job)?;
        std::fs::write(&png_p, &png)?;
        std::fs::write(&txt_p, &text)?;
        Ok::<_, std::io::Error>(EmuJob {
            seq,
            bin: bin_p,
            png: png_p,
            text,
            bytes: job.len(),
        })
    })
    .await;
    match saved {
        Ok(Ok(j)) => {
            tracing::info!(seq = j.seq, bytes = j.bytes, png = %j.png.display(), "emulator: job printed");
            lock(&sh).jobs.push(j);
        }
        Ok(Err(e)) => tracing::error!(error = %e, "emulator: could not save job"),
        Err(e) => tracing::error!(error = %e, "emulator: job task failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn realtime_requests_are_found_outside_payloads_only() {
        // an image whose payload contains DLE EOT 1, then a real status request
        let mut stream = vec![
            0x1B, b'@', b'h', b'i', b'\n', 0x1D, b'v', b'0', 0, 3, 0, 1, 0, 0x10, 0x04, 0x01,
        ];
        stream.extend_from_slice(&[0x10, 0x04, 0x04]);
        stream.extend_from_slice(&[0x1D, b'(', b'k', 4, 0, 0x10, 0x04, 0x02, 0x00]);
        let mut job = Vec::new();
        let mut rt = Realtime::default();
        let polls = rt.feed(&stream, &mut job);
        rt.finish(&mut job);
        assert_eq!(polls, vec![4]);
        assert_eq!(job.len(), stream.len() - 3);
    }

    proptest! {
        /// Any split of a stream into reads finds the same requests and job bytes.
        #[test]
        fn split_reads_are_equivalent(data in proptest::collection::vec(any::<u8>(), 0..600), cut in 0usize..600) {
            let cut = cut.min(data.len());
            let (mut j1, mut j2) = (Vec::new(), Vec::new());
            let mut a = Realtime::default();
            let p1 = a.feed(&data, &mut j1);
            a.finish(&mut j1);
            let mut b = Realtime::default();
            let mut p2 = b.feed(&data[..cut], &mut j2);
            p2.extend(b.feed(&data[cut..], &mut j2));
            b.finish(&mut j2);
            prop_assert_eq!(p1, p2);
            prop_assert_eq!(j1, j2);
        }
    }
}
