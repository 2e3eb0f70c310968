//! The cashier query set (`tests/data/search-queries.tsv`): queries typed the way cashiers
#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // ratios for a report
//! type them, each with the one product meant, scored against the seeded catalog with the
//! generated SKUs as distractors. Used by the data-driven test and the search benchmark.

use std::collections::BTreeMap;

use cardcat_core::search::SearchIndex;
use cardcat_core::{Category, Product};

pub struct Case {
    pub line: usize,
    pub category: String,
    pub query: String,
    pub sku: String,
}

/// The query set, from the file in the repository.
pub fn cases() -> Vec<Case> {
    let text = include_str!("../data/search-queries.tsv");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "search-queries.tsv line {}: {l:?}", i + 1);
            Case {
                line: i + 1,
                category: f[0].to_string(),
                query: f[1].to_string(),
                sku: f[2].to_string(),
            }
        })
        .collect()
}

/// The sandbox's seeded catalog: the base products and `extra` generated ones (seed 42, as
/// a default sandbox), with its categories.
pub fn catalog(extra: u32) -> (Vec<Product>, Vec<Category>) {
    let mut ps = cardcat_sandbox::base_products();
    ps.extend((0..extra).map(|i| cardcat_sandbox::extra_product(42, i, 1)));
    (ps, cardcat_sandbox::seed_categories())
}

#[derive(Default, Debug, Clone, Copy)]
pub struct Score {
    pub n: usize,
    pub at1: usize,
    pub at5: usize,
}

impl Score {
    pub fn recall1(&self) -> f64 {
        ratio(self.at1, self.n)
    }
    pub fn recall5(&self) -> f64 {
        ratio(self.at5, self.n)
    }
}

fn ratio(a: usize, n: usize) -> f64 {
    if n == 0 { 0.0 } else { a as f64 / n as f64 }
}

pub struct Report {
    pub all: Score,
    pub by_category: BTreeMap<String, Score>,
    /// (line, category, query, expected, what came first)
    pub misses: Vec<(usize, String, String, String, Vec<String>)>,
}

/// Scores an index on the query set: the expected SKU first (recall@1), in the top five (@5).
pub fn evaluate(idx: &SearchIndex, cases: &[Case]) -> Report {
    let mut all = Score::default();
    let mut by_category: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for c in cases {
        let hits: Vec<String> = idx
            .search(&c.query, 5)
            .into_iter()
            .map(|h| h.product.sku)
            .collect();
        let pos = hits.iter().position(|s| *s == c.sku);
        let cat = by_category.entry(c.category.clone()).or_default();
        for s in [&mut all, cat] {
            s.n += 1;
            s.at1 += usize::from(pos == Some(0));
            s.at5 += usize::from(pos.is_some());
        }
        if pos != Some(0) {
            misses.push((
                c.line,
                c.category.clone(),
                c.query.clone(),
                c.sku.clone(),
                hits,
            ));
        }
    }
    Report {
        all,
        by_category,
        misses,
    }
}

impl Report {
    pub fn print(&self) {
        for (cat, s) in &self.by_category {
            println!(
                "  {cat:<15} {:>4} queries  recall@1 {:>5.1}%  recall@5 {:>5.1}%",
                s.n,
                s.recall1() * 100.0,
                s.recall5() * 100.0
            );
        }
        println!(
            "  {:<15} {:>4} queries  recall@1 {:>5.1}%  recall@5 {:>5.1}%",
            "all",
            self.all.n,
            self.all.recall1() * 100.0,
            self.all.recall5() * 100.0
        );
    }
}
