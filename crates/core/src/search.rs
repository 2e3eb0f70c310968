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

pub(crate) struct Doc {
    pub(crate) product: Product,
    /// Lower-cased searchable fields: name, brand, category, face value, name pinyin,
    /// name initials, brand pinyin, brand initials, sku.
    pub(crate) fields: Vec<String>,
}

#[derive(Default)]
pub struct SearchIndex {
    pub(crate) docs: Vec<Doc>,
    pub(crate) live: Vec<bool>,
    pub(crate) live_count: usize,
    pub(crate) by_sku: FxHashMap<String, u32>,
    pub(crate) by_barcode: FxHashMap<String, u32>,
    /// (barcode, doc) sorted by barcode, for prefix lookups of partly typed codes; rebuilt lazily.
    pub(crate) barcodes_sorted: Vec<(String, u32)>,
    pub(crate) barcodes_dirty: bool,
    /// Barcodes upserted since the last refresh (a delta sync's few rows), searched linearly.
    pub(crate) barcodes_extra: Vec<(String, u32)>,
    pub(crate) exact: FxHashMap<String, Vec<u32>>,
    pub(crate) prefix: FxHashMap<u64, Vec<u32>>,
    pub(crate) grams: FxHashMap<u64, Vec<u32>>,
    /// Category id → display name, for indexing category names.
    pub(crate) categories: FxHashMap<String, String>,
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

/// The searchable fields of a product, lower-cased: name, brand, category, face value,
/// name pinyin, name initials, brand pinyin, brand initials, sku.
fn doc_fields(p: &Product, categories: &FxHashMap<String, String>) -> Vec<String> {
    let (name_py, name_in) = pinyin_keys(&p.name);
    let (brand_py, brand_in) = pinyin_keys(&p.brand);
    let cat = categories
        .get(&p.category)
        .map(String::as_str)
        .unwrap_or(p.category.as_str());
    [
        normalize_query(&p.name),
        normalize_query(&p.brand),
        normalize_query(cat),
        face_str(p),
        name_py,
        name_in,
        brand_py,
        brand_in,
        normalize_query(&p.sku),
    ]
    .into_iter()
    .filter(|f| !f.is_empty())
    .collect()
}

/// Calls `f` with every 1-, 2- and 3-gram key of every field (repeats included).
fn for_each_gram(fields: &[String], mut f: impl FnMut(u64)) {
    for field in fields {
        let (mut p2, mut p1): (Option<char>, Option<char>) = (None, None);
        for c in field.chars() {
            f(key1(c));
            if let Some(b) = p1 {
                f(key2(b, c));
                if let Some(a) = p2 {
                    f(key3(a, b, c));
                }
            }
            p2 = p1;
            p1 = Some(c);
        }
    }
}

/// The 1-, 2- and 3-gram keys of all fields, sorted and without duplicates.
fn gram_keys(fields: &[String], out: &mut Vec<u64>) {
    out.clear();
    for_each_gram(fields, |k| out.push(k));
    out.sort_unstable();
    out.dedup();
}

/// Fields of every product, computed on up to two threads (pure CPU work).
fn prepare_all(ps: &[Product], categories: &FxHashMap<String, String>) -> Vec<Vec<String>> {
    let one = |chunk: &[Product]| -> Vec<Vec<String>> {
        chunk.iter().map(|p| doc_fields(p, categories)).collect()
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

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds an index; `categories` maps category ids to names so that 游戏 finds game cards.
    ///
    /// Equivalent to upserting every product in static-rank order, but computed in bulk:
    /// the per-product fields on two threads, then every posting list allocated once at its
    /// final size and filled in doc order.
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
        ps.sort_by_cached_key(|a| {
            (
                !a.available,
                a.name.chars().count(),
                a.face_value,
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
        let n = u32::try_from(ps.len()).unwrap_or(u32::MAX);
        // Pass 1: count each gram's documents.
        let mut gram_slot: FxHashMap<u64, u32> = FxHashMap::default();
        let mut counts: Vec<u32> = Vec::new();
        // the last doc counted per slot: a gram seen twice in one doc is counted once
        let mut last: Vec<u32> = Vec::new();
        let mut slots: Vec<u32> = Vec::new();
        let mut ends: Vec<usize> = Vec::with_capacity(ps.len());
        for (i, fields) in prepared.iter().enumerate() {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            if keep[i] {
                for_each_gram(fields, |k| {
                    let next = u32::try_from(counts.len()).unwrap_or(u32::MAX);
                    let slot = *gram_slot.entry(k).or_insert(next);
                    if slot == next {
                        counts.push(0);
                        last.push(u32::MAX);
                    }
                    let s = slot as usize;
                    if last[s] != id {
                        last[s] = id;
                        counts[s] += 1;
                        slots.push(slot);
                    }
                });
            }
            ends.push(slots.len());
        }
        // Pass 2: fill lists allocated at their final size, in doc order.
        let mut lists: Vec<Vec<u32>> = counts
            .iter()
            .map(|&c| Vec::with_capacity(c as usize))
            .collect();
        let mut start = 0;
        for (id, &end) in ends.iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for &slot in &slots[start..end] {
                lists[slot as usize].push(id);
            }
            start = end;
        }
        drop(slots);
        idx.grams = gram_slot
            .into_iter()
            .map(|(k, slot)| (k, std::mem::take(&mut lists[slot as usize])))
            .collect();
        // Documents, exact fields, prefixes, barcodes.
        idx.docs.reserve(ps.len());
        idx.live.reserve(ps.len());
        idx.exact.reserve(ps.len() * 4);
        for (i, (p, fields)) in ps.into_iter().zip(prepared).enumerate() {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            if id >= n {
                break;
            }
            if keep[i] {
                idx.index_fields(id, &fields);
                if let Some(bc) = &p.barcode {
                    idx.by_barcode.insert(bc.clone(), id);
                    idx.barcodes_dirty = true;
                }
                idx.by_sku.insert(p.sku.clone(), id);
                idx.live_count += 1;
            }
            idx.live.push(keep[i]);
            idx.docs.push(Doc { product: p, fields });
        }
        idx.refresh();
        idx
    }

    /// Exact-field and prefix postings of one document.
    fn index_fields(&mut self, id: u32, fields: &[String]) {
        for f in fields {
            match self.exact.get_mut(f.as_str()) {
                Some(list) => push_unique(list, id),
                None => {
                    self.exact.insert(f.clone(), vec![id]);
                }
            }
            let mut it = f.chars();
            if let Some(a) = it.next() {
                push_unique(self.prefix.entry(key1(a)).or_default(), id);
                if let Some(b) = it.next() {
                    push_unique(self.prefix.entry(key2(a, b)).or_default(), id);
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.live_count
    }

    /// True when the index was built with exactly these category names.
    pub fn has_categories(&self, cats: &[(String, String)]) -> bool {
        cats.len() == self.categories.len()
            && cats
                .iter()
                .all(|(id, name)| self.categories.get(id) == Some(name))
    }

    /// Sizes of the posting maps, for benchmarks.
    pub fn stats(&self) -> String {
        let postings: usize = self.grams.values().map(Vec::len).sum::<usize>()
            + self.prefix.values().map(Vec::len).sum::<usize>();
        format!(
            "grams {} prefix {} exact {} postings {}",
            self.grams.len(),
            self.prefix.len(),
            self.exact.len(),
            postings
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
        let fields = doc_fields(&p, &self.categories);
        let mut grams = Vec::new();
        gram_keys(&fields, &mut grams);
        for k in grams {
            self.grams.entry(k).or_default().push(id);
        }
        self.index_fields(id, &fields);
        if let Some(bc) = &p.barcode {
            self.by_barcode.insert(bc.clone(), id);
            // new barcodes wait in a short unsorted list until the next refresh/rebuild
            self.barcodes_extra.push((bc.clone(), id));
        }
        self.by_sku.insert(p.sku.clone(), id);
        self.docs.push(Doc { product: p, fields });
        self.live.push(true);
        self.live_count += 1;
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
            let recent = self
                .barcodes_extra
                .iter()
                .filter(|(b, _)| b.starts_with(q.as_str()));
            let sorted_hits = sorted[start..]
                .iter()
                .take_while(|(b, _)| b.starts_with(q.as_str()));
            for (b, id) in sorted_hits.chain(recent) {
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
        }
    }

    pub(crate) fn sample_products() -> Vec<Product> {
        index_products()
    }

    fn index() -> SearchIndex {
        SearchIndex::build(
            index_products(),
            vec![
                ("video".to_string(), "视频会员".to_string()),
                ("game".to_string(), "游戏点卡".to_string()),
                ("mobile".to_string(), "话费充值".to_string()),
            ],
        )
    }

    fn index_products() -> Vec<Product> {
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
        ]
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
