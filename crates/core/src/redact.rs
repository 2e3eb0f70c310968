//! Redaction for anything that leaves the terminal for support (the support bundle):
//! phone numbers and other long digit runs, e-mail names, and long tokens (secrets,
//! PIN codes) are masked; order keys (UUIDs) stay readable.
//!
//! Invariant: `text` never lets a run of 7 or more digits through whole (a run may be
//! broken by single spaces or dashes, as phone numbers are typed), nor a run of 16 or
//! more letters and digits, nor the name part of an e-mail address.

/// Masks what must not leave the terminal in `s`.
pub fn text(s: &str) -> String {
    let s = &mask_emails(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() {
            // a word: letters and digits, with single spaces/dashes between digits
            let start = i;
            let mut j = i;
            let mut alnum_run = 0usize;
            let mut longest_alnum = 0usize;
            while j < chars.len() {
                let ch = chars[j];
                if ch.is_ascii_alphanumeric() {
                    alnum_run += 1;
                    longest_alnum = longest_alnum.max(alnum_run);
                    j += 1;
                } else if (ch == ' ' || ch == '-')
                    && j + 1 < chars.len()
                    && chars[j + 1].is_ascii_digit()
                    && j > start
                    && chars[j - 1].is_ascii_digit()
                {
                    alnum_run = 0;
                    j += 1;
                } else {
                    break;
                }
            }
            let word: String = chars[start..j].iter().collect();
            let is_uuid = uuid_like(&word);
            if !is_uuid && (digit_run(&chars[start..j]) >= 7 || longest_alnum >= 16) {
                out.push_str(&mask_word(&chars[start..j]));
            } else {
                out.push_str(&word);
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `name@host` → `n***@host` for every whitespace-separated word with an '@'.
fn mask_emails(s: &str) -> String {
    if !s.contains('@') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for (k, part) in s.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        match part.split_once('@') {
            Some((name, host)) if !name.is_empty() => {
                // keep what leads into the address (a bracket, a CJK label)
                let lead: String = name
                    .chars()
                    .take_while(|c| !c.is_ascii_alphanumeric())
                    .collect();
                let rest = &name[lead.len()..];
                out.push_str(&lead);
                out.extend(rest.chars().next());
                out.push_str("***@");
                out.push_str(host);
            }
            _ => out.push_str(part),
        }
    }
    out
}

/// The longest run of digits. Groups split by single spaces/dashes join when both have 3
/// or more digits (138 0013 8000, 6222-0212-3456), so dates (2026-11-29) stay apart.
fn digit_run(cs: &[char]) -> usize {
    let mut groups: Vec<(usize, bool)> = Vec::new(); // (digits, joined to the next by a separator)
    let mut cur = 0;
    for (k, c) in cs.iter().enumerate() {
        if c.is_ascii_digit() {
            cur += 1;
        } else {
            if cur > 0 {
                let sep =
                    (*c == ' ' || *c == '-') && cs.get(k + 1).is_some_and(char::is_ascii_digit);
                groups.push((cur, sep));
            }
            cur = 0;
        }
    }
    if cur > 0 {
        groups.push((cur, false));
    }
    let mut best = 0;
    let mut run = 0;
    for (k, (n, sep)) in groups.iter().enumerate() {
        run += n;
        best = best.max(run);
        let next_joins = *sep && *n >= 3 && groups.get(k + 1).is_some_and(|g| g.0 >= 3);
        if !next_joins {
            run = 0;
        }
    }
    best
}

/// Keeps the first 3 and last 2 (4 for 11 or more) of the letters/digits, stars between.
fn mask_word(cs: &[char]) -> String {
    let kept: Vec<char> = cs
        .iter()
        .copied()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let n = kept.len();
    let tail = if (11..16).contains(&n) { 4 } else { 2 };
    if n <= 5 {
        return "*".repeat(n);
    }
    let mut out: String = kept[..3].iter().collect();
    out.push_str(&"*".repeat(n - 3 - tail));
    out.extend(&kept[n - tail..]);
    out
}

fn uuid_like(w: &str) -> bool {
    let parts: Vec<&str> = w.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && w.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        for (input, want) in [
            ("13800138000", "138****8000"),
            ("充值 138 0013 8000 成功", "充值 138****8000 成功"),
            ("138-0013-8000", "138****8000"),
            ("qq 123456789", "qq 123****89"),
            ("user zhang.san@example.com", "user z***@example.com"),
            ("50.00 元, 12 张", "50.00 元, 12 张"),
            (
                "key 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b ok",
                "key 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b ok",
            ),
            (
                "secret 9f86d081884c7d659a2feaa0c55ad015",
                "secret 9f8***************************15",
            ),
            ("PIN ABCD1234EFGH5678", "PIN ABC***********78"),
            ("2026-11-29 12:00", "2026-11-29 12:00"),
            ("卡号 6222 0212 3456 7890", "卡号 622***********90"),
        ] {
            assert_eq!(text(input), want, "{input}");
        }
    }

    #[test]
    fn no_phone_survives_any_spacing() {
        let phone = "13912345678";
        for sep in ["", " ", "-"] {
            let typed = format!("{}{sep}{}{sep}{}", &phone[..3], &phone[3..7], &phone[7..]);
            let out = text(&format!("账号{typed}，"));
            assert!(!out.replace([' ', '-'], "").contains(phone), "{out}");
        }
    }
}
