//! Words and summaries both front ends show: state labels, the shift summary. From the
//! message catalog, in the counter's language.

use cardcat_core::{Lang, t};
use cardcat_engine::{RedemptionState, ShiftInfo};
use cardcat_wire::VoucherStatus;

pub fn redemption_state_label(lang: Lang, s: RedemptionState) -> String {
    t!(lang, &format!("redemption.state.{}", s.as_str()))
}

pub fn voucher_status_label(lang: Lang, s: VoucherStatus) -> String {
    t!(lang, &format!("voucher.status.{}", s.as_str()))
}

/// The lines of a shift summary (opened / X / Z), `title_key` naming which.
pub fn shift_summary(lang: Lang, title_key: &str, i: &ShiftInfo) -> Vec<String> {
    let tt = &i.totals;
    let mut out = vec![
        format!("{} {}", t!(lang, title_key), i.id),
        format!(
            "  {}",
            t!(
                lang,
                "shift.summary",
                float = tt.float.display_cny(),
                sales_n = tt.sales.count,
                sales = tt.sales.amount.display_cny(),
                pending_n = tt.pending.count,
                pending = tt.pending.amount.display_cny(),
                refunds_n = tt.refunds.count,
                refunds = tt.refunds.amount.display_cny(),
                commission = tt.commission.display_cny(),
                redemptions_n = tt.redemptions.count,
                redemptions = tt.redemptions.amount.display_cny()
            )
        ),
    ];
    for (k, v) in &tt.sales_by_kind {
        out.push(format!(
            "  {:<8} {:>4} {}",
            k.label(lang),
            v.count,
            v.amount.display_cny()
        ));
    }
    for (p, v) in &tt.taken_by_payment {
        out.push(format!(
            "  {:<8} {:>4} {}",
            p.label(lang),
            v.count,
            v.amount.display_cny()
        ));
    }
    out.push(format!(
        "  {}",
        t!(
            lang,
            "shift.expected_cash",
            amount = tt.expected_cash.display_cny()
        )
    ));
    if let (Some(c), Some(o)) = (i.counted_cash, i.over_short) {
        out.push(format!(
            "  {}",
            t!(
                lang,
                "shift.counted",
                counted = c.display_cny(),
                over_short = o.display_cny()
            )
        ));
    }
    out
}
