//! Pinyin readings of Chinese text in context, for search keys.
//!
//! A character's reading follows the word it is in: 重庆 is chong qing, 音乐 yin yue,
//! 银行 yin hang. Words come from a maintained phrase dictionary (`data/pinyin-phrases.txt`,
//! generated from pypinyin's phrase data by `data/gen_phrases.py` and compiled into the
//! binary); a polyphonic character that no phrase covers is read each of its common ways
//! (the `pinyin` crate's heteronyms, at most [`MAX_PER_CHAR`]). ü is written `v` and also
//! `u`, as people type it both ways.
//!
//! Invariant: a run yields at most [`MAX_VARIANTS`] readings, so a name with many
//! polyphonic characters cannot blow up the index.

use std::sync::OnceLock;

use pinyin::ToPinyinMulti;
use rustc_hash::FxHashMap;

/// Readings kept for one character without phrase evidence.
pub const MAX_PER_CHAR: usize = 3;
/// Readings kept for one run of Chinese characters.
pub const MAX_VARIANTS: usize = 4;
/// Longest phrase in the dictionary, in characters.
const MAX_PHRASE: usize = 4;

static PHRASE_DATA: &str = include_str!("../data/pinyin-phrases.txt");

fn phrases() -> &'static FxHashMap<&'static str, &'static str> {
    static MAP: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        PHRASE_DATA
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
}

/// True for the characters the index treats as Chinese (CJK ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}'
        | '〇')
}

/// A toneless reading with ü as `v` (and the `u` spelling added after it).
fn push_reading(out: &mut Vec<String>, plain: &str) {
    let v: String = plain
        .chars()
        .map(|c| if c == 'ü' { 'v' } else { c })
        .collect();
    let u = v.replace('v', "u");
    for r in [v, u] {
        if !r.is_empty() && !out.contains(&r) {
            out.push(r);
        }
    }
}

/// The readings of each character of a run of Chinese characters, in context.
pub fn char_readings(run: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = run.chars().collect();
    let mut out: Vec<Vec<String>> = Vec::with_capacity(chars.len());
    let dict = phrases();
    let mut i = 0;
    while i < chars.len() {
        let mut matched = false;
        for len in (2..=MAX_PHRASE.min(chars.len() - i)).rev() {
            let word: String = chars[i..i + len].iter().collect();
            if let Some(r) = dict.get(word.as_str()) {
                let rs: Vec<&str> = r.split(' ').collect();
                if rs.len() == len {
                    for r in rs {
                        let mut one = Vec::with_capacity(2);
                        push_reading(&mut one, r);
                        out.push(one);
                    }
                    i += len;
                    matched = true;
                    break;
                }
            }
        }
        if matched {
            continue;
        }
        let mut one = Vec::new();
        if let Some(multi) = chars[i].to_pinyin_multi() {
            for p in multi {
                if one.len() >= MAX_PER_CHAR {
                    break;
                }
                push_reading(&mut one, p.plain());
            }
        }
        one.truncate(MAX_PER_CHAR);
        out.push(one);
        i += 1;
    }
    out
}

/// Full-pinyin and initials readings of a run: the first is every character's first
/// reading; the others change one character at a time. At most [`MAX_VARIANTS`] each.
pub fn run_variants(per_char: &[Vec<String>]) -> (Vec<String>, Vec<String>) {
    let first: Vec<&str> = per_char
        .iter()
        .map(|rs| rs.first().map(String::as_str).unwrap_or(""))
        .collect();
    let mut choices: Vec<Vec<&str>> = vec![first.clone()];
    'outer: for (i, rs) in per_char.iter().enumerate() {
        for r in rs.iter().skip(1) {
            if choices.len() >= MAX_VARIANTS * 2 {
                break 'outer;
            }
            let mut c = first.clone();
            c[i] = r.as_str();
            choices.push(c);
        }
    }
    let mut full: Vec<String> = Vec::new();
    let mut initials: Vec<String> = Vec::new();
    for c in &choices {
        let f: String = c.concat();
        let n: String = c.iter().filter_map(|r| r.chars().next()).collect();
        if !f.is_empty() && full.len() < MAX_VARIANTS && !full.contains(&f) {
            full.push(f);
        }
        if !n.is_empty() && initials.len() < MAX_VARIANTS && !initials.contains(&n) {
            initials.push(n);
        }
    }
    (full, initials)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initials(s: &str) -> Vec<String> {
        run_variants(&char_readings(s)).1
    }
    fn full(s: &str) -> Vec<String> {
        run_variants(&char_readings(s)).0
    }

    #[test]
    fn words_decide_the_reading() {
        for (word, want) in [
            ("重庆", "cq"),
            ("音乐", "yy"),
            ("银行", "yh"),
            ("长城", "cc"),
            ("传奇", "cq"),
        ] {
            assert_eq!(initials(word), vec![want.to_string()], "{word}");
        }
        assert_eq!(full("重庆"), vec!["chongqing".to_string()]);
        assert_eq!(full("音乐")[0], "yinyue");
    }

    #[test]
    fn an_unknown_polyphone_is_read_every_common_way() {
        // 绿钻 is in no phrase list: 绿 is lü or lù, typed lv or lu
        let f = full("绿钻");
        for want in ["lvzuan", "luzuan"] {
            assert!(f.contains(&want.to_string()), "{f:?}");
        }
        assert!(f.len() <= MAX_VARIANTS);
        // a run of many polyphones stays capped
        let many = "行长重乐行长重乐";
        assert!(full(many).len() <= MAX_VARIANTS && initials(many).len() <= MAX_VARIANTS);
    }

    #[test]
    fn the_phrase_data_is_there() {
        assert!(phrases().len() > 10_000);
        assert!(is_han('重') && !is_han('a') && !is_han('５'));
    }
}
