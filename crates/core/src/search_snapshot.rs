//! A search index as bytes and back, so a terminal can start searching without rebuilding
//! (pinyin, grams) from SQLite. Pure: the caller reads and writes the file.
//!
//! Invariant: decoding never panics and never trusts a length: any truncated, corrupt or
//! foreign input yields `None` (the caller then rebuilds). A snapshot carries a caller's key
//! (catalog version and the like) and the format version; a mismatch is `None` too.

use rustc_hash::FxHashMap;

use crate::account::AccountTemplate;
use crate::money::Money;
use crate::product::{Category, Product, ProductKind};
use crate::search::{Doc, PostingList, SearchIndex, is_latin_term, letter_set};

const MAGIC: &[u8; 8] = b"CCIDX\x00\x00\x02";
/// Bump when the index's contents change meaning (fields, grams, ranking).
pub const FORMAT: u32 = 3;

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    /// A posting list: count, then each id as the LEB128 varint of its (wrapping)
    /// difference from the previous one. Lists ascend, so most ids take one byte.
    fn ids(&mut self, v: &[u32]) {
        self.len(v.len());
        let mut prev = 0u32;
        for &x in v {
            let mut d = x.wrapping_sub(prev);
            prev = x;
            while d >= 0x80 {
                self.0.push((d as u8) | 0x80);
                d >>= 7;
            }
            self.0.push(d as u8);
        }
    }
}

struct R<'a> {
    b: &'a [u8],
}

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.b.len() {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }
    fn i64(&mut self) -> Option<i64> {
        self.take(8)?.try_into().ok().map(i64::from_le_bytes)
    }
    /// A count whose items take at least `min_item` bytes each (so a corrupt count cannot
    /// make us allocate beyond what the input could hold).
    fn count(&mut self, min_item: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        if n.checked_mul(min_item.max(1))? > self.b.len() {
            return None;
        }
        Some(n)
    }
    fn str(&mut self) -> Option<String> {
        let n = self.count(1)?;
        std::str::from_utf8(self.take(n)?).ok().map(str::to_owned)
    }
    fn ids(&mut self, max_id: u32) -> Option<Vec<u32>> {
        let n = self.count(1)?;
        let mut v = Vec::with_capacity(n);
        let mut prev = 0u32;
        let b = self.b;
        let mut i = 0usize;
        for _ in 0..n {
            let mut d = 0u32;
            let mut shift = 0u32;
            loop {
                let byte = *b.get(i)?;
                i += 1;
                if shift > 28 {
                    return None;
                }
                d |= u32::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    break;
                }
                shift += 7;
            }
            prev = prev.wrapping_add(d);
            if prev >= max_id {
                return None;
            }
            v.push(prev);
        }
        self.b = &b[i..];
        Some(v)
    }
}

fn kind_code(k: ProductKind) -> &'static str {
    k.as_str()
}

impl SearchIndex {
    /// The index as bytes, tagged with `key` (what it was built from), the catalog version
    /// it reflects, and the format. Terms are written in sorted order, so loading needs
    /// no sort. Sales are not part of it: they come from the store's orders.
    pub fn to_snapshot(&self, key: u64, version: i64) -> Vec<u8> {
        let mut w = W(Vec::with_capacity(self.docs.len() * 256));
        w.0.extend_from_slice(MAGIC);
        w.u32(FORMAT);
        w.u64(key);
        w.i64(version);
        // categories, in a stable order
        let mut cats: Vec<&Category> = self.categories.values().collect();
        cats.sort_by(|a, b| a.id.cmp(&b.id));
        w.len(cats.len());
        for c in cats {
            w.str(&c.id);
            w.str(&c.name);
            match &c.parent {
                Some(p) => {
                    w.u8(1);
                    w.str(p);
                }
                None => w.u8(0),
            }
            w.i64(c.sort);
        }
        // templates are few: a table, then an index per doc
        let mut templates: Vec<String> = Vec::new();
        let mut tpl_ix: FxHashMap<String, u32> = FxHashMap::default();
        let mut doc_tpl = Vec::with_capacity(self.docs.len());
        for d in &self.docs {
            let j = serde_json::to_string(&d.product.template).unwrap_or_default();
            let next = u32::try_from(templates.len()).unwrap_or(u32::MAX);
            let ix = *tpl_ix.entry(j.clone()).or_insert_with(|| {
                templates.push(j);
                next
            });
            doc_tpl.push(ix);
        }
        w.len(templates.len());
        for t in &templates {
            w.str(t);
        }
        // the docs section is length-prefixed so a second thread can decode the vocabulary
        // while the first decodes the documents
        let mut docs = W(Vec::with_capacity(self.docs.len() * 160));
        docs.len(self.docs.len());
        for (d, (&live, &tpl)) in self.docs.iter().zip(self.live.iter().zip(&doc_tpl)) {
            let p = &d.product;
            docs.u8(u8::from(live));
            docs.str(&p.sku);
            docs.str(&p.name);
            docs.str(&p.brand);
            docs.str(&p.category);
            docs.str(kind_code(p.kind));
            docs.i64(p.face_value.fen());
            docs.i64(p.retail_price.fen());
            docs.i64(p.cost.fen());
            match &p.barcode {
                Some(b) => {
                    docs.u8(1);
                    docs.str(b);
                }
                None => docs.u8(0),
            }
            docs.u32(tpl);
            docs.u8(u8::from(p.available));
            docs.i64(p.version);
            docs.len(p.aliases.len());
            for a in &p.aliases {
                docs.str(a);
            }
        }
        w.u64(docs.0.len() as u64);
        w.0.extend_from_slice(&docs.0);
        // the vocabulary in sorted order, each term with its postings
        let mut new_id = vec![0u32; self.terms.len()];
        for (i, &t) in self.sorted_terms.iter().enumerate() {
            new_id[t as usize] = u32::try_from(i).unwrap_or(u32::MAX);
        }
        w.len(self.sorted_terms.len());
        for &t in &self.sorted_terms {
            w.str(&self.terms[t as usize]);
            w.u8(self.flags.get(t as usize).copied().unwrap_or(0));
            let list = &self.postings[t as usize];
            w.u32(list.len);
            w.len(list.bytes.len());
            w.0.extend_from_slice(&list.bytes);
        }
        let mut grams: Vec<(&u64, &Vec<u32>)> = self.term_grams.iter().collect();
        grams.sort_unstable_by_key(|(k, _)| **k);
        w.len(grams.len());
        for (k, list) in grams {
            let mut ids: Vec<u32> = list.iter().map(|&t| new_id[t as usize]).collect();
            ids.sort_unstable();
            w.u64(*k);
            w.ids(&ids);
        }
        // recent barcodes join the sorted list (only live entries are worth keeping)
        let mut barcodes: Vec<&(String, u32)> = self
            .barcodes_sorted
            .iter()
            .chain(&self.barcodes_extra)
            .filter(|(b, id)| self.by_barcode.get(b) == Some(id))
            .collect();
        barcodes.sort_unstable();
        barcodes.dedup();
        w.len(barcodes.len());
        for (b, id) in barcodes {
            w.str(b);
            w.u32(*id);
        }
        w.0
    }

    /// The index from [`to_snapshot`](Self::to_snapshot) bytes, with the catalog version it
    /// reflects, if they are whole, of this format and tagged with `key`.
    pub fn from_snapshot(bytes: &[u8], key: u64) -> Option<(SearchIndex, i64)> {
        let mut r = R { b: bytes };
        if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT || r.u64()? != key {
            return None;
        }
        let version = r.i64()?;
        let n = r.count(14)?;
        let mut categories: FxHashMap<String, Category> = FxHashMap::default();
        categories.reserve(n);
        for _ in 0..n {
            let id = r.str()?;
            let name = r.str()?;
            let parent = match r.u8()? {
                0 => None,
                1 => Some(r.str()?),
                _ => return None,
            };
            let sort = r.i64()?;
            categories.insert(
                id.clone(),
                Category {
                    id,
                    name,
                    parent,
                    sort,
                },
            );
        }
        let n = r.count(4)?;
        let mut templates: Vec<AccountTemplate> = Vec::with_capacity(n);
        for _ in 0..n {
            templates.push(serde_json::from_str(&r.str()?).ok()?);
        }
        let docs_len = usize::try_from(r.u64()?).ok()?;
        let docs_bytes = r.take(docs_len)?;
        // the document count leads the docs section; postings may not point past it
        let max_id = R { b: docs_bytes }.u32()?;
        let (docs, vocab) = std::thread::scope(|sc| {
            // on a second thread when one can be had; on this one otherwise
            let h = std::thread::Builder::new()
                .spawn_scoped(sc, || decode_docs(docs_bytes, &templates))
                .ok();
            let vocab = decode_vocabulary(&mut r, max_id);
            let docs = match h {
                Some(h) => h.join().ok().flatten(),
                None => decode_docs(docs_bytes, &templates),
            };
            (docs, vocab)
        });
        let (mut idx, n) = docs?;
        if n != max_id {
            return None;
        }
        let (terms, flags, postings, grams, barcodes) = vocab?;
        idx.categories = categories;
        let ranks: FxHashMap<String, u16> = idx
            .categories
            .keys()
            .map(|id| (id.clone(), idx.cat_rank(id)))
            .collect();
        for d in &mut idx.docs {
            let rank = ranks.get(&d.product.category).copied().unwrap_or(u16::MAX);
            d.static_key = crate::search::static_key(rank, &d.product.name);
        }
        idx.rebuild_meta();
        idx.term_ids.reserve(terms.len());
        for (i, t) in terms.iter().enumerate() {
            let id = u32::try_from(i).ok()?;
            if idx.term_ids.insert(t.clone(), id).is_some() {
                return None;
            }
            if is_latin_term(t) {
                idx.latin.push((id, letter_set(t)));
            }
        }
        idx.sorted_terms = (0..u32::try_from(terms.len()).ok()?).collect();
        idx.terms = terms;
        idx.postings = postings;
        idx.flags = flags;
        idx.term_grams = grams;
        // the barcode map is exactly the encoded (live) list
        for (b, id) in &barcodes {
            if !idx.live.get(*id as usize).copied().unwrap_or(false) {
                return None;
            }
            idx.by_barcode.insert(b.clone(), *id);
        }
        idx.barcodes_sorted = barcodes;
        Some((idx, version))
    }
}

type Vocabulary = (
    Vec<String>,
    Vec<u8>,
    Vec<PostingList>,
    FxHashMap<u64, Vec<u32>>,
    Vec<(String, u32)>,
);

/// The documents section: an index holding only the docs (and their sku/barcode maps).
fn decode_docs(bytes: &[u8], templates: &[AccountTemplate]) -> Option<(SearchIndex, u32)> {
    let mut r = R { b: bytes };
    let mut idx = SearchIndex::default();
    let n_docs = r.count(60)?;
    let max_id = u32::try_from(n_docs).ok()?;
    idx.docs.reserve(n_docs);
    idx.live.reserve(n_docs);
    idx.doc_sales = vec![0; n_docs];
    for id in 0..max_id {
        let live = r.u8()? == 1;
        let sku = r.str()?;
        let name = r.str()?;
        let brand = r.str()?;
        let category = r.str()?;
        let kind = ProductKind::parse(&r.str()?)?;
        let face_value = Money::from_fen(r.i64()?);
        let retail_price = Money::from_fen(r.i64()?);
        let cost = Money::from_fen(r.i64()?);
        let barcode = match r.u8()? {
            0 => None,
            1 => Some(r.str()?),
            _ => return None,
        };
        let template = templates.get(r.u32()? as usize)?.clone();
        let available = r.u8()? == 1;
        let version = r.i64()?;
        let na = r.count(4)?;
        let mut aliases = Vec::with_capacity(na);
        for _ in 0..na {
            aliases.push(r.str()?);
        }
        let product = Product {
            sku,
            name,
            brand,
            category,
            kind,
            face_value,
            retail_price,
            cost,
            barcode,
            template,
            available,
            version,
            aliases,
        };
        if live {
            idx.by_sku.insert(product.sku.clone(), id);
            idx.live_count += 1;
        }
        idx.live.push(live);
        idx.docs.push(Doc {
            product,
            static_key: 0,
        });
    }
    if !r.b.is_empty() {
        return None;
    }
    Some((idx, max_id))
}

/// The vocabulary and barcode sections; every doc id must be below `max_id` (the document
/// count) and every term id below the number of terms.
fn decode_vocabulary(r: &mut R<'_>, max_id: u32) -> Option<Vocabulary> {
    let n = r.count(8)?;
    let mut terms = Vec::with_capacity(n);
    let mut postings = Vec::with_capacity(n);
    let mut flags = Vec::with_capacity(n);
    for _ in 0..n {
        let t = r.str()?;
        // written in sorted order, without repeats
        if terms
            .last()
            .is_some_and(|prev: &String| prev.as_str() >= t.as_str())
        {
            return None;
        }
        terms.push(t);
        let f = r.u8()?;
        if f > (crate::search::F_INITIALS | crate::search::F_BRAND) {
            return None;
        }
        flags.push(f);
        let len = r.u32()?;
        let nb = r.count(1)?;
        let bytes = r.take(nb)?.to_vec();
        postings.push(PostingList::from_bytes(bytes, len, max_id)?);
    }
    let n_terms = u32::try_from(terms.len()).ok()?;
    let n = r.count(12)?;
    let mut grams: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    grams.reserve(n);
    for _ in 0..n {
        let k = r.u64()?;
        grams.insert(k, r.ids(n_terms)?);
    }
    let n = r.count(8)?;
    let mut barcodes = Vec::with_capacity(n);
    for _ in 0..n {
        let b = r.str()?;
        let id = r.u32()?;
        if id >= max_id {
            return None;
        }
        barcodes.push((b, id));
    }
    if !r.b.is_empty() {
        return None;
    }
    Some((terms, flags, postings, grams, barcodes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::{sample_categories, sample_products};

    #[test]
    fn a_snapshot_searches_exactly_like_the_index_it_came_from() {
        let mut idx = SearchIndex::build(sample_products(), sample_categories());
        let mut changed = sample_products()[0].clone();
        changed.retail_price = Money::from_yuan(99);
        idx.upsert(changed);
        idx.refresh();
        let bytes = idx.to_snapshot(42, 7);
        let (back, version) = SearchIndex::from_snapshot(&bytes, 42).expect("decodes");
        assert_eq!(version, 7);
        assert_eq!(back.len(), idx.len());
        for q in [
            "腾讯",
            "txsp",
            "50",
            "6901",
            "游戏",
            "qb",
            "x",
            "话费",
            "vip",
            "zz",
            "yd50",
            "txps",
            "星巴克拿铁",
            "china mobile",
            "lvzuan",
        ] {
            assert_eq!(back.search(q, 50), idx.search(q, 50), "{q}");
        }
        // another key, another format, or any damage: None, never a panic
        assert!(SearchIndex::from_snapshot(&bytes, 43).is_none());
        for cut in [0, 7, 8, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                SearchIndex::from_snapshot(&bytes[..cut], 42).is_none(),
                "cut {cut}"
            );
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(97) {
            flipped[i] ^= 0xA5;
            let _ = SearchIndex::from_snapshot(&flipped, 42);
        }
        let mut extra = bytes;
        extra.push(0);
        assert!(SearchIndex::from_snapshot(&extra, 42).is_none());
    }
}
