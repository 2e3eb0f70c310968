//! Catalog products and pricing.

use serde::{Deserialize, Serialize};

use crate::account::AccountTemplate;
use crate::i18n::{Lang, tr_static};
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// 话费充值
    MobileTopup,
    /// 流量包
    DataPack,
    /// 卡密 (point card with a PIN)
    PinCard,
    /// 直充 (direct top-up to a video/game account)
    DirectTopup,
    /// 券 (voucher/coupon)
    Voucher,
    /// 组合套餐
    Bundle,
}

impl ProductKind {
    pub const ALL: [ProductKind; 6] = [
        ProductKind::MobileTopup,
        ProductKind::DataPack,
        ProductKind::PinCard,
        ProductKind::DirectTopup,
        ProductKind::Voucher,
        ProductKind::Bundle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::MobileTopup => "mobile_topup",
            ProductKind::DataPack => "data_pack",
            ProductKind::PinCard => "pin_card",
            ProductKind::DirectTopup => "direct_topup",
            ProductKind::Voucher => "voucher",
            ProductKind::Bundle => "bundle",
        }
    }

    pub fn parse(s: &str) -> Option<ProductKind> {
        ProductKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Stable key of the kind's label (`product.kind.mobile_topup`).
    pub fn label_key(self) -> &'static str {
        match self {
            ProductKind::MobileTopup => "product.kind.mobile_topup",
            ProductKind::DataPack => "product.kind.data_pack",
            ProductKind::PinCard => "product.kind.pin_card",
            ProductKind::DirectTopup => "product.kind.direct_topup",
            ProductKind::Voucher => "product.kind.voucher",
            ProductKind::Bundle => "product.kind.bundle",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        tr_static(lang, self.label_key())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub sort: i64,
}

/// A sellable catalog item as the store sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub kind: ProductKind,
    /// 面值: what the customer gets (¥50 of credit, a ¥30 card).
    pub face_value: Money,
    /// 售价: what the customer pays at the counter.
    pub retail_price: Money,
    /// 进价: what the platform charges the store.
    pub cost: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    pub template: AccountTemplate,
    pub available: bool,
    /// Catalog version at which this row last changed.
    pub version: i64,
    /// Other names a cashier may type for it, sent by the platform: brand and carrier
    /// short forms (移动, yd, China Mobile), English names, keywords (1个月 for 月卡).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// Price, cost and commission for one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub qty: u32,
    pub price: Money,
    pub cost: Money,
    /// 佣金 = price − cost. Can be negative when a product is sold below cost; callers flag that.
    pub commission: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("quantity must be 1..=99")]
    Quantity,
    #[error("amount overflow")]
    Overflow,
    #[error("product unavailable")]
    Unavailable,
}

impl Product {
    /// 佣金 per unit.
    pub fn commission(&self) -> Money {
        self.retail_price
            .checked_sub(self.cost)
            .unwrap_or(Money::ZERO)
    }

    pub fn quote(&self, qty: u32) -> Result<Quote, QuoteError> {
        if !(1..=99).contains(&qty) {
            return Err(QuoteError::Quantity);
        }
        if !self.available {
            return Err(QuoteError::Unavailable);
        }
        let price = self
            .retail_price
            .checked_mul(qty)
            .ok_or(QuoteError::Overflow)?;
        let cost = self.cost.checked_mul(qty).ok_or(QuoteError::Overflow)?;
        let commission = price.checked_sub(cost).ok_or(QuoteError::Overflow)?;
        Ok(Quote {
            qty,
            price,
            cost,
            commission,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn product(retail: i64, cost: i64) -> Product {
        Product {
            sku: "S1".into(),
            name: "移动话费50元".into(),
            brand: "中国移动".into(),
            category: "mobile".into(),
            kind: ProductKind::MobileTopup,
            face_value: Money::from_yuan(50),
            retail_price: Money::from_fen(retail),
            cost: Money::from_fen(cost),
            barcode: None,
            template: AccountTemplate::Mobile,
            available: true,
            version: 1,
            aliases: Vec::new(),
        }
    }

    #[test]
    fn quote_basic() {
        let q = product(5000, 4920).quote(2).unwrap();
        assert_eq!(q.price, Money::from_fen(10000));
        assert_eq!(q.cost, Money::from_fen(9840));
        assert_eq!(q.commission, Money::from_fen(160));
        assert_eq!(product(5000, 4920).quote(0), Err(QuoteError::Quantity));
        let mut p = product(5000, 4920);
        p.available = false;
        assert_eq!(p.quote(1), Err(QuoteError::Unavailable));
    }

    #[test]
    fn kind_roundtrip() {
        for k in ProductKind::ALL {
            assert_eq!(ProductKind::parse(k.as_str()), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
    }

    proptest! {
        #[test]
        fn commission_adds_up(retail in 1i64..10_000_000, cost in 0i64..10_000_000, qty in 1u32..=99) {
            let q = product(retail, cost).quote(qty).unwrap();
            prop_assert_eq!(q.cost.checked_add(q.commission).unwrap(), q.price);
            prop_assert_eq!(q.price.fen(), retail * i64::from(qty));
        }
    }
}
