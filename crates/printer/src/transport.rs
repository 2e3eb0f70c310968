//! Sending bytes to a real printer through the `escpos` crate's drivers (network, USB,
//! serial, device file), with a real-time status check (DLE EOT) before and after a job.

use std::net::ToSocketAddrs;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use escpos::driver::{Driver, FileDriver, NetworkDriver, SerialPortDriver, UsbDriver};

use crate::status::{
    DLE_EOT_ERROR, DLE_EOT_OFFLINE, DLE_EOT_PAPER, DLE_EOT_PRINTER, PrintError, PrinterStatus,
};

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
            let host_ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !host_ok || port == 0 {
                return Err(bad());
            }
            return Ok(Target::Tcp { host, port });
        }
        if let Some(rest) = s.strip_prefix("usb:") {
            let (v, p) = rest.split_once(':').ok_or_else(bad)?;
            return Ok(Target::Usb {
                vendor: u16::from_str_radix(v, 16).map_err(|_| bad())?,
                product: u16::from_str_radix(p, 16).map_err(|_| bad())?,
            });
        }
        if let Some(rest) = s.strip_prefix("serial:") {
            let (path, baud) = match rest.rsplit_once(':') {
                Some((p, b)) if b.chars().all(|c| c.is_ascii_digit()) && !b.is_empty() => {
                    (p.to_string(), b.parse().map_err(|_| bad())?)
                }
                _ => (rest.to_string(), 9600),
            };
            if path.is_empty() || baud == 0 {
                return Err(bad());
            }
            return Ok(Target::Serial { path, baud });
        }
        if let Some(rest) = s.strip_prefix("file:") {
            if rest.is_empty() {
                return Err(bad());
            }
            return Ok(Target::File {
                path: rest.to_string(),
            });
        }
        // as installers type them: a device file, or an IP address with an optional port
        if s.starts_with("/dev/") && s.len() > 5 {
            return Ok(Target::File {
                path: s.to_string(),
            });
        }
        let (host, port) = match s.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| bad())?),
            None => (s, 9100),
        };
        if host.parse::<std::net::Ipv4Addr>().is_ok() && port != 0 {
            return Ok(Target::Tcp {
                host: host.to_string(),
                port,
            });
        }
        Err(bad())
    }
}

#[cfg(test)]
mod typed_targets {
    use super::Target;

    #[test]
    fn addresses_as_installers_type_them() {
        for (typed, shown) in [
            ("192.168.1.50", "tcp://192.168.1.50:9100"),
            (" 10.0.0.7:9101 ", "tcp://10.0.0.7:9101"),
            ("/dev/usb/lp0", "file:/dev/usb/lp0"),
            ("tcp://printer.local", "tcp://printer.local:9100"),
        ] {
            assert_eq!(
                typed.parse::<Target>().unwrap().to_string(),
                shown,
                "{typed}"
            );
        }
        for bad in [
            "",
            "printer",
            "192.168.1.50:port",
            "999.1.1.1",
            "/dev/",
            ":9100",
            "192.168.1.50:0",
            "192.168.1.50:65536",
        ] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
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
            Box::new(
                NetworkDriver::open(&ip.to_string(), *port, Some(timeout)).map_err(unreachable)?,
            )
        }
        Target::Usb { vendor, product } => {
            Box::new(UsbDriver::open(*vendor, *product, Some(timeout), None).map_err(unreachable)?)
        }
        Target::Serial { path, baud } => {
            Box::new(SerialPortDriver::open(path, *baud, Some(timeout)).map_err(unreachable)?)
        }
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
    let before = if matches!(target, Target::File { .. }) {
        None
    } else {
        status_of(&*d)
    };
    if let Some(s) = before
        && !s.can_print()
    {
        return Err(PrintError::NotReady(s));
    }
    d.write(bytes).map_err(|e| PrintError::Io(e.to_string()))?;
    d.flush().map_err(|e| PrintError::Io(e.to_string()))?;
    let after = if matches!(target, Target::File { .. }) {
        None
    } else {
        status_of(&*d)
    };
    Ok(SendReport { before, after })
}

/// A printer found on the network: where, and what it says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub target: Target,
    pub status: Option<PrinterStatus>,
}

/// Looks for ESC/POS printers: every `host:port` that accepts a TCP connection within
/// `timeout` is asked for its status. Hosts are probed concurrently (blocking threads, a
/// few dozen at a time), so a /24 takes about one timeout per batch.
pub fn find_tcp(hosts: &[std::net::IpAddr], port: u16, timeout: Duration) -> Vec<Found> {
    let mut found = Vec::new();
    for batch in hosts.chunks(64) {
        let handles: Vec<_> = batch
            .iter()
            .map(|&ip| {
                std::thread::spawn(move || {
                    let target = Target::Tcp {
                        host: ip.to_string(),
                        port,
                    };
                    // one connection: the driver's connect (with the timeout) is the probe
                    let driver = open(&target, timeout).ok()?;
                    let status = status_of(&*driver);
                    Some(Found { target, status })
                })
            })
            .collect();
        found.extend(handles.into_iter().filter_map(|h| h.join().ok().flatten()));
    }
    found
}

/// Linux USB printer device files (usblp), as `file:` targets.
pub fn find_device_files() -> Vec<Target> {
    let mut out = Vec::new();
    for dir in ["/dev/usb", "/dev"] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("lp")
                    && name[2..].chars().all(|c| c.is_ascii_digit())
                    && name.len() > 2
                {
                    out.push(Target::File {
                        path: e.path().to_string_lossy().into_owned(),
                    });
                }
            }
        }
    }
    out.sort_by_key(|t| t.to_string());
    out
}

/// The hosts of an IPv4 CIDR such as `192.168.1.0/24` (at most a /22: 1,022 hosts).
pub fn hosts_of(cidr: &str) -> Option<Vec<std::net::IpAddr>> {
    let (ip, bits) = cidr.split_once('/')?;
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let bits: u32 = bits.parse().ok()?;
    if !(22..=32).contains(&bits) {
        return None;
    }
    let mask = if bits == 32 {
        u32::MAX
    } else {
        !(u32::MAX >> bits)
    };
    let net = u32::from(ip) & mask;
    let size = 1u32 << (32 - bits);
    let range = if size <= 2 { 0..size } else { 1..size - 1 };
    Some(
        range
            .map(|i| std::net::IpAddr::V4((net + i).into()))
            .collect(),
    )
}

/// This machine's LAN address as a /24, guessed from the route a UDP socket would take
/// (no packet is sent).
pub fn local_subnet() -> Option<String> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    match s.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(v4) if !v4.is_loopback() && !v4.is_unspecified() => {
            let o = v4.octets();
            Some(format!("{}.{}.{}.0/24", o[0], o[1], o[2]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let ok = [
            (
                "tcp://192.168.1.50:9100",
                Target::Tcp {
                    host: "192.168.1.50".into(),
                    port: 9100,
                },
            ),
            (
                "tcp://printer.local",
                Target::Tcp {
                    host: "printer.local".into(),
                    port: 9100,
                },
            ),
            (
                "usb:0416:5011",
                Target::Usb {
                    vendor: 0x0416,
                    product: 0x5011,
                },
            ),
            (
                "serial:/dev/ttyUSB0:115200",
                Target::Serial {
                    path: "/dev/ttyUSB0".into(),
                    baud: 115_200,
                },
            ),
            (
                "serial:/dev/ttyS0",
                Target::Serial {
                    path: "/dev/ttyS0".into(),
                    baud: 9600,
                },
            ),
            (
                "file:/dev/usb/lp0",
                Target::File {
                    path: "/dev/usb/lp0".into(),
                },
            ),
        ];
        for (s, t) in ok {
            assert_eq!(s.parse::<Target>().unwrap(), t, "{s}");
        }
        for bad in [
            "",
            "tcp://",
            "tcp://x:notaport",
            "tcp://x:0",
            "tcp://a b:9100",
            "tcp://user@host:9100",
            "serial:/dev/ttyS0:0",
            "usb:zz:1",
            "lpt1",
            "file:",
        ] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        let h = hosts_of("192.168.1.77/24").unwrap();
        assert_eq!(h.len(), 254);
        assert_eq!(h[0].to_string(), "192.168.1.1");
        assert_eq!(h[253].to_string(), "192.168.1.254");
        assert_eq!(hosts_of("10.0.0.5/32").unwrap().len(), 1);
        assert!(hosts_of("10.0.0.0/8").is_none(), "too big to sweep");
        assert!(hosts_of("nonsense").is_none());
    }

    /// The device-file driver writes the job bytes as they are (a USB printer's /dev/usb/lpN).
    #[test]
    fn file_target_receives_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("lp0");
        std::fs::write(&p, b"").unwrap();
        let t: Target = format!("file:{}", p.display()).parse().unwrap();
        let job = b"\x1b@\x1c&\xd6\xd0\xce\xc4\n\x1dVA\x00";
        let r = send(&t, job, Duration::from_secs(1)).unwrap();
        assert_eq!(
            r,
            SendReport {
                before: None,
                after: None
            },
            "no status from a device file"
        );
        assert_eq!(std::fs::read(&p).unwrap(), job);
    }
}
