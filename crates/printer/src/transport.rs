//! Sending bytes to a real printer through the `escpos` crate's drivers (network, USB,
//! serial, device file), with a real-time status check (DLE EOT) before and after a job.

use std::net::ToSocketAddrs;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use escpos::driver::{Driver, FileDriver, NetworkDriver, SerialPortDriver, UsbDriver};

use crate::status::{DLE_EOT_ERROR, DLE_EOT_OFFLINE, DLE_EOT_PAPER, DLE_EOT_PRINTER, PrintError, PrinterStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Tcp { host: String, port: u16 },
    Usb { vendor: u16, product: u16 },
    Serial { path: String, baud: u32 },
    File { path: String },
}

impl FromStr for Target {
    type Err = PrintError;
    fn from_str(s: &str) -> Result<Target, PrintError> {
        let bad = || PrintError::BadTarget(s.to_string());
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("tcp://") {
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse().map_err(|_| bad())?),
                None => (rest.to_string(), 9100),
            };
            if host.is_empty() {
                return Err(bad());
            }
            return Ok(Target::Tcp { host, port });
        }
        if let Some(rest) = s.strip_prefix("usb:") {
            let (v, p) = rest.split_once(':').ok_or_else(bad)?;
            return Ok(Target::Usb { vendor: u16::from_str_radix(v, 16).map_err(|_| bad())?, product: u16::from_str_radix(p, 16).map_err(|_| bad())? });
        }
        if let Some(rest) = s.strip_prefix("serial:") {
            let (path, baud) = match rest.rsplit_once(':') {
                Some((p, b)) if b.chars().all(|c| c.is_ascii_digit()) && !b.is_empty() => (p.to_string(), b.parse().map_err(|_| bad())?),
                _ => (rest.to_string(), 9600),
            };
            if path.is_empty() {
                return Err(bad());
            }
            return Ok(Target::Serial { path, baud });
        }
        if let Some(rest) = s.strip_prefix("file:") {
            if rest.is_empty() {
                return Err(bad());
            }
            return Ok(Target::File { path: rest.to_string() });
        }
        Err(bad())
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Target::Usb { vendor, product } => write!(f, "usb:{vendor:04x}:{product:04x}"),
            Target::Serial { path, baud } => write!(f, "serial:{path}:{baud}"),
            Target::File { path } => write!(f, "file:{path}"),
        }
    }
}

fn open(t: &Target, timeout: Duration) -> Result<Box<dyn Driver>, PrintError> {
    let unreachable = |e: escpos::errors::PrinterError| PrintError::Unreachable(e.to_string());
    Ok(match t {
        Target::Tcp { host, port } => {
            // NetworkDriver wants an IP address: resolve names here.
            let ip = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|e| PrintError::Unreachable(e.to_string()))?
                .next()
                .ok_or_else(|| PrintError::Unreachable(host.clone()))?
                .ip();
            Box::new(NetworkDriver::open(&ip.to_string(), *port, Some(timeout)).map_err(unreachable)?)
        }
        Target::Usb { vendor, product } => Box::new(UsbDriver::open(*vendor, *product, Some(timeout), None).map_err(unreachable)?),
        Target::Serial { path, baud } => Box::new(SerialPortDriver::open(path, *baud, Some(timeout)).map_err(unreachable)?),
        Target::File { path } => Box::new(FileDriver::open(Path::new(path)).map_err(unreachable)?),
    })
}

fn ask(d: &dyn Driver, q: &[u8; 3]) -> Option<u8> {
    d.write(q).ok()?;
    d.flush().ok()?;
    let mut b = [0u8; 1];
    match d.read(&mut b) {
        Ok(1) => Some(b[0]),
        _ => None,
    }
}

/// Real-time status, or `None` when the transport cannot answer (e.g. a device file).
pub fn status_of(d: &dyn Driver) -> Option<PrinterStatus> {
    let a = ask(d, &DLE_EOT_PRINTER)?;
    let b = ask(d, &DLE_EOT_OFFLINE)?;
    let c = ask(d, &DLE_EOT_ERROR)?;
    let e = ask(d, &DLE_EOT_PAPER)?;
    Some(PrinterStatus::parse(a, b, c, e))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReport {
    pub before: Option<PrinterStatus>,
    pub after: Option<PrinterStatus>,
}

/// Asks for the status only.
pub fn query(target: &Target, timeout: Duration) -> Result<Option<PrinterStatus>, PrintError> {
    let d = open(target, timeout)?;
    Ok(status_of(&*d))
}

/// Sends one job. Refuses (without sending anything) when the printer reports it cannot
/// print; `PrintError::Io` means bytes may have reached the printer.
pub fn send(target: &Target, bytes: &[u8], timeout: Duration) -> Result<SendReport, PrintError> {
    let d = open(target, timeout)?;
    let before = if matches!(target, Target::File { .. }) { None } else { status_of(&*d) };
    if let Some(s) = before
        && !s.can_print() {
            return Err(PrintError::NotReady(s));
        }
    d.write(bytes).map_err(|e| PrintError::Io(e.to_string()))?;
    d.flush().map_err(|e| PrintError::Io(e.to_string()))?;
    let after = if matches!(target, Target::File { .. }) { None } else { status_of(&*d) };
    Ok(SendReport { before, after })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let ok = [
            ("tcp://192.168.1.50:9100", Target::Tcp { host: "192.168.1.50".into(), port: 9100 }),
            ("tcp://printer.local", Target::Tcp { host: "printer.local".into(), port: 9100 }),
            ("usb:0416:5011", Target::Usb { vendor: 0x0416, product: 0x5011 }),
            ("serial:/dev/ttyUSB0:115200", Target::Serial { path: "/dev/ttyUSB0".into(), baud: 115_200 }),
            ("serial:/dev/ttyS0", Target::Serial { path: "/dev/ttyS0".into(), baud: 9600 }),
            ("file:/dev/usb/lp0", Target::File { path: "/dev/usb/lp0".into() }),
        ];
        for (s, t) in ok {
            assert_eq!(s.parse::<Target>().unwrap(), t, "{s}");
        }
        for bad in ["", "tcp://", "tcp://x:notaport", "usb:zz:1", "lpt1", "file:"] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
    }
}
