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

/// True when a chunk is nothing but real-time requests (DLE EOT n / DLE ENQ n), which a
/// driver sends on their own and waits for.
fn status_poll(chunk: &[u8]) -> Option<Vec<u8>> {
    if chunk.is_empty() || !chunk.len().is_multiple_of(3) {
        return None;
    }
    let mut ns = Vec::new();
    for c in chunk.chunks(3) {
        if c[0] != 0x10 || !(c[1] == 0x04 || c[1] == 0x05) {
            return None;
        }
        ns.push(if c[1] == 0x04 { c[2] } else { 0 });
    }
    Some(ns)
}

impl Emulator {
    pub async fn start(bind: SocketAddr, out_dir: PathBuf, width: PaperWidth) -> std::io::Result<Emulator> {
        std::fs::create_dir_all(&out_dir)?;
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared { status: PrinterStatus::ready(), ..Default::default() }));
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
        Ok(Emulator { addr, shared, stop: Some(tx) })
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

async fn serve(mut sock: tokio::net::TcpStream, sh: Arc<Mutex<Shared>>, dir: PathBuf, width: PaperWidth) {
    let mut job: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // A job ends when the sender closes the connection or goes quiet.
        let n = match tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => n,
        };
        let chunk = &buf[..n];
        if let Some(ns) = status_poll(chunk) {
            let answers = lock(&sh).status.answers();
            let reply: Vec<u8> = ns.iter().map(|&n| answers.get(usize::from(n).saturating_sub(1)).copied().unwrap_or(0x12)).collect();
            if sock.write_all(&reply).await.is_err() {
                break;
            }
            continue;
        }
        if job.len() + n > 16 * 1024 * 1024 {
            break; // a runaway sender; keep what we have
        }
        job.extend_from_slice(chunk);
    }
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
        tracing::warn!(bytes = job.len(), "emulator: job arrived while the printer cannot print; dropped");
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
        Ok::<_, std::io::Error>(EmuJob { seq, bin: bin_p, png: png_p, text, bytes: job.len() })
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
