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

use crate::i18n::Lang;
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
    zh: bool,
}

impl B {
    fn t(&self, zh: &str, en: &str) -> String {
        if self.zh {
            zh.to_string()
        } else {
            en.to_string()
        }
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
        let c = b.t("*** 副本 REPRINT ***", "*** REPRINT ***");
        b.center(c, true, false);
    }
    b.rule();
    let (t, term, cash) = (
        b.t("时间", "Time"),
        b.t("终端", "Terminal"),
        b.t("收银员", "Cashier"),
    );
    b.pair(t, ctx.time.clone());
    b.pair(term, ctx.terminal_id.clone());
    b.pair(cash, ctx.cashier.clone());
}

fn footer(b: &mut B, ctx: &ReceiptContext, lookup: Option<&str>) {
    b.rule();
    if let Some(key) = lookup {
        b.blocks.push(Block::Qr(format!("cardcat:order:{key}")));
        let s = b.t("扫码查询订单", "Scan to look up this order");
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
        zh: ctx.lang == Lang::ZhCn,
    };
    let lang = ctx.lang;
    let mut drawer_kick = false;
    match doc {
        Doc::Sale(s) => {
            let slip = sale_slip(s);
            let title = match slip {
                SaleSlip::TopUp => b.t("话费/流量充值凭证", "Top-up receipt"),
                SaleSlip::PinCard => b.t("点卡卡密凭证", "PIN card receipt"),
                SaleSlip::DirectTopUp => b.t("直充凭证", "Direct top-up receipt"),
                SaleSlip::Voucher => b.t("卡券凭证", "Voucher receipt"),
                SaleSlip::Pending => b.t("处理中 — 请保留此单", "IN PROGRESS - keep this slip"),
                SaleSlip::Failed => b.t("交易未成功 / 退款凭证", "Not completed / refund slip"),
            };
            header(&mut b, ctx, &title, s.copy);
            let order = b.t("订单号", "Order");
            b.text(format!("{order}: {}", s.order_key));
            if let Some(p) = &s.platform_order_id {
                let po = b.t("平台单号", "Platform ref");
                b.pair(po, p.clone());
            }
            b.rule();
            b.text(format!("{} x{}", s.product, s.qty));
            if !s.account.is_empty() {
                let a = b.t("充值账号", "Account");
                b.pair(a, s.account.clone());
            }
            if let Some(f) = s.face_value {
                let fv = b.t("面值(元)", "Face value (CNY)");
                b.pair(fv, amt(f));
            }
            let (pay_l, total_l) = (b.t("支付方式", "Payment"), b.t("金额(元)", "Total (CNY)"));
            b.pair(pay_l, s.payment.label(lang));
            b.pair_bold(total_l, amt(s.price));
            let st = b.t("状态", "Status");
            b.pair(st, s.state.label(lang));
            match slip {
                SaleSlip::PinCard | SaleSlip::Voucher => {
                    b.rule();
                    for (i, (card, pin)) in s.pins.iter().enumerate() {
                        let (cl, pl) = (b.t("卡号", "Card no."), b.t("卡密", "PIN"));
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
                    let warn = b.t(
                        "卡密请妥善保管，泄露后不予补发",
                        "Keep the PIN safe; it cannot be reissued if disclosed",
                    );
                    b.text(warn);
                }
                SaleSlip::Pending => {
                    let m = b.t(
                        "平台尚未返回最终结果。系统会用同一订单号自动查询，请勿重复下单；如有疑问凭此单号查询。",
                        "The platform has not confirmed yet. It is checked automatically with the same order number; do not sell again. Ask with this number.",
                    );
                    b.text(m);
                }
                SaleSlip::Failed => {
                    if let Some(f) = &s.failure {
                        let r = b.t("原因", "Reason");
                        b.text(format!("{r}: {f}"));
                    }
                    let m = b.t(
                        "本单未成功，款项已退还顾客。",
                        "This order did not go through; the money was returned to the customer.",
                    );
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
                b.t("核销撤销凭证", "Redemption cancelled")
            } else {
                b.t("核销凭证", "Redemption receipt")
            };
            header(&mut b, ctx, &title, false);
            let id = b.t("核销单号", "Request");
            b.text(format!("{id}: {}", r.request_id));
            b.rule();
            b.text(r.title.clone());
            let (c, v) = (b.t("券码", "Code"), b.t("面值(元)", "Value (CNY)"));
            b.pair(c, r.code.clone());
            b.pair_bold(v, amt(r.value));
            if let Some(u) = &r.cancel_until {
                let m = b.t("可撤销至", "Cancellable until");
                b.pair(m, u.clone());
            }
            footer(&mut b, ctx, Some(&r.request_id));
        }
        Doc::Shift(s) => {
            let title = if s.closing {
                b.t("交班 Z 报表", "Z report (shift close)")
            } else {
                b.t("班中 X 报表", "X report (mid-shift)")
            };
            header(&mut b, ctx, &title, false);
            let t = &s.totals;
            let (sid, op) = (b.t("班次", "Shift"), b.t("开班", "Opened"));
            b.pair(sid, s.shift_id.chars().take(13).collect::<String>());
            b.pair(op, s.opened.clone());
            if let Some(c) = &s.closed {
                let cl = b.t("交班", "Closed");
                b.pair(cl, c.clone());
            }
            b.rule();
            let h = b.t("销售(按类别)", "Sales by kind");
            b.text(h);
            for (k, v) in &t.sales_by_kind {
                b.pair(format!("  {} x{}", k.label(lang), v.count), amt(v.amount));
            }
            let h = b.t("收款(按方式)", "Taken by payment");
            b.text(h);
            for (p, v) in &t.taken_by_payment {
                b.pair(format!("  {} x{}", p.label(lang), v.count), amt(v.amount));
            }
            b.rule();
            let rows = [
                (b.t("销售合计", "Sales"), t.sales.count, t.sales.amount),
                (b.t("处理中", "Pending"), t.pending.count, t.pending.amount),
                (b.t("退款", "Refunds"), t.refunds.count, t.refunds.amount),
                (
                    b.t("核销", "Redemptions"),
                    t.redemptions.count,
                    t.redemptions.amount,
                ),
            ];
            for (l, n, a) in rows {
                b.pair(format!("{l} x{n}"), amt(a));
            }
            let (cm, fl, ex) = (
                b.t("佣金", "Commission"),
                b.t("备用金", "Float"),
                b.t("应有现金", "Expected cash"),
            );
            b.pair_bold(cm, amt(t.commission));
            b.pair(fl, amt(t.float));
            b.pair_bold(ex, amt(t.expected_cash));
            if let (Some(c), Some(o)) = (s.counted, s.over_short) {
                let (cl, ol) = (b.t("实点现金", "Counted cash"), b.t("长短款", "Over/short"));
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
            let title = b.t("打印机测试页", "Printer test page");
            header(&mut b, ctx, &title, false);
            let (p, w, m) = (
                b.t("型号配置", "Profile"),
                b.t("纸宽", "Paper"),
                b.t("模式", "Mode"),
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
            let l = b.t("金额", "Amount");
            b.pair(l, "12345.67");
            b.blocks.push(Block::Barcode("CARDCAT-TEST".into()));
            footer(&mut b, ctx, Some("TEST-PAGE"));
        }
        Doc::CodePageProbe => {
            let title = b.t("编码探测页（安装用）", "Code page probe (installers)");
            header(&mut b, ctx, &title, false);
            let m = b.t(
                "下面几行若显示为乱码，请在配置中换用其他型号模式：中文(GB18030)、西文代码页或图像模式。",
                "If a line below prints as garbage, choose another profile mode: Chinese (GB18030), Latin code page or raster.",
            );
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
