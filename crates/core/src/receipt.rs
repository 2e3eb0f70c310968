//! Receipt documents and their layout by display width. No IO, no bytes: the printer
//! crate turns a laid-out receipt into ESC/POS.
//!
//! CJK characters take two columns, ASCII one; 58 mm paper has 32 columns, 80 mm 48.
//! Lines are wrapped without splitting a character; amounts are right-aligned.
//!
//! Invariant: every laid-out text line fits its width (`display_width(line) <= cols`,
//! or `<= cols / 2` for double-width lines).

use serde::{Deserialize, Serialize};
use unicode_width::UnicodeWidthChar;

use crate::i18n::{Lang, tr_static};
use crate::money::Money;
use crate::order::OrderState;
use crate::product::ProductKind;
use crate::shift::{PaymentMethod, ShiftTotals};

pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Punctuation that must not start a line (禁则): it pulls the previous character down.
const NO_LINE_START: &str = "，。、；：？！）」』》】〕’”,.;:?!)]}%";

/// Wraps to `cols` display columns, never splitting a character; prefers breaking at a
/// space for Latin text, and never starts a line with closing punctuation.
/// An empty string gives one empty line.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut w = 0;
    for c in s.chars() {
        if c == '\n' {
            out.push(std::mem::take(&mut line));
            w = 0;
            continue;
        }
        let cw = char_width(c);
        if w + cw > cols {
            // break at the last space if the line is Latin-ish and has one
            if let Some(pos) = line.rfind(' ').filter(|&p| p > 0 && c != ' ') {
                let rest = line[pos + 1..].to_string();
                line.truncate(pos);
                out.push(std::mem::take(&mut line));
                line = rest;
                w = display_width(&line);
            } else if NO_LINE_START.contains(c) && line.chars().count() > 1 {
                // carry the last character down with the punctuation
                let last = line.pop().unwrap_or(' ');
                out.push(std::mem::take(&mut line));
                line.push(last);
                w = char_width(last);
            } else {
                out.push(std::mem::take(&mut line));
                w = 0;
            }
            if c == ' ' {
                continue;
            }
        }
        line.push(c);
        w += cw;
    }
    out.push(line);
    out
}

fn pad_to(s: &mut String, width: usize) {
    let w = display_width(s);
    for _ in w..width {
        s.push(' ');
    }
}

/// `label ........ value` on one line when it fits; otherwise the label wraps and the
/// value goes right-aligned on its own line.
pub fn pair(label: &str, value: &str, cols: usize) -> Vec<String> {
    let (lw, vw) = (display_width(label), display_width(value));
    if lw + 1 + vw <= cols {
        let mut s = label.to_string();
        pad_to(&mut s, cols - vw);
        s.push_str(value);
        return vec![s];
    }
    let mut out = wrap(label, cols);
    for v in wrap(value, cols) {
        let mut s = String::new();
        pad_to(&mut s, cols.saturating_sub(display_width(&v)));
        s.push_str(&v);
        out.push(s);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    Text {
        text: String,
        align: Align,
        bold: bool,
        double: bool,
    },
    /// Label on the left, value (an amount) on the right.
    Pair {
        label: String,
        value: String,
        bold: bool,
    },
    /// A rule across the paper.
    Rule,
    Qr(String),
    /// CODE128 barcode of the data.
    Barcode(String),
    /// The store's logo, if one is configured.
    Logo,
    Feed(u8),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub blocks: Vec<Block>,
    pub cut: bool,
    /// Kick the cash drawer (cash sales).
    pub drawer_kick: bool,
}

/// A receipt laid out for a given width.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Laid {
    Line {
        text: String,
        align: Align,
        bold: bool,
        double: bool,
    },
    Qr(String),
    Barcode(String),
    Logo,
    Feed(u8),
    Cut,
    DrawerKick,
}

pub fn layout(r: &Receipt, cols: usize) -> Vec<Laid> {
    let mut out = Vec::new();
    for b in &r.blocks {
        match b {
            Block::Text {
                text,
                align,
                bold,
                double,
            } => {
                let w = if *double { cols / 2 } else { cols };
                for l in wrap(text, w) {
                    out.push(Laid::Line {
                        text: l,
                        align: *align,
                        bold: *bold,
                        double: *double,
                    });
                }
            }
            Block::Pair { label, value, bold } => {
                for l in pair(label, value, cols) {
                    out.push(Laid::Line {
                        text: l,
                        align: Align::Left,
                        bold: *bold,
                        double: false,
                    });
                }
            }
            Block::Rule => out.push(Laid::Line {
                text: "-".repeat(cols),
                align: Align::Left,
                bold: false,
                double: false,
            }),
            Block::Qr(d) => out.push(Laid::Qr(d.clone())),
            Block::Barcode(d) => out.push(Laid::Barcode(d.clone())),
            Block::Logo => out.push(Laid::Logo),
            Block::Feed(n) => out.push(Laid::Feed(*n)),
        }
    }
    if r.drawer_kick {
        out.push(Laid::DrawerKick);
    }
    if r.cut {
        out.push(Laid::Feed(3));
        out.push(Laid::Cut);
    }
    out
}

// ---------------------------------------------------------------- documents

/// Who and where, printed on every receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptContext {
    pub store_name: String,
    pub terminal_id: String,
    pub cashier: String,
    /// Already formatted local time (formatting happens at the edge).
    pub time: String,
    pub footer: Option<String>,
    pub lang: Lang,
    pub logo: bool,
}

/// A sale as a receipt needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleInfo {
    pub order_key: String,
    pub platform_order_id: Option<String>,
    pub product: String,
    pub kind: ProductKind,
    pub qty: u32,
    pub account: String,
    pub price: Money,
    pub face_value: Option<Money>,
    pub payment: PaymentMethod,
    pub state: OrderState,
    pub failure: Option<String>,
    /// (card number, PIN) — already masked by the caller unless this is the first print.
    pub pins: Vec<(String, String)>,
    /// A reprint: marked 副本 / REPRINT.
    pub copy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionInfo {
    pub request_id: String,
    pub code: String,
    pub title: String,
    pub value: Money,
    pub cancelled: bool,
    pub cancel_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftInfoR {
    pub shift_id: String,
    pub closing: bool,
    pub opened: String,
    pub closed: Option<String>,
    pub totals: ShiftTotals,
    pub counted: Option<Money>,
    pub over_short: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Doc {
    /// Top-up, PIN card, direct top-up, voucher: picks the right layout from kind and state.
    Sale(SaleInfo),
    Redemption(RedemptionInfo),
    Shift(ShiftInfoR),
    TestPage {
        profile: String,
        width_mm: u8,
        mode: String,
    },
    /// Installer's code-page probe: prints sample glyphs so the right profile can be chosen.
    CodePageProbe,
}

/// Which receipt a sale prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaleSlip {
    TopUp,
    PinCard,
    DirectTopUp,
    Voucher,
    Pending,
    Failed,
}

pub fn sale_slip(s: &SaleInfo) -> SaleSlip {
    match s.state {
        OrderState::Succeeded => match s.kind {
            ProductKind::MobileTopup | ProductKind::DataPack => SaleSlip::TopUp,
            ProductKind::PinCard => SaleSlip::PinCard,
            ProductKind::DirectTopup => SaleSlip::DirectTopUp,
            ProductKind::Voucher | ProductKind::Bundle => {
                if s.pins.is_empty() {
                    SaleSlip::DirectTopUp
                } else {
                    SaleSlip::Voucher
                }
            }
        },
        OrderState::Failed
        | OrderState::Refunded
        | OrderState::Reversed
        | OrderState::Cancelled => SaleSlip::Failed,
        _ => SaleSlip::Pending,
    }
}

struct B {
    blocks: Vec<Block>,
    lang: Lang,
}

impl B {
    /// A receipt text from the catalog (`receipt.*`).
    fn t(&self, key: &'static str) -> String {
        tr_static(self.lang, key).to_string()
    }
    fn text(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Text {
            text: s.into(),
            align: Align::Left,
            bold: false,
            double: false,
        });
    }
    fn center(&mut self, s: impl Into<String>, bold: bool, double: bool) {
        self.blocks.push(Block::Text {
            text: s.into(),
            align: Align::Center,
            bold,
            double,
        });
    }
    fn pair(&mut self, l: impl Into<String>, v: impl Into<String>) {
        self.blocks.push(Block::Pair {
            label: l.into(),
            value: v.into(),
            bold: false,
        });
    }
    fn pair_bold(&mut self, l: impl Into<String>, v: impl Into<String>) {
        self.blocks.push(Block::Pair {
            label: l.into(),
            value: v.into(),
            bold: true,
        });
    }
    fn rule(&mut self) {
        self.blocks.push(Block::Rule);
    }
}

/// Amount as printed: "50.00" (no currency sign: not every printer font has ¥; the
/// column header says 元/CNY).
fn amt(m: Money) -> String {
    m.to_string()
}

fn header(b: &mut B, ctx: &ReceiptContext, title: &str, copy: bool) {
    if ctx.logo {
        b.blocks.push(Block::Logo);
    }
    b.center(ctx.store_name.clone(), true, true);
    b.center(title.to_string(), true, false);
    if copy {
        let c = b.t("receipt.reprint");
        b.center(c, true, false);
    }
    b.rule();
    let (t, term, cash) = (
        b.t("receipt.time"),
        b.t("receipt.terminal"),
        b.t("receipt.cashier"),
    );
    b.pair(t, ctx.time.clone());
    b.pair(term, ctx.terminal_id.clone());
    b.pair(cash, ctx.cashier.clone());
}

fn footer(b: &mut B, ctx: &ReceiptContext, lookup: Option<&str>) {
    b.rule();
    if let Some(key) = lookup {
        b.blocks.push(Block::Qr(format!("cardcat:order:{key}")));
        let s = b.t("receipt.scan_lookup");
        b.center(s, false, false);
    }
    if let Some(f) = &ctx.footer {
        b.center(f.clone(), false, false);
    }
}

/// The receipt for a document.
pub fn build(doc: &Doc, ctx: &ReceiptContext) -> Receipt {
    let mut b = B {
        blocks: Vec::new(),
        lang: ctx.lang,
    };
    let lang = ctx.lang;
    let mut drawer_kick = false;
    match doc {
        Doc::Sale(s) => {
            let slip = sale_slip(s);
            let title = match slip {
                SaleSlip::TopUp => b.t("receipt.title.topup"),
                SaleSlip::PinCard => b.t("receipt.title.pin_card"),
                SaleSlip::DirectTopUp => b.t("receipt.title.direct_topup"),
                SaleSlip::Voucher => b.t("receipt.title.voucher"),
                SaleSlip::Pending => b.t("receipt.title.pending"),
                SaleSlip::Failed => b.t("receipt.title.failed"),
            };
            header(&mut b, ctx, &title, s.copy);
            let order = b.t("receipt.order");
            b.text(format!("{order}: {}", s.order_key));
            if let Some(p) = &s.platform_order_id {
                let po = b.t("receipt.platform_ref");
                b.pair(po, p.clone());
            }
            b.rule();
            b.text(format!("{} x{}", s.product, s.qty));
            if !s.account.is_empty() {
                let a = b.t("receipt.account");
                b.pair(a, s.account.clone());
            }
            if let Some(f) = s.face_value {
                let fv = b.t("receipt.face_value");
                b.pair(fv, amt(f));
            }
            let (pay_l, total_l) = (b.t("receipt.payment"), b.t("receipt.total"));
            b.pair(pay_l, s.payment.label(lang));
            b.pair_bold(total_l, amt(s.price));
            let st = b.t("receipt.status");
            b.pair(st, s.state.label(lang));
            match slip {
                SaleSlip::PinCard | SaleSlip::Voucher => {
                    b.rule();
                    for (i, (card, pin)) in s.pins.iter().enumerate() {
                        let (cl, pl) = (b.t("receipt.card_no"), b.t("receipt.pin"));
                        if s.pins.len() > 1 {
                            b.text(format!("#{}", i + 1));
                        }
                        b.pair(cl, card.clone());
                        b.blocks.push(Block::Text {
                            text: format!("{pl}: {pin}"),
                            align: Align::Left,
                            bold: true,
                            double: false,
                        });
                    }
                    let warn = b.t("receipt.pin_warning");
                    b.text(warn);
                }
                SaleSlip::Pending => {
                    let m = b.t("receipt.pending_note");
                    b.text(m);
                }
                SaleSlip::Failed => {
                    if let Some(f) = &s.failure {
                        let r = b.t("receipt.reason");
                        b.text(format!("{r}: {f}"));
                    }
                    let m = b.t("receipt.failed_note");
                    b.text(m);
                }
                _ => {}
            }
            if let Some(p) = &s.platform_order_id {
                b.blocks.push(Block::Barcode(p.clone()));
            }
            footer(&mut b, ctx, Some(&s.order_key));
            drawer_kick = s.payment == PaymentMethod::Cash && !s.copy && slip != SaleSlip::Failed;
        }
        Doc::Redemption(r) => {
            let title = if r.cancelled {
                b.t("receipt.title.redemption_cancelled")
            } else {
                b.t("receipt.title.redemption")
            };
            header(&mut b, ctx, &title, false);
            let id = b.t("receipt.redemption_id");
            b.text(format!("{id}: {}", r.request_id));
            b.rule();
            b.text(r.title.clone());
            let (c, v) = (b.t("receipt.voucher_code"), b.t("receipt.voucher_value"));
            b.pair(c, r.code.clone());
            b.pair_bold(v, amt(r.value));
            if let Some(u) = &r.cancel_until {
                let m = b.t("receipt.cancel_until");
                b.pair(m, u.clone());
            }
            footer(&mut b, ctx, Some(&r.request_id));
        }
        Doc::Shift(s) => {
            let title = if s.closing {
                b.t("receipt.title.z_report")
            } else {
                b.t("receipt.title.x_report")
            };
            header(&mut b, ctx, &title, false);
            let t = &s.totals;
            let (sid, op) = (b.t("receipt.shift"), b.t("receipt.opened"));
            b.pair(sid, s.shift_id.chars().take(13).collect::<String>());
            b.pair(op, s.opened.clone());
            if let Some(c) = &s.closed {
                let cl = b.t("receipt.closed");
                b.pair(cl, c.clone());
            }
            b.rule();
            let h = b.t("receipt.sales_by_kind");
            b.text(h);
            for (k, v) in &t.sales_by_kind {
                b.pair(format!("  {} x{}", k.label(lang), v.count), amt(v.amount));
            }
            let h = b.t("receipt.taken_by_payment");
            b.text(h);
            for (p, v) in &t.taken_by_payment {
                b.pair(format!("  {} x{}", p.label(lang), v.count), amt(v.amount));
            }
            b.rule();
            let rows = [
                (b.t("receipt.sales"), t.sales.count, t.sales.amount),
                (b.t("receipt.pending"), t.pending.count, t.pending.amount),
                (b.t("receipt.refunds"), t.refunds.count, t.refunds.amount),
                (
                    b.t("receipt.redemptions"),
                    t.redemptions.count,
                    t.redemptions.amount,
                ),
            ];
            for (l, n, a) in rows {
                b.pair(format!("{l} x{n}"), amt(a));
            }
            let (cm, fl, ex) = (
                b.t("receipt.commission"),
                b.t("receipt.float"),
                b.t("receipt.expected_cash"),
            );
            b.pair_bold(cm, amt(t.commission));
            b.pair(fl, amt(t.float));
            b.pair_bold(ex, amt(t.expected_cash));
            if let (Some(c), Some(o)) = (s.counted, s.over_short) {
                let (cl, ol) = (b.t("receipt.counted_cash"), b.t("receipt.over_short"));
                b.pair(cl, amt(c));
                b.pair_bold(ol, amt(o));
            }
            footer(&mut b, ctx, None);
        }
        Doc::TestPage {
            profile,
            width_mm,
            mode,
        } => {
            let title = b.t("receipt.title.test_page");
            header(&mut b, ctx, &title, false);
            let (p, w, m) = (
                b.t("receipt.profile"),
                b.t("receipt.paper"),
                b.t("receipt.mode"),
            );
            b.pair(p, profile.clone());
            b.pair(w, format!("{width_mm} mm"));
            b.pair(m, mode.clone());
            b.rule();
            b.text("0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz");
            b.text("中文测试：话费充值 流量包 游戏点卡 视频会员 核销");
            b.center("居中 CENTER", false, false);
            b.blocks.push(Block::Text {
                text: "右对齐 RIGHT".into(),
                align: Align::Right,
                bold: false,
                double: false,
            });
            b.blocks.push(Block::Text {
                text: "加粗 BOLD".into(),
                align: Align::Left,
                bold: true,
                double: false,
            });
            b.blocks.push(Block::Text {
                text: "倍宽倍高 2x".into(),
                align: Align::Left,
                bold: false,
                double: true,
            });
            let l = b.t("receipt.amount");
            b.pair(l, "12345.67");
            b.blocks.push(Block::Barcode("CARDCAT-TEST".into()));
            footer(&mut b, ctx, Some("TEST-PAGE"));
        }
        Doc::CodePageProbe => {
            let title = b.t("receipt.title.code_page_probe");
            header(&mut b, ctx, &title, false);
            let m = b.t("receipt.code_page_note");
            b.text(m);
            b.rule();
            b.text("GB2312: 收银台 卡密 话费 核销 佣金 交班");
            b.text("GBK:    喆 镕 堃 昇 甯");
            b.text("Latin:  Café Æsir Øre Ñandú £ € ¥");
            b.text("ASCII:  !\"#$%&'()*+,-./:;<=>?@[]^_{|}~");
            footer(&mut b, ctx, None);
        }
    }
    Receipt {
        blocks: b.blocks,
        cut: true,
        drawer_kick,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(r: &Receipt) -> Vec<String> {
        r.blocks
            .iter()
            .flat_map(|b| match b {
                Block::Text { text, .. } => vec![text.clone()],
                Block::Pair { label, value, .. } => vec![label.clone(), value.clone()],
                _ => vec![],
            })
            .collect()
    }

    /// Every document in every language: no text is a missing catalog key.
    #[test]
    fn every_receipt_text_comes_from_the_catalog() {
        let sale = |kind, state, pins: Vec<(String, String)>| SaleInfo {
            order_key: "k1".into(),
            platform_order_id: Some("P1".into()),
            product: "移动话费50元".into(),
            kind,
            qty: 1,
            account: "13800138000".into(),
            price: Money::from_yuan(50),
            face_value: Some(Money::from_yuan(50)),
            payment: PaymentMethod::Cash,
            state,
            failure: Some("x".into()),
            pins,
            copy: true,
        };
        let pins = vec![("c1".to_string(), "p1".to_string())];
        let mut totals = ShiftTotals::default();
        totals
            .sales_by_kind
            .insert(ProductKind::PinCard, Default::default());
        totals
            .taken_by_payment
            .insert(PaymentMethod::Wechat, Default::default());
        let docs = vec![
            Doc::Sale(sale(
                ProductKind::MobileTopup,
                OrderState::Succeeded,
                vec![],
            )),
            Doc::Sale(sale(
                ProductKind::PinCard,
                OrderState::Succeeded,
                pins.clone(),
            )),
            Doc::Sale(sale(
                ProductKind::DirectTopup,
                OrderState::Succeeded,
                vec![],
            )),
            Doc::Sale(sale(ProductKind::Voucher, OrderState::Succeeded, pins)),
            Doc::Sale(sale(ProductKind::MobileTopup, OrderState::Unknown, vec![])),
            Doc::Sale(sale(ProductKind::MobileTopup, OrderState::Failed, vec![])),
            Doc::Redemption(RedemptionInfo {
                request_id: "r1".into(),
                code: "c".into(),
                title: "t".into(),
                value: Money::from_yuan(10),
                cancelled: false,
                cancel_until: Some("12:00".into()),
            }),
            Doc::Shift(ShiftInfoR {
                shift_id: "s1".into(),
                closing: true,
                opened: "o".into(),
                closed: Some("c".into()),
                totals,
                counted: Some(Money::ZERO),
                over_short: Some(Money::ZERO),
            }),
            Doc::TestPage {
                profile: "p".into(),
                width_mm: 58,
                mode: "m".into(),
            },
            Doc::CodePageProbe,
        ];
        for lang in [Lang::ZhCn, Lang::En] {
            for doc in &docs {
                let ctx = ReceiptContext {
                    store_name: "店".into(),
                    terminal_id: "T1".into(),
                    cashier: "张三".into(),
                    time: "2026-01-01 08:00:00".into(),
                    footer: None,
                    lang,
                    logo: false,
                };
                for t in texts(&build(doc, &ctx)) {
                    for prefix in [
                        "receipt.",
                        "receipt-",
                        "payment.",
                        "order.state.",
                        "product.kind.",
                    ] {
                        assert!(!t.contains(prefix), "{lang:?} {doc:?}: {t}");
                    }
                }
            }
        }
        // zh-CN receipt texts are what the printed snapshots hold
        assert_eq!(tr_static(Lang::ZhCn, "receipt.reprint"), "*** 副本 ***");
        assert_eq!(
            tr_static(Lang::ZhCn, "receipt.title.pending"),
            "处理中 — 请保留此单"
        );
        assert_eq!(tr_static(Lang::ZhCn, "receipt.total"), "金额(元)");
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("话费"), 4);
        assert_eq!(display_width("Q币10元"), 7);
    }

    #[test]
    fn pair_right_aligns() {
        let l = pair("金额(元)", "50.00", 32);
        assert_eq!(l.len(), 1);
        assert_eq!(display_width(&l[0]), 32);
        assert!(l[0].ends_with("50.00"));
        let long = pair("腾讯视频VIP会员年卡（连续包年自动续费版本）", "258.00", 32);
        assert!(long.len() >= 2);
        assert!(long.last().unwrap().ends_with("258.00"));
        assert!(long.iter().all(|x| display_width(x) <= 32));
    }

    #[test]
    fn wrap_table() {
        let cases: &[(&str, usize, &[&str])] = &[
            ("话费充值凭证", 6, &["话费充", "值凭证"]),
            ("话费充值凭证", 5, &["话费", "充值", "凭证"]),
            ("hello world foo", 11, &["hello world", "foo"]),
            ("", 10, &[""]),
            ("ab中", 3, &["ab", "中"]),
            ("自动查询，请勿", 8, &["自动查", "询，请勿"]),
        ];
        for (s, w, want) in cases {
            assert_eq!(
                wrap(s, *w),
                want.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                "{s} @ {w}"
            );
        }
    }

    proptest! {
        /// Wrapping never splits a character, never loses one, never exceeds the width.
        #[test]
        fn wrap_fits_and_keeps_chars(s in "[a-z 话费充值卡密¥0-9]{0,80}", cols in 2usize..50) {
            let lines = wrap(&s, cols);
            for l in &lines {
                prop_assert!(display_width(l) <= cols, "{:?} > {}", l, cols);
            }
            let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let orig: String = s.chars().filter(|c| *c != ' ').collect();
            prop_assert_eq!(joined, orig);
        }

        #[test]
        fn pair_fits(label in "[a-z话费充值]{0,40}", value in "[0-9.]{1,12}", cols in 16usize..50) {
            for l in pair(&label, &value, cols) {
                prop_assert!(display_width(&l) <= cols);
            }
        }
    }
}
