//! Catalog rows in the sandbox database: the product column list and row mapping.
//!
//! Uses nothing else from this crate.

use cardcat_core::{AccountTemplate, Category, Money, Product, ProductKind};
use rusqlite::{Connection, Row};

pub(crate) const PRODUCT_COLS: &str = "sku, name, brand, category, kind, face_value, retail_price, cost, barcode, template, available, version, aliases";

fn conv_err(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

/// A product from a row selected with [`PRODUCT_COLS`].
pub(crate) fn read_product(r: &Row<'_>) -> rusqlite::Result<Product> {
    let money = |i: usize| -> rusqlite::Result<Money> {
        let s: String = r.get(i)?;
        s.parse().map_err(|e| conv_err(i, format!("{e}")))
    };
    let kind: String = r.get(4)?;
    let template: String = r.get(9)?;
    let aliases: String = r.get(12)?;
    Ok(Product {
        sku: r.get(0)?,
        name: r.get(1)?,
        brand: r.get(2)?,
        category: r.get(3)?,
        kind: ProductKind::parse(&kind)
            .ok_or_else(|| conv_err(4, format!("unknown kind {kind}")))?,
        face_value: money(5)?,
        retail_price: money(6)?,
        cost: money(7)?,
        barcode: r.get(8)?,
        template: serde_json::from_str::<AccountTemplate>(&template)
            .map_err(|e| conv_err(9, e.to_string()))?,
        available: r.get(10)?,
        version: r.get(11)?,
        aliases: serde_json::from_str::<Vec<String>>(&aliases)
            .map_err(|e| conv_err(12, e.to_string()))?,
    })
}

pub(crate) fn load_categories(c: &Connection) -> rusqlite::Result<Vec<Category>> {
    let mut stmt =
        c.prepare_cached("SELECT id, name, parent, sort FROM categories ORDER BY sort, id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Category {
            id: r.get(0)?,
            name: r.get(1)?,
            parent: r.get(2)?,
            sort: r.get(3)?,
        })
    })?;
    rows.collect()
}
