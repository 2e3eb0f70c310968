//! Provisioning from a file: the installer's wizard without a screen, for store chains that
//! set up many terminals (`installers/provision.example.toml`).
//!
//! Invariant: the whole file is checked first (syntax, unknown keys, missing fields, types,
//! address, printer, language, PIN), each problem with its line; a file with a problem
//! changes nothing.
//! Invariant: a run that stopped halfway can be run again: a terminal already paired to a
//! store does not spend the pairing code again, an existing owner is logged in, not added.

use cardcat_core::Lang;
use serde::Deserialize;
use toml::Spanned;

use crate::error::InputError;
use crate::{Counter, CounterError, PrinterSetup, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    platform: Platform,
    store: Option<StoreSection>,
    printer: Option<Printer>,
    terminal: Option<Terminal>,
    owner: Owner,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Platform {
    url: Spanned<String>,
    pairing_code: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreSection {
    display_name: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Printer {
    target: Spanned<String>,
    profile: Spanned<String>,
    width_mm: Option<Spanned<u16>>,
    #[serde(default)]
    test_print: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Terminal {
    language: Option<Spanned<String>>,
    #[serde(default)]
    kiosk: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Owner {
    id: Spanned<String>,
    name: Option<Spanned<String>>,
    pin: Option<Spanned<String>>,
}

/// What a provisioning run did, step by step (for the installer's log).
#[derive(Debug, Clone, Default)]
pub struct ProvisionReport {
    pub paired: bool,
    pub already_paired: bool,
    pub store_name: String,
    pub printer: Option<String>,
    pub test_printed: bool,
    pub owner_created: bool,
    /// The kiosk's autostart entry, when kiosk mode is on.
    pub autostart: Option<std::path::PathBuf>,
}

/// A checked provisioning file, ready to run.
#[derive(Debug)]
pub struct Provision {
    url: String,
    code: String,
    display_name: Option<String>,
    printer: Option<(String, String, bool)>,
    lang: Option<Lang>,
    kiosk: bool,
    owner_id: String,
    owner_name: String,
    pin: Option<String>,
    /// Where the kiosk's autostart entry goes (the session's own folder unless told).
    autostart_dir: Option<std::path::PathBuf>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |s| s.bytes().filter(|b| *b == b'\n').count() + 1)
}

fn bad(text: &str, span: std::ops::Range<usize>, key: &str) -> CounterError {
    InputError::Provision {
        line: line_of(text, span.start),
        kind: "value",
        key: key.to_string(),
    }
    .into()
}

/// The largest provisioning file read: a real one is under 2 KiB, so anything this large
/// is the wrong file (and reading stays bounded, even from a device or a pipe).
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The longest store name a file may give (it heads every receipt and the top bar).
pub const STORE_NAME_MAX: usize = 40;

impl Provision {
    /// Reads and checks a provisioning file: bounded in size, UTF-8 (a leading byte-order
    /// mark, as Windows editors write, is allowed), then [`Provision::parse`]. Every problem
    /// is a localised file or input error; nothing is changed.
    pub fn read(path: &std::path::Path) -> Result<Provision> {
        use std::io::{Error, ErrorKind, Read};
        let f = std::fs::File::open(path).map_err(|e| CounterError::file(path, &e))?;
        let mut buf = Vec::new();
        f.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| CounterError::file(path, &e))?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            let e = Error::new(ErrorKind::FileTooLarge, "larger than a provisioning file");
            return Err(CounterError::file(path, &e));
        }
        let text = String::from_utf8(buf).map_err(|u| {
            CounterError::file(path, &Error::new(ErrorKind::InvalidData, u.utf8_error()))
        })?;
        Provision::parse(text.strip_prefix('\u{feff}').unwrap_or(&text))
    }

    /// Checks a provisioning file completely; the first problem is reported with its line.
    pub fn parse(text: &str) -> Result<Provision> {
        let f: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            // serde's wording names the field: missing, unknown, or of the wrong type
            let msg = e.message();
            let (kind, key) = if let Some(rest) = msg.strip_prefix("missing field ") {
                ("missing", rest.trim().trim_matches('`').to_string())
            } else if let Some(rest) = msg.strip_prefix("unknown field ") {
                let k = rest
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches('`');
                ("unknown", k.to_string())
            } else if msg.starts_with("invalid type") {
                ("type", String::new())
            } else {
                ("syntax", String::new())
            };
            let key: String = key.chars().take(40).collect();
            CounterError::from(InputError::Provision { line, kind, key })
        })?;
        let url = f.platform.url.get_ref().trim().to_string();
        let url_ok = (url.starts_with("http://") || url.starts_with("https://"))
            && url.len() > "https://".len()
            && !url.contains(char::is_whitespace)
            && cardcat_client::PlatformClient::new(&url).is_ok();
        if !url_ok {
            return Err(bad(text, f.platform.url.span(), "url"));
        }
        let code = f.platform.pairing_code.get_ref().trim().to_string();
        if code.is_empty() || code.len() > 64 {
            return Err(bad(text, f.platform.pairing_code.span(), "pairing_code"));
        }
        let printer = match &f.printer {
            None => None,
            Some(p) => {
                if p.target
                    .get_ref()
                    .parse::<cardcat_printer::transport::Target>()
                    .is_err()
                {
                    return Err(bad(text, p.target.span(), "printer.target"));
                }
                let Some(prof) = cardcat_printer::profile::find(p.profile.get_ref()) else {
                    return Err(bad(text, p.profile.span(), "printer.profile"));
                };
                if let Some(w) = &p.width_mm {
                    let want = if prof.width == cardcat_printer::PaperWidth::Mm58 {
                        58
                    } else {
                        80
                    };
                    if *w.get_ref() != want {
                        return Err(bad(text, w.span(), "printer.width_mm"));
                    }
                }
                Some((
                    p.target.get_ref().trim().to_string(),
                    prof.id.to_string(),
                    p.test_print,
                ))
            }
        };
        let lang = match f.terminal.as_ref().and_then(|t| t.language.as_ref()) {
            None => None,
            Some(l) => match l.get_ref().trim() {
                "zh-CN" | "zh" => Some(Lang::ZhCn),
                "en" => Some(Lang::En),
                _ => return Err(bad(text, l.span(), "terminal.language")),
            },
        };
        let id = f.owner.id.get_ref().trim().to_string();
        if id.is_empty()
            || id.len() > 32
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(bad(text, f.owner.id.span(), "owner.id"));
        }
        let pin = match &f.owner.pin {
            None => None,
            Some(p) => {
                let v = p.get_ref();
                if !(4..=8).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(text, p.span(), "owner.pin"));
                }
                Some(v.clone())
            }
        };
        if let Some(n) = f.store.as_ref().and_then(|s| s.display_name.as_ref())
            && !n.get_ref().trim().is_empty()
            && !crate::valid_name(n.get_ref().trim(), STORE_NAME_MAX)
        {
            return Err(bad(text, n.span(), "store.display_name"));
        }
        if let Some(n) = &f.owner.name
            && !n.get_ref().trim().is_empty()
            && !crate::valid_user_name(n.get_ref().trim())
        {
            return Err(bad(text, n.span(), "owner.name"));
        }
        let display_name = f
            .store
            .and_then(|s| s.display_name)
            .map(|n| n.into_inner().trim().to_string())
            .filter(|n| !n.is_empty());
        Ok(Provision {
            url,
            code,
            display_name,
            printer,
            lang,
            kiosk: f.terminal.is_some_and(|t| t.kiosk),
            owner_name: f
                .owner
                .name
                .map(|n| n.into_inner().trim().to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| id.clone()),
            owner_id: id,
            pin,
            autostart_dir: None,
        })
    }

    /// Whether the owner's PIN must be asked for (the file leaves it out).
    pub fn needs_pin(&self) -> bool {
        self.pin.is_none()
    }

    /// Puts the kiosk's autostart entry into `dir` instead of the session's own folder.
    pub fn with_autostart_dir(mut self, dir: std::path::PathBuf) -> Provision {
        self.autostart_dir = Some(dir);
        self
    }

    /// Gives the owner's PIN asked for at the terminal.
    pub fn with_pin(mut self, pin: String) -> Provision {
        self.pin = Some(pin);
        self
    }
}

impl Counter {
    /// Runs a checked provisioning file: pair (unless this terminal is already paired),
    /// sync, language, store name, printer (and its test page), kiosk, owner.
    pub async fn provision(&self, p: &Provision) -> Result<ProvisionReport> {
        let mut r = ProvisionReport::default();
        let pin = p.pin.clone().ok_or_else(|| InputError::Provision {
            line: 0,
            kind: "missing",
            key: "owner.pin".into(),
        })?;
        let state = self.setup_state()?;
        // an owner from an earlier run: every step below goes through the owner's session
        let who = if state.has_users {
            Some(self.login(&p.owner_id, &pin)?)
        } else {
            None
        };
        if state.activated {
            // a file for another platform is not applied to a terminal paired elsewhere
            let have = self.info()?.platform_url.unwrap_or_default();
            let same = |a: &str, b: &str| {
                a.trim()
                    .trim_end_matches('/')
                    .eq_ignore_ascii_case(b.trim().trim_end_matches('/'))
            };
            if !same(&have, &p.url) {
                return Err(CounterError::PairedElsewhere {
                    have,
                    file: p.url.clone(),
                });
            }
            r.already_paired = true;
        } else {
            self.repair(who.as_ref(), &p.url, &p.code, "provisioned", false)
                .await?;
            r.paired = true;
        }
        self.sync(false).await?;
        if let Some(l) = p.lang {
            self.set_lang(who.as_ref(), l)?;
        }
        let mut kv: Vec<(&str, String)> = Vec::new();
        if let Some(n) = &p.display_name {
            kv.push((cardcat_engine::K_STORE_NAME, n.clone()));
        }
        let kv_ref: Vec<(&str, &str)> = kv.iter().map(|(k, v)| (*k, v.as_str())).collect();
        cardcat_engine::configure(
            &mut self.store()?,
            who.as_ref(),
            cardcat_core::roles::Action::ConfigurePrinter,
            &kv_ref,
        )?;
        if let Some((target, profile, test)) = &p.printer {
            let saved = self.printer_settings()?;
            self.set_printer(
                who.as_ref(),
                &PrinterSetup {
                    target: target.clone(),
                    profile: profile.clone(),
                    footer: saved.footer,
                    logo: saved.logo,
                },
            )?;
            r.printer = Some(target.clone());
            if *test {
                self.test_print_preview(who.as_ref(), target, profile)
                    .await?;
                r.test_printed = true;
            }
        }
        // kiosk: the setting and the autostart entry (through the watchdog), or neither
        let dir = p
            .autostart_dir
            .clone()
            .unwrap_or_else(crate::owner::default_autostart_dir);
        r.autostart = self.set_kiosk(who.as_ref(), p.kiosk, &dir, crate::owner::WATCHDOG)?;
        if who.is_none() {
            self.create_owner(&p.owner_id, &p.owner_name, &pin)?;
            r.owner_created = true;
        }
        r.store_name = self.info()?.store_name.unwrap_or_default();
        Ok(r)
    }
}
