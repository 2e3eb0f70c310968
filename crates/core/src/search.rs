//! In-memory catalog search: Chinese substrings, full pinyin, pinyin initials,
//! face value and barcodes, ranked exact barcode → exact field → prefix → substring.
//!
//! Pure: built from [`Product`]s, no IO. The index keeps posting lists of 1- and
//! 2-character grams and of field prefixes, with doc ids assigned in a static rank
//! order, so a query walks at most a few lists in order and stops at `limit`.
//!
//! Invariant: results never contain the same SKU twice, and a tombstoned (replaced or
//! deleted) document is never returned.

use pinyin::ToPinyin;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::product::Product;

/// Why a hit matched, best first. The UI may show it; ranking uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchTier {
    Barcode,
    Exact,
    Prefix,
    Substring,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub tier: MatchTier,
    pub product: Product,
}

struct Doc {
    product: Product,
    /// Lower-cased searchable fields: name, brand, category, face value, name pinyin,
    /// name initials, brand pinyin, brand initials, sku.
    fields: Vec<String>,
}

#[derive(Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    live: Vec<bool>,
    live_count: usize,
    by_sku: FxHashMap<String, u32>,
    by_barcode: FxHashMap<String, u32>,
    /// (barcode, doc) sorted by barcode, for prefix lookups of partly typed codes; rebuilt lazily.
    barcodes_sorted: Vec<(String, u32)>,
    barcodes_dirty: bool,
    exact: FxHashMap<String, Vec<u32>>,
    prefix: FxHashMap<u64, Vec<u32>>,
    grams: FxHashMap<u64, Vec<u32>>,
    /// Category id → display name, for indexing category names.
    categories: FxHashMap<String, String>,
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

/// Lower-case, half-width, no spaces, no currency signs.
pub fn normalize_query(q: &str) -> String {
    q.chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            c => Some(c),
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '¥' | '￥'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// (full pinyin, initials) of a string; non-Chinese characters are kept lower-cased in both.
pub fn pinyin_keys(s: &str) -> (String, String) {
    let mut full = String::with_capacity(s.len() * 2);
    let mut initials = String::with_capacity(s.len());
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None => {
                for l in c.to_lowercase() {
                    if !l.is_whitespace() {
                        full.push(l);
                        initials.push(l);
                    }
                }
            }
        }
    }
    (full, initials)
}

fn face_str(p: &Product) -> String {
    let fen = p.face_value.fen();
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        p.face_value.to_string()
    }
}

fn push_unique(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds an index; `categories` maps category ids to names so that 游戏 finds game cards.
    pub fn build(
        products: impl IntoIterator<Item = Product>,
        categories: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        let mut idx = SearchIndex {
            categories: categories.into_iter().collect(),
            ..Default::default()
        };
        let mut ps: Vec<Product> = products.into_iter().collect();
        // Static rank: available first, then shorter names, then smaller face value.
        ps.sort_by(|a, b| {
            (!a.available, a.name.chars().count(), a.face_value, &a.sku).cmp(&(
                !b.available,
                b.name.chars().count(),
                b.face_value,
                &b.sku,
            ))
        });
        idx.docs.reserve(ps.len());
        for p in ps {
            idx.upsert(p);
        }
        idx.refresh();
        idx
    }

    pub fn len(&self) -> usize {
        self.live_count
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
            if let Some(bc) = &self.docs[o].product.barcode
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
        let (name_py, name_in) = pinyin_keys(&p.name);
        let (brand_py, brand_in) = pinyin_keys(&p.brand);
        let cat = self
            .categories
            .get(&p.category)
            .cloned()
            .unwrap_or_else(|| p.category.clone());
        let fields: Vec<String> = [
            normalize_query(&p.name),
            normalize_query(&p.brand),
            normalize_query(&cat),
            face_str(&p),
            name_py,
            name_in,
            brand_py,
            brand_in,
            normalize_query(&p.sku),
        ]
        .into_iter()
        .filter(|f| !f.is_empty())
        .collect();
        for f in &fields {
            let list = self.exact.entry(f.clone()).or_default();
            push_unique(list, id);
            let mut it = f.chars();
            if let Some(a) = it.next() {
                push_unique(self.prefix.entry(key1(a)).or_default(), id);
                if let Some(b) = it.next() {
                    push_unique(self.prefix.entry(key2(a, b)).or_default(), id);
                }
            }
            let (mut p2, mut p1): (Option<char>, Option<char>) = (None, None);
            for c in f.chars() {
                push_unique(self.grams.entry(key1(c)).or_default(), id);
                if let Some(b) = p1 {
                    push_unique(self.grams.entry(key2(b, c)).or_default(), id);
                    if let Some(a) = p2 {
                        push_unique(self.grams.entry(key3(a, b, c)).or_default(), id);
                    }
                }
                p2 = p1;
                p1 = Some(c);
            }
        }
        if let Some(bc) = &p.barcode {
            self.by_barcode.insert(bc.clone(), id);
            self.barcodes_dirty = true;
        }
        self.by_sku.insert(p.sku.clone(), id);
        self.docs.push(Doc { product: p, fields });
        self.live.push(true);
        self.live_count += 1;
    }

    /// Call after a batch of [`upsert`](Self::upsert)s (done by [`build`](Self::build)):
    /// refreshes the sorted barcode list used for barcode-prefix search.
    pub fn refresh(&mut self) {
        if self.barcodes_dirty {
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

    /// Up to `limit` hits, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let q = normalize_query(query);
        let mut out: Vec<(u32, MatchTier)> = Vec::with_capacity(limit.min(64));
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let push = |out: &mut Vec<(u32, MatchTier)>, id: u32, tier: MatchTier| -> bool {
            if self.live[id as usize] && !out.iter().any(|(i, _)| *i == id) {
                out.push((id, tier));
            }
            out.len() >= limit
        };
        let chars: Vec<char> = q.chars().collect();

        // 1. exact barcode (a scanner sends the whole code)
        if let Some(&id) = self.by_barcode.get(&q)
            && push(&mut out, id, MatchTier::Barcode)
        {
            return self.hits(out);
        }
        // 1b. a partly typed barcode (digits only, at least 4)
        if chars.len() >= 4 && q.bytes().all(|b| b.is_ascii_digit()) {
            let sorted = &self.barcodes_sorted;
            let start = sorted.partition_point(|(b, _)| b.as_str() < q.as_str());
            for (b, id) in &sorted[start..] {
                if !b.starts_with(q.as_str()) {
                    break;
                }
                if self.by_barcode.get(b) == Some(id) && push(&mut out, *id, MatchTier::Prefix) {
                    return self.hits(out);
                }
            }
        }
        // 2. a whole field equals the query
        if let Some(list) = self.exact.get(&q) {
            for &id in list {
                if push(&mut out, id, MatchTier::Exact) {
                    return self.hits(out);
                }
            }
        }
        // 3. a field starts with the query
        let pkey = if chars.len() == 1 {
            key1(chars[0])
        } else {
            key2(chars[0], chars[1])
        };
        if let Some(list) = self.prefix.get(&pkey) {
            let short = chars.len() <= 2;
            for &id in list {
                if (short
                    || self.docs[id as usize]
                        .fields
                        .iter()
                        .any(|f| f.starts_with(&q)))
                    && push(&mut out, id, MatchTier::Prefix)
                {
                    return self.hits(out);
                }
            }
        }
        // 4. a field contains the query: walk the rarest gram's list
        let list = if chars.len() == 1 {
            self.grams.get(&key1(chars[0]))
        } else {
            let mut best: Option<&Vec<u32>> = None;
            let keys: Vec<u64> = if chars.len() == 2 {
                vec![key2(chars[0], chars[1])]
            } else {
                chars.windows(3).map(|w| key3(w[0], w[1], w[2])).collect()
            };
            for k in keys {
                match self.grams.get(&k) {
                    None => return self.hits(out), // a gram nobody has: no substring match
                    Some(l) if best.is_none_or(|b| l.len() < b.len()) => best = Some(l),
                    Some(_) => {}
                }
            }
            best
        };
        if let Some(list) = list {
            let short = chars.len() <= 2;
            for &id in list {
                if (short || self.docs[id as usize].fields.iter().any(|f| f.contains(&q)))
                    && push(&mut out, id, MatchTier::Substring)
                {
                    break;
                }
            }
        }
        self.hits(out)
    }

    fn hits(&self, out: Vec<(u32, MatchTier)>) -> Vec<SearchHit> {
        out.into_iter()
            .map(|(id, tier)| SearchHit {
                tier,
                product: self.docs[id as usize].product.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
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
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::build(
            vec![
                p(
                    "TX-M",
                    "腾讯视频VIP月卡",
                    "腾讯视频",
                    "video",
                    30,
                    Some("6901234567892"),
                ),
                p("YK-M", "优酷VIP会员月卡", "优酷", "video", 25, None),
                p("AQY-M", "爱奇艺黄金会员月卡", "爱奇艺", "video", 30, None),
                p("CM-50", "中国移动话费50元", "中国移动", "mobile", 50, None),
                p(
                    "CM-500",
                    "中国移动话费500元",
                    "中国移动",
                    "mobile",
                    500,
                    None,
                ),
                p(
                    "QB-10",
                    "Q币10元",
                    "腾讯",
                    "game",
                    10,
                    Some("6920000000105"),
                ),
                p("WY-50", "网易一卡通50元", "网易", "game", 50, None),
            ],
            vec![
                ("video".into(), "视频会员".into()),
                ("game".into(), "游戏点卡".into()),
                ("mobile".into(), "话费充值".into()),
            ],
        )
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
        let cases: &[(&str, &[&str])] = &[
            ("txsp", &["TX-M"]),
            ("yk", &["YK-M"]),
            ("优酷", &["YK-M"]),
            ("youku", &["YK-M"]),
            ("aqy", &["AQY-M"]),
            ("6901234567892", &["TX-M"]),
            ("qb", &["QB-10"]),
            ("Q币", &["QB-10"]),
            ("游戏", &["QB-10", "WY-50"]),
            ("zzzz", &[]),
        ];
        for (q, want) in cases {
            let got = skus(&idx, q);
            for w in *want {
                assert!(got.contains(&w.to_string()), "{q}: {got:?} lacks {w}");
            }
            if want.is_empty() {
                assert!(got.is_empty(), "{q}: {got:?}");
            }
        }
        // face value: exact face 50 before 500 (prefix)
        let r = idx.search("50", 10);
        assert_eq!(r[0].tier, MatchTier::Exact);
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
        // a 3+ character substring found through trigrams
        assert_eq!(skus(&idx, "视频v"), vec!["TX-M"]);
        assert_eq!(skus(&idx, "金会员"), vec!["AQY-M"]);
        // substring tier
        let r = idx.search("会员", 10);
        assert!(r.iter().all(|h| h.tier <= MatchTier::Substring) && r.len() >= 2);
    }

    #[test]
    fn upsert_and_remove() {
        let mut idx = index();
        assert_eq!(idx.len(), 7);
        idx.upsert(p("YK-M", "优酷VIP会员月卡(新)", "优酷", "video", 25, None));
        assert_eq!(idx.len(), 7);
        assert_eq!(skus(&idx, "yk")[0], "YK-M");
        assert_eq!(
            idx.get("YK-M").map(|p| p.name.as_str()),
            Some("优酷VIP会员月卡(新)")
        );
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
        s.dedup();
        assert_eq!(n, s.len());
        assert_eq!(n, 3);
    }
}
