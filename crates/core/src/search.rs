//! In-memory catalog search, the way a cashier types: Chinese words, full pinyin and
//! initials read in context ([`crate::readings`]), face values, barcodes, SKUs, the
//! platform's aliases (移动/yd/China Mobile, 月卡/1个月), in any order, with one typo
//! forgiven in a Latin or pinyin word of four letters or more.
//!
//! Pure: built from [`Product`]s, no IO.
//!
//! How it works. Each product is indexed under a set of *terms*: the runs of its name,
//! brand, category and aliases (a run is a stretch of Chinese, of Latin letters or of
//! digits), their pinyin and initials, the pinyin and initials of the whole name (over the
//! Chinese alone and with its letters kept), and the face value. A query splits the same
//! way into tokens; every token must match a term of the product: exactly, as a prefix,
//! inside it, or with one edit. A Chinese or Latin token that matches no term whole is
//! cut into the longest pieces that do (星巴克拿铁 → 星巴克 + 拿铁). The terms are few
//! (names repeat their words), so matching a token is a lookup in a small vocabulary:
//! a hash for exact, a sorted list for prefixes, character grams for the rest.
//!
//! Ranking, best first: an exact barcode or SKU; products still on sale; every token
//! exact (then prefix, inside, typo); a typed number equal to the face value; how often
//! this store sold it ([`SearchIndex::set_sales`], [`SearchIndex::record_sale`]); the
//! platform's category order; then the shorter, then alphabetically earlier name.
//!
//! Invariant: results never contain the same SKU twice, and a tombstoned (replaced or
//! deleted) document is never returned.
//! Invariant: every loop in a search is bounded by the vocabulary, the postings of the
//! matched terms and [`MAX_TOKENS`]; no input makes it panic.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::product::{Category, Product};
use crate::readings::{char_readings, is_han, run_variants};

/// Why a hit matched, best first. The UI may show it; ranking uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchTier {
    /// The whole barcode or SKU.
    Barcode,
    /// Every word of the query is a whole word of the product.
    Exact,
    /// Every word starts a word of the product (or a barcode starts with the digits).
    Prefix,
    /// Some word of the query is inside a word of the product.
    Substring,
    /// Some word matched only with one typo forgiven.
    Fuzzy,
}

impl MatchTier {
    /// The stable word both front ends show for the tier.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchTier::Barcode => "barcode",
            MatchTier::Exact => "exact",
            MatchTier::Prefix => "prefix",
            MatchTier::Substring => "substring",
            MatchTier::Fuzzy => "fuzzy",
        }
    }

    fn from_u8(t: u8) -> MatchTier {
        match t {
            0 | 1 => MatchTier::Exact,
            2 => MatchTier::Prefix,
            3 => MatchTier::Substring,
            _ => MatchTier::Fuzzy,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub tier: MatchTier,
    pub product: Product,
}

/// Most query words looked at; the rest of a very long query is ignored.
pub const MAX_TOKENS: usize = 8;
/// Longest query looked at, and longest word of it, in characters.
pub const MAX_QUERY_CHARS: usize = 128;
pub const MAX_WORD_CHARS: usize = 24;
/// Most aliases of one product indexed, and their longest length in characters.
pub const MAX_ALIASES: usize = 32;
pub const MAX_ALIAS_CHARS: usize = 64;
/// Shortest Latin word that is matched with a typo forgiven.
pub const FUZZY_MIN: usize = 4;

/// A whole word that is the brand, or one of the platform's aliases (优酷 typed as yk).
const BRAND: u8 = 0;
/// A whole word of the name, category or face value (月卡 as yk).
const EXACT: u8 = 1;
const PREFIX: u8 = 2;
const INSIDE: u8 = 3;
const FUZZY: u8 = 4;
/// Term flags: initials (matched with words left out), brand or alias (ranks first).
pub(crate) const F_INITIALS: u8 = 1;
pub(crate) const F_BRAND: u8 = 2;
const NONE: u8 = u8::MAX;

pub(crate) struct Doc {
    pub(crate) product: Product,
    /// Ties after sales: the category's place in the platform's order, then the name's
    /// length (see [`static_key`]).
    pub(crate) static_key: u32,
}

#[derive(Default)]
pub struct SearchIndex {
    pub(crate) docs: Vec<Doc>,
    pub(crate) live: Vec<bool>,
    pub(crate) live_count: usize,
    pub(crate) by_sku: FxHashMap<String, u32>,
    /// Per doc, what ranking reads for every candidate, packed for the cache: off sale
    /// (bit 63), [`Doc::static_key`] (bits 32–59), face value in 分 (low 32 bits).
    pub(crate) meta: Vec<u64>,
    pub(crate) by_barcode: FxHashMap<String, u32>,
    /// (barcode, doc) sorted by barcode, for prefix lookups of partly typed codes; rebuilt lazily.
    pub(crate) barcodes_sorted: Vec<(String, u32)>,
    pub(crate) barcodes_dirty: bool,
    /// Barcodes upserted since the last refresh (a delta sync's few rows), searched linearly.
    pub(crate) barcodes_extra: Vec<(String, u32)>,
    /// The vocabulary: every term, its id, and the docs indexed under it (ascending).
    pub(crate) terms: Vec<String>,
    pub(crate) term_ids: FxHashMap<String, u32>,
    pub(crate) postings: Vec<PostingList>,
    /// Term ids in the order of their strings, for prefix ranges.
    pub(crate) sorted_terms: Vec<u32>,
    /// 1-, 2- and 3-character grams of terms → term ids (ascending), for words inside terms.
    pub(crate) term_grams: FxHashMap<u64, Vec<u32>>,
    /// Terms of Latin letters only (pinyin, initials, English), with their letter sets,
    /// for typo-tolerant matching.
    pub(crate) latin: Vec<(u32, u32)>,
    /// Per term: [`F_INITIALS`] when some product has it as initials (of a word or a whole
    /// name), [`F_BRAND`] when as its brand or an alias.
    pub(crate) flags: Vec<u8>,
    /// The platform's categories, by id.
    pub(crate) categories: FxHashMap<String, Category>,
    /// Sales of this store by SKU, and per doc.
    pub(crate) sales: FxHashMap<String, u32>,
    pub(crate) doc_sales: Vec<u32>,
}

/// Ascending doc ids of one term, kept as LEB128 varints of their differences: most take
/// one byte, so the index is a third of the size of plain `u32`s in memory and its
/// snapshot loads by copying bytes.
#[derive(Default, Clone)]
pub(crate) struct PostingList {
    pub(crate) bytes: Vec<u8>,
    pub(crate) len: u32,
    pub(crate) last: u32,
}

impl PostingList {
    /// Appends a doc id (larger than every id in the list; equal ids are skipped).
    pub(crate) fn push(&mut self, id: u32) {
        if self.len > 0 && id <= self.last {
            return;
        }
        let mut d = id - if self.len == 0 { 0 } else { self.last };
        while d >= 0x80 {
            self.bytes.push((d as u8) | 0x80);
            d >>= 7;
        }
        self.bytes.push(d as u8);
        self.len += 1;
        self.last = id;
    }

    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// The ids, in order. Stops at the first malformed byte (never panics).
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut i = 0usize;
        let mut prev = 0u32;
        std::iter::from_fn(move || {
            let mut d = 0u32;
            let mut shift = 0u32;
            loop {
                let b = *self.bytes.get(i)?;
                i += 1;
                if shift > 28 {
                    return None;
                }
                d |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            prev = prev.wrapping_add(d);
            Some(prev)
        })
    }

    /// A list from snapshot bytes, when every id is below `max_id`, ascending, and
    /// there are exactly `len` of them.
    pub(crate) fn from_bytes(bytes: Vec<u8>, len: u32, max_id: u32) -> Option<PostingList> {
        let (mut i, mut n, mut prev) = (0usize, 0u32, 0u32);
        while i < bytes.len() {
            let mut d = 0u32;
            let mut shift = 0u32;
            loop {
                let b = *bytes.get(i)?;
                i += 1;
                if shift > 28 {
                    return None;
                }
                d |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            // strictly ascending: every difference after the first is at least 1
            if n > 0 && d == 0 {
                return None;
            }
            prev = prev.checked_add(d)?;
            if prev >= max_id {
                return None;
            }
            n += 1;
        }
        (n == len).then_some(PostingList {
            bytes,
            len,
            last: prev,
        })
    }
}

fn key1(c: char) -> u64 {
    u64::from(c)
}

fn key2(a: char, b: char) -> u64 {
    (1u64 << 42) | (u64::from(a) << 21) | u64::from(b)
}

fn key3(a: char, b: char, c: char) -> u64 {
    (1u64 << 63) | (u64::from(a) << 42) | (u64::from(b) << 21) | u64::from(c)
}

/// Lower-case, half-width (full-width ＡＢＣ１２３ and the ideographic space too), ü as v,
/// no currency signs. Spaces are kept: they separate words.
pub fn normalize_query(q: &str) -> String {
    q.chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            '\u{3000}' => Some(' '),
            c => Some(c),
        })
        .filter(|c| !matches!(c, '¥' | '￥'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ü' { 'v' } else { c })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Han,
    Latin,
    Digit,
}

fn class(c: char) -> Option<Class> {
    if c.is_ascii_digit() {
        Some(Class::Digit)
    } else if is_han(c) {
        Some(Class::Han)
    } else if c.is_alphabetic() {
        Some(Class::Latin)
    } else {
        None
    }
}

/// The runs of normalized text: stretches of Chinese, of letters, of digits. Anything
/// else (spaces, punctuation, symbols) separates runs.
pub(crate) fn runs(s: &str) -> Vec<(String, Class)> {
    let mut out: Vec<(String, Class)> = Vec::new();
    let mut cur: Option<(String, Class)> = None;
    for c in s.chars() {
        match (class(c), cur.as_mut()) {
            (Some(k), Some((run, ck))) if *ck == k => run.push(c),
            (Some(k), _) => {
                if let Some(r) = cur.take() {
                    out.push(r);
                }
                cur = Some((c.to_string(), k));
            }
            (None, _) => {
                if let Some(r) = cur.take() {
                    out.push(r);
                }
            }
        }
    }
    if let Some(r) = cur {
        out.push(r);
    }
    out
}

/// A face value as typed: `50`, or `0.5` for fractions of a yuan.
fn face_str(p: &Product) -> String {
    let fen = p.face_value.fen();
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        p.face_value.to_string()
    }
}

/// Terms of one text (a name, brand, category or alias): its runs, each Chinese run's
/// pinyin and initials, the whole text's pinyin and initials over its Chinese alone and
/// with its letters kept, and (for short texts) the whole text without separators.
/// Terms already computed while building: brands, categories and aliases repeat across
/// thousands of products, and so do the Chinese runs of their names.
#[derive(Default)]
struct Memo {
    texts: FxHashMap<(String, bool), (Vec<String>, Vec<String>)>,
    runs: FxHashMap<String, (Vec<String>, Vec<String>)>,
}

impl Memo {
    fn text(&mut self, text: &str, whole: bool, out: &mut Vec<String>, inits: &mut Vec<String>) {
        if let Some((o, i)) = self.texts.get(&(text.to_string(), whole)) {
            out.extend(o.iter().cloned());
            inits.extend(i.iter().cloned());
            return;
        }
        let (mut o, mut i) = (Vec::new(), Vec::new());
        text_terms(text, whole, &mut o, &mut i, &mut self.runs);
        out.extend(o.iter().cloned());
        inits.extend(i.iter().cloned());
        if self.texts.len() < 50_000 {
            self.texts.insert((text.to_string(), whole), (o, i));
        }
    }
}

fn text_terms(
    text: &str,
    whole: bool,
    out: &mut Vec<String>,
    inits: &mut Vec<String>,
    runs_memo: &mut FxHashMap<String, (Vec<String>, Vec<String>)>,
) {
    let norm = normalize_query(text);
    let rs = runs(&norm);
    if rs.is_empty() {
        return;
    }
    if whole && rs.len() > 1 {
        out.push(rs.iter().map(|(r, _)| r.as_str()).collect());
    }
    out.extend(unit_words(&norm));
    // per run: (full variants, initials variants); Latin runs are kept, digits dropped
    let mut per_run: Vec<(Vec<String>, Vec<String>, Class)> = Vec::with_capacity(rs.len());
    for (r, k) in &rs {
        out.push(r.clone());
        match k {
            Class::Han => {
                let (full, initials) = match runs_memo.get(r.as_str()) {
                    Some(v) => v.clone(),
                    None => {
                        let v = run_variants(&char_readings(r));
                        if runs_memo.len() < 50_000 {
                            runs_memo.insert(r.clone(), v.clone());
                        }
                        v
                    }
                };
                out.extend(full.iter().cloned());
                out.extend(initials.iter().cloned());
                inits.extend(initials.iter().cloned());
                per_run.push((full, initials, Class::Han));
            }
            Class::Latin => per_run.push((vec![r.clone()], vec![r.clone()], Class::Latin)),
            Class::Digit => {}
        }
    }
    if per_run.len() < 2 {
        return;
    }
    let variants = per_run
        .iter()
        .map(|(f, i, _)| f.len().max(i.len()))
        .max()
        .unwrap_or(1);
    for v in 0..variants {
        let pick = |list: &Vec<String>| -> String {
            list.get(v)
                .or_else(|| list.first())
                .cloned()
                .unwrap_or_default()
        };
        let mut full_all = String::new();
        let mut full_han = String::new();
        let mut init_all = String::new();
        let mut init_han = String::new();
        for (f, i, k) in &per_run {
            full_all.push_str(&pick(f));
            init_all.push_str(&pick(i));
            if *k == Class::Han {
                full_han.push_str(&pick(f));
                init_han.push_str(&pick(i));
            }
        }
        inits.extend([init_all.clone(), init_han.clone()]);
        out.extend([full_all, full_han, init_all, init_han]);
    }
}

/// Every term a product is found under, sorted and without duplicates, and the flags of
/// some: initials (for matching initials with words left out: 优酷月卡 as ykyk), brand
/// and alias words (a whole brand word ranks above a whole word of the name).
fn doc_terms(p: &Product, categories: &FxHashMap<String, Category>, memo: &mut Memo) -> Prepared {
    let mut out = Vec::with_capacity(48);
    let mut inits = Vec::with_capacity(8);
    // names are mostly unique: only their Chinese runs are remembered
    text_terms(&p.name, false, &mut out, &mut inits, &mut memo.runs);
    let mut brand = Vec::with_capacity(24);
    memo.text(&p.brand, true, &mut brand, &mut inits);
    for a in p.aliases.iter().take(MAX_ALIASES) {
        let a: String = a.chars().take(MAX_ALIAS_CHARS).collect();
        memo.text(&a, true, &mut brand, &mut inits);
    }
    out.extend(brand.iter().cloned());
    if let Some(c) = categories.get(&p.category) {
        memo.text(&c.name, true, &mut out, &mut Vec::new());
        if let Some(parent) = c.parent.as_ref().and_then(|id| categories.get(id)) {
            memo.text(&parent.name, true, &mut out, &mut Vec::new());
        }
    }
    out.push(face_str(p));
    let mut flagged: Vec<(String, u8)> = inits
        .into_iter()
        .map(|t| (t, F_INITIALS))
        .chain(brand.into_iter().map(|t| (t, F_BRAND)))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    flagged.sort_unstable();
    flagged.dedup();
    out.retain(|t| !t.is_empty());
    out.sort_unstable();
    out.dedup();
    (out, flagged)
}

/// Terms of every product, computed on up to two threads (pure CPU work).
type Prepared = (Vec<String>, Vec<(String, u8)>);

fn prepare_all(ps: &[Product], categories: &FxHashMap<String, Category>) -> Vec<Prepared> {
    let one = |chunk: &[Product]| -> Vec<Prepared> {
        let mut memo = Memo::default();
        chunk
            .iter()
            .map(|p| doc_terms(p, categories, &mut memo))
            .collect()
    };
    if ps.len() < 2048 {
        return one(ps);
    }
    let (a, b) = ps.split_at(ps.len() / 2);
    std::thread::scope(|s| {
        let h = std::thread::Builder::new().spawn_scoped(s, || one(b)).ok();
        let mut first = one(a);
        match h.map(|h| h.join()) {
            Some(Ok(second)) => first.extend(second),
            _ => first.extend(one(b)),
        }
        first
    })
}

/// The category's place (16 bits) and the name's length in characters (12 bits).
pub(crate) fn static_key(cat_rank: u16, name: &str) -> u32 {
    let len = u32::try_from(name.chars().count().min(0xFFF)).unwrap_or(0xFFF);
    (u32::from(cat_rank) << 12) | len
}

/// The product as the index keeps it: without its aliases (they are in its terms, and
/// the store keeps the full row), which would otherwise double the index in memory.
fn lean(mut p: Product) -> Product {
    p.aliases = Vec::new();
    p
}

/// The 1-, 2- and 3-character gram keys of a term, without duplicates.
fn term_gram_keys(term: &str) -> Vec<u64> {
    let cs: Vec<char> = term.chars().collect();
    let mut keys = Vec::with_capacity(cs.len() * 3);
    for (i, &c) in cs.iter().enumerate() {
        keys.push(key1(c));
        if i >= 1 {
            keys.push(key2(cs[i - 1], c));
        }
        if i >= 2 {
            keys.push(key3(cs[i - 2], cs[i - 1], c));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The set of letters a–z in a string, as bits.
pub(crate) fn letter_set(s: &str) -> u32 {
    s.bytes()
        .filter(u8::is_ascii_lowercase)
        .fold(0, |m, b| m | (1 << (b - b'a')))
}

pub(crate) fn is_latin_term(t: &str) -> bool {
    t.len() >= 3 && t.bytes().all(|b| b.is_ascii_lowercase())
}

/// True when some substring of `text` is within one edit (insertion, deletion,
/// substitution or a swap of two neighbours) of `pat`. Both are short ASCII words.
fn within_one_edit(pat: &[u8], text: &[u8]) -> bool {
    let m = pat.len();
    if m == 0 || m > 64 || text.len() + 1 < m {
        return false;
    }
    // columns of the (pattern × text) distance table, rows 0..=m; row 0 is all zero
    // (a match may start anywhere); optimal string alignment distance
    let mut prev2 = vec![0u8; m + 1];
    let mut prev: Vec<u8> = (0..=m).map(|i| i.min(255) as u8).collect();
    let mut cur = vec![0u8; m + 1];
    for j in 1..=text.len() {
        cur[0] = 0;
        for i in 1..=m {
            let cost = u8::from(pat[i - 1] != text[j - 1]);
            let mut v = (prev[i - 1] + cost).min(prev[i] + 1).min(cur[i - 1] + 1);
            if i > 1 && j > 1 && pat[i - 1] == text[j - 2] && pat[i - 2] == text[j - 1] {
                v = v.min(prev2[i - 2] + 1);
            }
            cur[i] = v.min(9);
        }
        if cur[m] <= 1 {
            return true;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    false
}

/// Amounts typed in a query, in 分: digit runs that are not quantities (a digit run
/// followed by a letter or a unit such as 天/个/月 is 20GB or 7天, not ¥20).
fn typed_amounts(norm: &str) -> Vec<i64> {
    let cs: Vec<char> = norm.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        let unit = cs.get(i).is_some_and(|&c| {
            c.is_ascii_alphabetic()
                || matches!(
                    c,
                    '天' | '日' | '个' | '月' | '年' | '周' | '次' | '张' | '人'
                )
        });
        if !unit {
            let digits: String = cs[start..i].iter().collect();
            if let Some(fen) = digits.parse::<i64>().ok().and_then(|y| y.checked_mul(100)) {
                out.push(fen);
            }
        }
    }
    out
}

/// The fewest contiguous pieces `pat` splits into to appear in order in `text` (as a
/// subsequence), or None when it does not. Both are short ASCII words.
fn fewest_pieces(pat: &[u8], text: &[u8]) -> Option<usize> {
    const INF: usize = usize::MAX / 2;
    let (m, n) = (pat.len(), text.len());
    if m == 0 || m > 64 || n > 256 {
        return None;
    }
    // prev[j]: fewest pieces for pat[..i] with pat[i-1] matched at text[j-1]
    let mut prev = vec![INF; n + 1];
    for j in 1..=n {
        if text[j - 1] == pat[0] {
            prev[j] = 1;
        }
    }
    for &c in &pat[1..] {
        let mut cur = vec![INF; n + 1];
        let mut best_before = INF; // min of prev[..j-1]
        for j in 1..=n {
            if j >= 2 {
                best_before = best_before.min(prev[j - 2]);
            }
            if text[j - 1] == c {
                cur[j] = prev[j - 1].min(best_before.saturating_add(1));
            }
        }
        prev = cur;
    }
    prev.into_iter().filter(|&v| v < INF).min()
}

/// Digits followed directly by letters (20GB, 10g), as one word: a quantity and its unit.
fn unit_words(norm: &str) -> Vec<String> {
    let cs: Vec<char> = norm.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].is_ascii_digit() || (i > 0 && cs[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        let digits_end = i;
        while i < cs.len() && cs[i].is_ascii_lowercase() {
            i += 1;
        }
        if i > digits_end {
            out.push(cs[start..i].iter().collect());
        }
    }
    out
}

/// One word of the query and the terms it matches, with how well.
struct Token {
    matches: Vec<(u32, u8)>,
    /// Sum of the postings of the matched terms: how many docs it may touch.
    weight: usize,
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds an index from products and the platform's categories (their names make
    /// 游戏 find game cards; their order breaks ties).
    pub fn build(
        products: impl IntoIterator<Item = Product>,
        categories: impl IntoIterator<Item = Category>,
    ) -> Self {
        let mut idx = SearchIndex::default();
        idx.set_categories(categories);
        let mut ps: Vec<Product> = products.into_iter().collect();
        // doc ids in name order (on sale first, shorter names first): ties in ranking
        // fall back to the doc id
        ps.sort_by_cached_key(|a| {
            (
                !a.available,
                a.name.chars().count(),
                a.name.clone(),
                a.sku.clone(),
            )
        });
        // SKUs are unique in a catalog; keep the last of any duplicate, as upserts would.
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        let mut keep = vec![true; ps.len()];
        for (i, p) in ps.iter().enumerate() {
            if let Some(prev) = seen.insert(p.sku.as_str(), i) {
                keep[prev] = false;
            }
        }
        drop(seen);
        let prepared = prepare_all(&ps, &idx.categories);
        idx.docs.reserve(ps.len());
        idx.live.reserve(ps.len());
        for (i, (p, prepared)) in ps.into_iter().zip(prepared).enumerate() {
            let Ok(id) = u32::try_from(i) else { break };
            if keep[i] {
                idx.index_doc(id, prepared, false);
                idx.add_codes(&p, id, true);
            }
            idx.push_doc(p, keep[i]);
        }
        idx.finish_vocabulary();
        idx.refresh();
        idx
    }

    /// Postings and term flags of doc `id`; `late` places new terms in the sorted
    /// vocabulary at once (an upsert), otherwise [`finish_vocabulary`](Self::finish_vocabulary)
    /// does it for all (a build).
    fn index_doc(&mut self, id: u32, (terms, flagged): Prepared, late: bool) {
        for t in terms {
            let tid = if late {
                self.add_term_late(t)
            } else {
                self.term_id(t)
            };
            self.postings[tid as usize].push(id);
        }
        for (t, f) in flagged {
            if let Some(&tid) = self.term_ids.get(&t) {
                self.flags[tid as usize] |= f;
            }
        }
    }

    /// Appends a doc (its id is the current count) with its ranking fields.
    fn push_doc(&mut self, p: Product, live: bool) {
        self.live.push(live);
        if live {
            self.live_count += 1;
        }
        self.doc_sales
            .push(self.sales.get(&p.sku).copied().unwrap_or(0));
        let doc = Doc {
            static_key: static_key(self.cat_rank(&p.category), &p.name),
            product: lean(p),
        };
        self.meta.push(Self::meta_of(&doc));
        self.docs.push(doc);
    }

    fn meta_of(d: &Doc) -> u64 {
        let face = u32::try_from(d.product.face_value.fen()).unwrap_or(u32::MAX);
        (u64::from(!d.product.available) << 63)
            | (u64::from(d.static_key & 0x0FFF_FFFF) << 32)
            | u64::from(face)
    }

    /// Recomputes the ranking fields of every doc (after a build or a load).
    pub(crate) fn rebuild_meta(&mut self) {
        self.meta = self.docs.iter().map(Self::meta_of).collect();
    }

    fn set_categories(&mut self, categories: impl IntoIterator<Item = Category>) {
        self.categories = categories.into_iter().map(|c| (c.id.clone(), c)).collect();
    }

    /// Rank of a category in the platform's order (sort, then id); unknown ones last.
    pub(crate) fn cat_rank(&self, id: &str) -> u16 {
        let Some(c) = self.categories.get(id) else {
            return u16::MAX;
        };
        let rank = self
            .categories
            .values()
            .filter(|o| (o.sort, o.id.as_str()) < (c.sort, c.id.as_str()))
            .count();
        u16::try_from(rank).unwrap_or(u16::MAX - 1)
    }

    /// The id of a term, added to the vocabulary (unsorted) if new.
    fn term_id(&mut self, t: String) -> u32 {
        if let Some(&id) = self.term_ids.get(&t) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).unwrap_or(u32::MAX);
        self.term_ids.insert(t.clone(), id);
        self.terms.push(t);
        self.postings.push(PostingList::default());
        self.flags.push(0);
        id
    }

    /// Sorted order, grams and typo targets of the whole vocabulary (after a bulk build).
    pub(crate) fn finish_vocabulary(&mut self) {
        let mut order: Vec<u32> = (0..u32::try_from(self.terms.len()).unwrap_or(0)).collect();
        order.sort_unstable_by(|&a, &b| self.terms[a as usize].cmp(&self.terms[b as usize]));
        self.sorted_terms = order;
        self.term_grams.clear();
        self.latin.clear();
        for (id, t) in self.terms.iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for k in term_gram_keys(t) {
                self.term_grams.entry(k).or_default().push(id);
            }
            if is_latin_term(t) {
                self.latin.push((id, letter_set(t)));
            }
        }
    }

    /// A term added after the bulk build (a delta sync's new word): placed in order.
    fn add_term_late(&mut self, t: String) -> u32 {
        if let Some(&id) = self.term_ids.get(&t) {
            return id;
        }
        let id = self.term_id(t);
        let s = self.terms[id as usize].as_str();
        let at = self
            .sorted_terms
            .partition_point(|&o| self.terms[o as usize].as_str() < s);
        self.sorted_terms.insert(at, id);
        for k in term_gram_keys(s) {
            self.term_grams.entry(k).or_default().push(id);
        }
        if is_latin_term(s) {
            self.latin.push((id, letter_set(s)));
        }
        id
    }

    fn add_codes(&mut self, p: &Product, id: u32, bulk: bool) {
        if let Some(bc) = &p.barcode {
            self.by_barcode.insert(bc.clone(), id);
            if bulk {
                self.barcodes_dirty = true;
            } else {
                // new barcodes wait in a short unsorted list until the next refresh/rebuild
                self.barcodes_extra.push((bc.clone(), id));
            }
        }
        self.by_sku.insert(p.sku.clone(), id);
    }

    pub fn len(&self) -> usize {
        self.live_count
    }

    /// True when the index was built with exactly these categories.
    pub fn has_categories(&self, cats: &[Category]) -> bool {
        cats.len() == self.categories.len()
            && cats.iter().all(|c| self.categories.get(&c.id) == Some(c))
    }

    /// Sizes of the vocabulary and postings, for benchmarks.
    #[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
    pub fn stats(&self) -> String {
        let postings: usize = self.postings.iter().map(PostingList::len).sum();
        let bytes: usize = self.postings.iter().map(|p| p.bytes.len()).sum();
        let grams: usize = self.term_grams.values().map(Vec::len).sum();
        format!(
            "docs {} terms {} postings {} ({:.1} MB) term-grams {} ({} entries) latin {}",
            self.docs.len(),
            self.terms.len(),
            postings,
            bytes as f64 / 1e6,
            self.term_grams.len(),
            grams,
            self.latin.len()
        )
    }

    pub fn is_empty(&self) -> bool {
        self.live_count == 0
    }

    pub fn get(&self, sku: &str) -> Option<&Product> {
        self.by_sku
            .get(sku)
            .map(|&i| &self.docs[i as usize].product)
    }

    /// Share of dead entries; callers may rebuild when it grows large.
    pub fn garbage_ratio(&self) -> f32 {
        #[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
        if self.docs.is_empty() {
            0.0
        } else {
            1.0 - self.live_count as f32 / self.docs.len() as f32
        }
    }

    pub fn remove(&mut self, sku: &str) {
        if let Some(old) = self.by_sku.remove(sku) {
            let o = old as usize;
            if self.live[o] {
                self.live[o] = false;
                self.live_count -= 1;
            }
            let p = &self.docs[o].product;
            if let Some(bc) = &p.barcode
                && self.by_barcode.get(bc) == Some(&old)
            {
                self.by_barcode.remove(bc);
            }
        }
    }

    /// Adds or replaces a product (delta sync). The new version gets a fresh doc id.
    pub fn upsert(&mut self, p: Product) {
        self.remove(&p.sku);
        let Ok(id) = u32::try_from(self.docs.len()) else {
            return;
        };
        let prepared = doc_terms(&p, &self.categories, &mut Memo::default());
        self.index_doc(id, prepared, true);
        self.add_codes(&p, id, false);
        self.push_doc(p, true);
    }

    /// Call after a batch of [`upsert`](Self::upsert)s (done by [`build`](Self::build)):
    /// refreshes the sorted barcode list used for barcode-prefix search.
    pub fn refresh(&mut self) {
        if self.barcodes_dirty || self.barcodes_extra.len() > 1024 {
            self.barcodes_extra.clear();
            let mut v: Vec<(String, u32)> = self
                .by_barcode
                .iter()
                .map(|(b, &i)| (b.clone(), i))
                .collect();
            v.sort_unstable();
            self.barcodes_sorted = v;
            self.barcodes_dirty = false;
        }
    }

    /// This store's sales by SKU (replacing any set before); they rank products a
    /// cashier sells often above those they never sell.
    pub fn set_sales(&mut self, counts: impl IntoIterator<Item = (String, u32)>) {
        self.sales = counts.into_iter().collect();
        for (d, s) in self.docs.iter().zip(self.doc_sales.iter_mut()) {
            *s = self.sales.get(&d.product.sku).copied().unwrap_or(0);
        }
    }

    /// One more sale of `sku` (as it happens at the counter).
    pub fn record_sale(&mut self, sku: &str) {
        let n = self.sales.entry(sku.to_string()).or_insert(0);
        *n = n.saturating_add(1);
        if let Some(&id) = self.by_sku.get(sku)
            && let Some(s) = self.doc_sales.get_mut(id as usize)
        {
            *s = s.saturating_add(1);
        }
    }

    /// Products of these kinds that are on sale, for the category tiles: this store's best
    /// sellers first, then the platform's category order and the name (as ties in search).
    /// `brand`, when given, keeps only that brand's products.
    pub fn browse(
        &self,
        kinds: &[crate::ProductKind],
        brand: Option<&str>,
        limit: usize,
    ) -> Vec<Product> {
        let mut ids: Vec<usize> = (0..self.docs.len())
            .filter(|&i| {
                let p = &self.docs[i].product;
                self.live.get(i).copied().unwrap_or(false)
                    && p.available
                    && kinds.contains(&p.kind)
                    && brand.is_none_or(|b| p.brand == b)
            })
            .collect();
        ids.sort_by_key(|&i| {
            (
                std::cmp::Reverse(self.doc_sales.get(i).copied().unwrap_or(0)),
                self.docs[i].static_key,
                self.docs[i].product.face_value,
                i,
            )
        });
        ids.into_iter()
            .take(limit)
            .map(|i| self.docs[i].product.clone())
            .collect()
    }

    /// This store's best sellers that are on sale (favourites), most sold first.
    pub fn best_sellers(&self, limit: usize) -> Vec<Product> {
        let mut v: Vec<(u32, usize)> = self
            .sales
            .iter()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(sku, n)| {
                let id = *self.by_sku.get(sku)? as usize;
                (self.live.get(id).copied().unwrap_or(false) && self.docs[id].product.available)
                    .then_some((*n, id))
            })
            .collect();
        v.sort_by_key(|&(n, id)| (std::cmp::Reverse(n), id));
        v.into_iter()
            .take(limit)
            .map(|(_, id)| self.docs[id].product.clone())
            .collect()
    }

    /// Sales recorded for `sku`.
    pub fn sales_of(&self, sku: &str) -> u32 {
        self.sales.get(sku).copied().unwrap_or(0)
    }

    // ---- matching a word against the vocabulary ----

    /// Terms containing `tok` (of at least one character), via the term grams.
    fn terms_containing(&self, tok: &str, out: &mut Vec<(u32, u8)>) {
        let cs: Vec<char> = tok.chars().collect();
        let list = match cs.len() {
            0 => return,
            1 => self.term_grams.get(&key1(cs[0])),
            2 => self.term_grams.get(&key2(cs[0], cs[1])),
            _ => {
                let mut best: Option<&Vec<u32>> = None;
                for w in cs.windows(3) {
                    match self.term_grams.get(&key3(w[0], w[1], w[2])) {
                        None => return,
                        Some(l) if best.is_none_or(|b| l.len() < b.len()) => best = Some(l),
                        Some(_) => {}
                    }
                }
                best
            }
        };
        let Some(list) = list else { return };
        let verify = cs.len() > 3;
        for &t in list {
            let term = self.terms[t as usize].as_str();
            if (!verify || term.contains(tok)) && term != tok && !term.starts_with(tok) {
                // the end of a word is a word boundary (会员月卡 ends with the word 月卡)
                let tier = if cs.len() >= 2 && term.ends_with(tok) {
                    EXACT
                } else {
                    INSIDE
                };
                out.push((t, tier));
            }
        }
    }

    /// True when some term has `piece` inside it (or is it).
    fn any_term_has(&self, piece: &str) -> bool {
        if self.term_ids.contains_key(piece) {
            return true;
        }
        let mut v = Vec::new();
        self.terms_containing(piece, &mut v);
        !v.is_empty() || self.first_with_prefix(piece).is_some()
    }

    fn first_with_prefix(&self, tok: &str) -> Option<usize> {
        let at = self
            .sorted_terms
            .partition_point(|&t| self.terms[t as usize].as_str() < tok);
        let t = *self.sorted_terms.get(at)?;
        self.terms[t as usize].starts_with(tok).then_some(at)
    }

    /// The terms a word matches whole: exact, as a prefix, or (Chinese, or Latin of two
    /// letters or more) inside a term. Digits match exactly or as a prefix only.
    fn match_whole(&self, tok: &str, k: Class) -> Vec<(u32, u8)> {
        let mut out = Vec::new();
        if let Some(&t) = self.term_ids.get(tok) {
            let brand = self.flags.get(t as usize).copied().unwrap_or(0) & F_BRAND != 0;
            out.push((t, if brand { BRAND } else { EXACT }));
        }
        if let Some(at) = self.first_with_prefix(tok) {
            for &t in &self.sorted_terms[at..] {
                let term = self.terms[t as usize].as_str();
                if !term.starts_with(tok) {
                    break;
                }
                if term != tok {
                    out.push((t, PREFIX));
                }
            }
        }
        let inside = match k {
            Class::Han => true,
            Class::Latin => tok.chars().count() >= 2,
            Class::Digit => false,
        };
        if inside {
            self.terms_containing(tok, &mut out);
        }
        out
    }

    /// Initials that hold `tok`'s letters in order, starting with its first: the initials
    /// of a name with words left out (优酷VIP会员月卡 as ykyk).
    fn match_initials_gapped(&self, tok: &str) -> Vec<(u32, u8)> {
        let want = tok.as_bytes();
        let Some(&first) = want.first() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &(t, _) in &self.latin {
            if self.flags.get(t as usize).copied().unwrap_or(0) & F_INITIALS == 0 {
                continue;
            }
            let term = self.terms[t as usize].as_bytes();
            if term.first() != Some(&first) || term.len() <= want.len() {
                continue;
            }
            match fewest_pieces(want, term) {
                // two words' initials (爱奇艺 + 月卡 in aqyhjhyyk) start a word
                Some(n) if n <= 2 => out.push((t, PREFIX)),
                Some(_) => out.push((t, INSIDE)),
                None => {}
            }
        }
        out
    }

    /// Latin terms with a substring within one edit of `tok`.
    fn match_fuzzy(&self, tok: &str) -> Vec<(u32, u8)> {
        let pat = tok.as_bytes();
        let want = letter_set(tok);
        let mut out = Vec::new();
        for &(t, set) in &self.latin {
            // all but one of the word's letters must be in the term
            if (want & !set).count_ones() > 1 {
                continue;
            }
            let term = self.terms[t as usize].as_bytes();
            if within_one_edit(pat, term) {
                out.push((t, FUZZY));
            }
        }
        out
    }

    /// Cuts a word that matches nothing whole into the longest pieces that do, left to
    /// right (星巴克拿铁 → 星巴克, 拿铁). Latin pieces are at least two letters. None when
    /// no such cut exists.
    fn split(&self, tok: &str, k: Class) -> Option<Vec<String>> {
        let cs: Vec<char> = tok.chars().collect();
        let min = if k == Class::Latin { 2 } else { 1 };
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < cs.len() {
            let mut found = None;
            for end in (i + min..=cs.len()).rev() {
                let piece: String = cs[i..end].iter().collect();
                if self.any_term_has(&piece) {
                    found = Some((end, piece));
                    break;
                }
            }
            let (end, piece) = found?;
            pieces.push(piece);
            i = end;
            if pieces.len() > MAX_TOKENS {
                return None;
            }
        }
        (pieces.len() > 1).then_some(pieces)
    }

    fn token(&self, matches: Vec<(u32, u8)>) -> Token {
        let weight = matches
            .iter()
            .map(|(t, _)| self.postings[*t as usize].len())
            .sum();
        Token { matches, weight }
    }

    /// The query's words, each with the terms it matches. `fuzzy` adds typo matches for
    /// Latin words of [`FUZZY_MIN`] letters or more. None when some word matches nothing.
    ///
    /// `more` is set when asking again with `fuzzy` would add typo matches (a word that
    /// only matched inside other words).
    fn tokens(
        &self,
        words: &[(String, Class)],
        fuzzy: bool,
        more: &mut bool,
    ) -> Option<Vec<Token>> {
        let mut out: Vec<Token> = Vec::with_capacity(words.len());
        for (w, k) in words {
            let mut m = self.match_whole(w, *k);
            if m.is_empty() && *k == Class::Latin && w.len() >= 3 {
                m = self.match_initials_gapped(w);
            }
            let long_latin = *k == Class::Latin && w.len() >= FUZZY_MIN;
            // typos are looked for when the word starts or is no word of the catalog
            let known = m.iter().any(|(_, tier)| *tier <= PREFIX);
            if long_latin && !known && !fuzzy && !m.is_empty() {
                *more = true;
            }
            if long_latin && !known && (fuzzy || m.is_empty()) {
                let mut have: Vec<u32> = m.iter().map(|(t, _)| *t).collect();
                have.sort_unstable();
                let mut f = self.match_fuzzy(w);
                f.retain(|(t, _)| have.binary_search(t).is_err());
                m.extend(f);
            }
            if !m.is_empty() {
                out.push(self.token(m));
                continue;
            }
            if *k == Class::Digit {
                return None;
            }
            for piece in self.split(w, *k)? {
                let pm = self.match_whole(&piece, *k);
                if pm.is_empty() {
                    return None;
                }
                out.push(self.token(pm));
            }
        }
        Some(out)
    }

    /// Docs matching every token, each with its worst token tier.
    /// Docs matching every token, each with its worst token tier and the sum of its tiers.
    fn intersect(&self, mut tokens: Vec<Token>) -> Vec<(u32, u8, u8)> {
        let n = self.docs.len();
        if tokens.is_empty() || n == 0 {
            return Vec::new();
        }
        tokens.sort_by_key(|t| t.weight);
        let mut worst = vec![NONE; n];
        let mut cand: Vec<u32> = Vec::new();
        for &(t, tier) in &tokens[0].matches {
            for d in self.postings[t as usize].iter() {
                let Some(w) = worst.get_mut(d as usize) else {
                    continue;
                };
                if *w == NONE {
                    cand.push(d);
                    *w = tier;
                } else if tier < *w {
                    *w = tier;
                }
            }
        }
        let mut sum = vec![0u8; n];
        for &d in &cand {
            sum[d as usize] = worst[d as usize];
        }
        let mut best = vec![NONE; n];
        for tok in &tokens[1..] {
            if cand.is_empty() {
                break;
            }
            for &(t, tier) in &tok.matches {
                for d in self.postings[t as usize].iter() {
                    if worst.get(d as usize).is_some_and(|w| *w != NONE) && tier < best[d as usize]
                    {
                        best[d as usize] = tier;
                    }
                }
            }
            cand.retain(|&d| {
                let b = best[d as usize];
                if b == NONE {
                    worst[d as usize] = NONE;
                    false
                } else {
                    best[d as usize] = NONE;
                    worst[d as usize] = worst[d as usize].max(b);
                    sum[d as usize] = sum[d as usize].saturating_add(b);
                    true
                }
            });
        }
        cand.into_iter()
            .filter(|&d| self.live[d as usize])
            .map(|d| (d, worst[d as usize], sum[d as usize]))
            .collect()
    }

    /// Up to `limit` hits, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        // bounded work for any input: a cashier's query is short
        let norm: String =
            normalize_query(&query.chars().take(MAX_QUERY_CHARS).collect::<String>());
        let compact: String = norm.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut out: Vec<(u32, MatchTier)> = Vec::new();
        // 1. the whole barcode (a scanner sends it) or SKU
        let upper = compact.to_uppercase();
        for (map, code) in [
            (&self.by_barcode, &compact),
            (&self.by_sku, &upper),
            (&self.by_sku, &compact),
        ] {
            if let Some(&id) = map.get(code.as_str())
                && self.live[id as usize]
                && !out.iter().any(|(i, _)| *i == id)
            {
                out.push((id, MatchTier::Barcode));
            }
        }
        // 2. products matching every word, ranked
        let mut words = runs(&norm);
        for (w, _) in &mut words {
            if w.chars().count() > MAX_WORD_CHARS {
                *w = w.chars().take(MAX_WORD_CHARS).collect();
            }
        }
        // 20g typed as one word: the quantity and its unit together, when the catalog has it
        for unit in unit_words(&norm) {
            if self.match_whole(&unit, Class::Latin).is_empty() {
                continue;
            }
            let split = runs(&unit);
            for part in &split {
                if let Some(at) = words.iter().position(|w| w == part) {
                    words.remove(at);
                }
            }
            words.push((unit, Class::Latin));
        }
        words.dedup();
        words.truncate(MAX_TOKENS);
        let mut more = false;
        let mut matched = self
            .tokens(&words, false, &mut more)
            .map(|t| self.intersect(t))
            .unwrap_or_default();
        // too few: look for typos in words that only matched inside other words too
        if matched.len() < limit
            && more
            && let Some(t) = self.tokens(&words, true, &mut more)
        {
            matched = self.intersect(t);
        }
        // 3. a partly typed barcode (digits only, at least 4)
        if compact.len() >= 4 && compact.bytes().all(|b| b.is_ascii_digit()) {
            let start = self
                .barcodes_sorted
                .partition_point(|(b, _)| b.as_str() < compact.as_str());
            let sorted_hits = self.barcodes_sorted[start..]
                .iter()
                .take_while(|(b, _)| b.starts_with(compact.as_str()));
            let recent = self
                .barcodes_extra
                .iter()
                .filter(|(b, _)| b.starts_with(compact.as_str()));
            let mut codes: Vec<u32> = sorted_hits
                .chain(recent)
                .take(limit.saturating_mul(4))
                .filter(|(b, id)| self.by_barcode.get(b) == Some(id) && self.live[*id as usize])
                .map(|(_, id)| *id)
                .collect();
            if !codes.is_empty() {
                // one entry per doc: a word match of the same doc gives way to the code
                codes.sort_unstable();
                codes.dedup();
                matched.retain(|m| codes.binary_search(&m.0).is_err());
                matched.extend(codes.into_iter().map(|id| (id, PREFIX, PREFIX)));
            }
        }
        let numbers = typed_amounts(&norm);
        let key = |&(d, tier, sum): &(u32, u8, u8)| -> (u64, u32) {
            let meta = self.meta.get(d as usize).copied().unwrap_or(u64::MAX);
            let face = i64::from(meta as u32);
            let face_miss = !numbers.is_empty() && !numbers.contains(&face);
            let sales = self
                .doc_sales
                .get(d as usize)
                .copied()
                .unwrap_or(0)
                .min(0xF_FFFF);
            // bits, most significant first: off sale, worst word, face differs, all words,
            // fewer sales, category order and name length; then the doc id (name order)
            let k = ((meta >> 63) << 62)
                | (u64::from(tier.min(7)) << 59)
                | (u64::from(face_miss) << 58)
                | (u64::from(sum.min(63)) << 52)
                | (u64::from(0xF_FFFF - sales) << 32)
                | ((meta >> 32) & 0x0FFF_FFFF);
            (k, d)
        };
        let mut keyed: Vec<((u64, u32), u8)> = matched.iter().map(|m| (key(m), m.1)).collect();
        let want = limit.saturating_sub(out.len());
        if keyed.len() > want && want > 0 {
            keyed.select_nth_unstable_by_key(want - 1, |(k, _)| *k);
            keyed.truncate(want);
        }
        keyed.sort_unstable_by_key(|(k, _)| *k);
        for ((_, d), tier) in keyed {
            if out.len() >= limit {
                break;
            }
            if !out.iter().any(|(i, _)| *i == d) {
                out.push((d, MatchTier::from_u8(tier)));
            }
        }
        out.truncate(limit);
        out.into_iter()
            .map(|(id, tier)| SearchHit {
                tier,
                product: self.docs[id as usize].product.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::account::AccountTemplate;
    use crate::money::Money;
    use crate::product::ProductKind;

    fn p(
        sku: &str,
        name: &str,
        brand: &str,
        cat: &str,
        face: i64,
        barcode: Option<&str>,
    ) -> Product {
        Product {
            sku: sku.into(),
            name: name.into(),
            brand: brand.into(),
            category: cat.into(),
            kind: ProductKind::PinCard,
            face_value: Money::from_yuan(face),
            retail_price: Money::from_yuan(face),
            cost: Money::from_yuan(face),
            barcode: barcode.map(Into::into),
            template: AccountTemplate::None,
            available: true,
            version: 1,
            aliases: Vec::new(),
        }
    }

    pub(crate) fn sample_categories() -> Vec<Category> {
        let c = |id: &str, name: &str, sort: i64| Category {
            id: id.into(),
            name: name.into(),
            parent: None,
            sort,
        };
        vec![
            c("mobile", "话费充值", 10),
            c("game", "游戏点卡", 30),
            c("video", "视频会员", 40),
            c("music", "音乐会员", 50),
        ]
    }

    pub(crate) fn sample_products() -> Vec<Product> {
        let mut cm50 = p("CM-50", "中国移动话费50元", "中国移动", "mobile", 50, None);
        cm50.aliases = vec!["移动".into(), "yd".into(), "China Mobile".into()];
        let mut cm500 = p(
            "CM-500",
            "中国移动话费500元",
            "中国移动",
            "mobile",
            500,
            None,
        );
        cm500.aliases = cm50.aliases.clone();
        let mut tx = p(
            "TX-M",
            "腾讯视频VIP月卡",
            "腾讯视频",
            "video",
            30,
            Some("6901234567892"),
        );
        tx.aliases = vec!["1个月".into(), "Tencent Video".into()];
        vec![
            tx,
            p("YK-M", "优酷VIP会员月卡", "优酷", "video", 25, None),
            p("AQY-M", "爱奇艺黄金会员月卡", "爱奇艺", "video", 30, None),
            cm50,
            cm500,
            p(
                "QB-10",
                "Q币10元",
                "腾讯",
                "game",
                10,
                Some("6920000000105"),
            ),
            p("WY-50", "网易一卡通50元", "网易", "game", 50, None),
            p(
                "QQM-LZ",
                "QQ音乐绿钻豪华版月卡",
                "QQ音乐",
                "music",
                18,
                None,
            ),
            p("SBK-L", "星巴克中杯拿铁电子券", "星巴克", "music", 35, None),
        ]
    }

    fn index() -> SearchIndex {
        SearchIndex::build(sample_products(), sample_categories())
    }

    fn skus(idx: &SearchIndex, q: &str) -> Vec<String> {
        idx.search(q, 10)
            .into_iter()
            .map(|h| h.product.sku)
            .collect()
    }

    #[test]
    fn query_table() {
        let idx = index();
        // (query, the SKU that must come first)
        let first: &[(&str, &str)] = &[
            ("txsp", "TX-M"),
            ("txspyk", "TX-M"),
            ("txspvipyk", "TX-M"),
            ("腾讯视频月卡", "TX-M"),
            ("tengxunshipin", "TX-M"),
            ("tencent", "TX-M"),
            ("yk", "YK-M"),
            ("优酷", "YK-M"),
            ("youku", "YK-M"),
            ("aqy", "AQY-M"),
            ("6901234567892", "TX-M"),
            ("qb", "QB-10"),
            ("Q币", "QB-10"),
            ("移动50", "CM-50"),
            ("50移动", "CM-50"),
            ("yd50", "CM-50"),
            ("yd 500", "CM-500"),
            ("china mobile 50", "CM-50"),
            ("50元话费", "CM-50"),
            ("ＣＭ-50", "CM-50"),
            ("qqyy", "QQM-LZ"),
            ("lvzuan", "QQM-LZ"),
            ("luzuan", "QQM-LZ"),
            ("绿钻", "QQM-LZ"),
            ("星巴克拿铁", "SBK-L"),
            ("txps", "TX-M"),
            ("tengxnu shipin", "TX-M"),
            ("1个月 腾讯", "TX-M"),
        ];
        for (q, want) in first {
            let got = skus(&idx, q);
            assert_eq!(got.first().map(String::as_str), Some(*want), "{q}: {got:?}");
        }
        let all: &[(&str, &[&str])] = &[
            ("游戏", &["QB-10", "WY-50"]),
            ("zzzz", &[]),
            ("", &[]),
            ("   ", &[]),
        ];
        for (q, want) in all {
            let mut got = skus(&idx, q);
            got.sort();
            assert_eq!(
                got,
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "{q}"
            );
        }
        // face value: exact face 50 before 500 (prefix)
        let r = idx.search("50", 10);
        let pos = |s: &str| r.iter().position(|h| h.product.sku == s).unwrap();
        assert!(pos("CM-50") < pos("CM-500"));
        // barcode first
        assert_eq!(idx.search("6920000000105", 5)[0].tier, MatchTier::Barcode);
        // a partly typed barcode
        let r = idx.search("69012", 5);
        assert_eq!(
            (r[0].product.sku.as_str(), r[0].tier),
            ("TX-M", MatchTier::Prefix)
        );
        // a typo ranks below exact, and says so
        assert_eq!(idx.search("txps", 5)[0].tier, MatchTier::Fuzzy);
        assert_eq!(idx.search("txsp", 5)[0].tier, MatchTier::Exact);
    }

    #[test]
    fn sales_rank_what_this_store_sells() {
        let mut idx = index();
        // vip: two memberships with VIP as a whole word and names of one length: name order
        assert_eq!(skus(&idx, "vip"), vec!["YK-M", "TX-M"]);
        for _ in 0..3 {
            idx.record_sale("TX-M");
        }
        assert_eq!(skus(&idx, "vip"), vec!["TX-M", "YK-M"]);
        idx.set_sales([("YK-M".to_string(), 9)]);
        assert_eq!(skus(&idx, "vip")[0], "YK-M");
        assert_eq!(idx.sales_of("TX-M"), 0);
        // sales never lift a worse match over a better one: 50 is a whole word of CM-50
        // and WY-50, only the start of one of CM-500
        idx.set_sales([("CM-500".to_string(), 50)]);
        let r = skus(&idx, "50");
        assert_eq!(r.iter().position(|s| s == "CM-500"), Some(2), "{r:?}");
        idx.set_sales([("YK-M".to_string(), 9)]);
        // an upserted product keeps its sales
        let mut yk = idx.get("YK-M").cloned().unwrap();
        yk.name = "优酷VIP会员月卡(新)".into();
        idx.upsert(yk);
        assert_eq!(skus(&idx, "vip")[0], "YK-M");
    }

    #[test]
    fn typos_are_forgiven_once() {
        for (pat, text, yes) in [
            ("txps", "txspyk", true), // swap
            ("txsp", "txspyk", true), // exact
            ("tengxnu", "tengxunshipin", true),
            ("tengxun", "tengxunshipin", true),
            ("tenxun", "tengxunshipin", true),   // deletion
            ("tengxxun", "tengxunshipin", true), // insertion
            ("tangxun", "tengxunshipin", true),  // substitution
            ("tnegxnu", "tengxunshipin", false), // two swaps
            ("abcd", "xyz", false),
        ] {
            assert_eq!(
                within_one_edit(pat.as_bytes(), text.as_bytes()),
                yes,
                "{pat} in {text}"
            );
        }
    }

    #[test]
    fn upsert_and_remove() {
        let mut idx = index();
        assert_eq!(idx.len(), 9);
        idx.upsert(p("YK-M", "优酷VIP会员月卡(新)", "优酷", "video", 25, None));
        assert_eq!(idx.len(), 9);
        assert_eq!(skus(&idx, "优酷")[0], "YK-M");
        assert_eq!(
            idx.get("YK-M").map(|p| p.name.as_str()),
            Some("优酷VIP会员月卡(新)")
        );
        // a new word arrives with a delta
        let mut fresh = p("MG-M", "芒果TV会员月卡", "芒果TV", "video", 25, None);
        fresh.aliases = vec!["Mango TV".into()];
        idx.upsert(fresh);
        idx.refresh();
        assert_eq!(skus(&idx, "mango")[0], "MG-M");
        assert_eq!(skus(&idx, "mgtv")[0], "MG-M");
        idx.remove("YK-M");
        assert!(skus(&idx, "优酷").is_empty());
        assert!(idx.get("YK-M").is_none());
        assert!(idx.garbage_ratio() > 0.0);
    }

    #[test]
    fn limit_and_no_duplicates() {
        let idx = index();
        let r = idx.search("月卡", 2);
        assert_eq!(r.len(), 2);
        let r = idx.search("yueka", 50);
        let mut s: Vec<_> = r.iter().map(|h| h.product.sku.clone()).collect();
        let n = s.len();
        s.sort();
        s.dedup();
        assert_eq!(n, s.len());
        assert_eq!(n, 4);
    }

    #[test]
    fn hostile_queries_do_not_panic() {
        let idx = index();
        let long = "移".repeat(5000);
        for q in [
            "\u{0}",
            "🙂🙂",
            "a",
            "ü",
            "%%%",
            "-",
            "9",
            long.as_str(),
            "ab cd ef gh ij kl mn op qr st",
            "\u{200B}",
            "ǜ",
            "1e999",
            "99999999999999999999999",
        ] {
            let _ = idx.search(q, 10);
            let _ = idx.search(q, usize::MAX);
        }
    }
}
