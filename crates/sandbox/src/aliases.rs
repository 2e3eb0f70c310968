//! Search aliases the sandbox platform sends with each product: the short names,
//! pinyin initials, carrier codes and English names people actually type for a brand,
//! plus generic words for what a product name says (periods, 话费, 流量, Q币, 一卡通,
//! 券, 门票…). Pure data and one pure function; no IO.
//!
//! Aliases are search hints only: they never replace the product's name or brand. Pinyin
//! and initials that follow from a Chinese alias (移动 → `yd`) are left out: the client
//! derives those itself, in context; only codes no reading gives (cm, cu, ct, lk) are here.

/// Most aliases one product carries.
pub(crate) const MAX_ALIASES: usize = 24;
/// Longest alias, in characters.
pub(crate) const MAX_ALIAS_CHARS: usize = 32;

/// (brand as in seed.rs, aliases) — short names, initials people use, carrier codes, English names.
pub(crate) const BRAND_ALIASES: &[(&str, &[&str])] = &[
    // carriers
    (
        "中国移动",
        &["移动", "中移动", "cm", "CMCC", "China Mobile"],
    ),
    (
        "中国联通",
        &["联通", "中联通", "cu", "China Unicom", "Unicom"],
    ),
    (
        "中国电信",
        &["电信", "中电信", "ct", "China Telecom", "Telecom"],
    ),
    // Tencent
    ("腾讯", &["Tencent", "QQ", "企鹅"]),
    (
        "腾讯视频",
        &["腾讯", "Tencent Video", "Tencent", "WeTV", "腾讯VIP"],
    ),
    ("QQ音乐", &["QQ Music", "QQMusic"]),
    // game point cards
    ("网易一卡通", &["网易", "NetEase", "网易点卡"]),
    ("骏网一卡通", &["骏网", "骏卡", "Junnet"]),
    ("盛大一卡通", &["盛大", "Shanda", "盛大点卡"]),
    ("完美一卡通", &["完美", "完美世界", "Perfect World"]),
    ("征途一卡通", &["征途", "Zhengtu"]),
    ("搜狐一卡通", &["搜狐", "畅游", "Sohu", "Changyou"]),
    ("天宏一卡通", &["天宏", "Tianhong"]),
    ("久游一卡通", &["久游", "9you", "Jiuyou"]),
    ("巨人一卡通", &["巨人", "Giant"]),
    ("金山一卡通", &["金山", "Kingsoft"]),
    // game publishers (direct top-ups)
    ("网易", &["NetEase", "NetEase Games", "网易游戏"]),
    ("西山居", &["Seasun"]),
    ("盛趣游戏", &["盛趣", "Shengqu", "Shengqu Games"]),
    ("巨人网络", &["Giant Network"]),
    // video
    ("爱奇艺", &["iQIYI", "奇艺"]),
    ("优酷", &["Youku", "优酷视频"]),
    ("芒果TV", &["芒果", "Mango TV", "MangoTV"]),
    ("哔哩哔哩", &["B站", "bilibili", "bili", "小破站"]),
    // music
    (
        "网易云音乐",
        &["网易云", "NetEase Cloud Music", "Cloud Music", "NCM"],
    ),
    ("酷狗音乐", &["酷狗", "Kugou", "KuGou Music"]),
    // e-commerce cards
    ("京东", &["JD", "Jingdong", "京东卡"]),
    ("天猫", &["Tmall", "猫超", "天猫超市"]),
    ("沃尔玛", &["Walmart", "Wal-Mart", "沃尔玛卡"]),
    ("盒马", &["Hema", "Freshippo", "盒马鲜生"]),
    // coffee and tea
    ("星巴克", &["Starbucks", "星爸爸"]),
    (
        "瑞幸咖啡",
        &["瑞幸", "luckin", "Luckin Coffee", "小蓝杯", "lk"],
    ),
    ("库迪咖啡", &["库迪", "Cotti", "Cotti Coffee"]),
    ("喜茶", &["HEYTEA", "Hey Tea"]),
    ("奈雪的茶", &["奈雪", "Nayuki"]),
    ("蜜雪冰城", &["蜜雪", "雪王", "Mixue"]),
    ("茶百道", &["ChaPanda", "Cha Panda"]),
    ("古茗", &["Good Me", "GoodMe", "Guming"]),
    // local life and tourism
    ("杭州西湖", &["西湖", "West Lake", "Hangzhou"]),
    ("故宫博物院", &["故宫", "Forbidden City", "Palace Museum"]),
    ("八达岭长城", &["长城", "八达岭", "Great Wall", "Badaling"]),
    ("黄山", &["Huangshan", "Yellow Mountain"]),
    (
        "兵马俑",
        &["Terracotta Army", "Terracotta Warriors", "秦始皇陵"],
    ),
    ("张家界", &["Zhangjiajie"]),
    ("鼓浪屿", &["Gulangyu", "Xiamen"]),
    ("东方明珠", &["Oriental Pearl", "Shanghai"]),
    ("峨眉山", &["峨眉", "Emeishan", "Mount Emei"]),
    ("九寨沟", &["九寨", "Jiuzhaigou"]),
    ("猫眼", &["Maoyan", "猫眼电影"]),
    ("美团", &["Meituan", "美团外卖"]),
];

/// (substring of a product name, aliases added when the name contains it)
pub(crate) const KEYWORD_ALIASES: &[(&str, &[&str])] = &[
    // periods
    (
        "月卡",
        &[
            "1个月",
            "一个月",
            "30天",
            "包月",
            "月度",
            "monthly",
            "1 month",
        ],
    ),
    (
        "季卡",
        &["3个月", "三个月", "90天", "季度", "quarterly", "3 months"],
    ),
    (
        "年卡",
        &["12个月", "一年", "1年", "包年", "年度", "annual", "1 year"],
    ),
    ("30天", &["月包", "1个月", "一个月"]),
    ("7天", &["周包", "7日", "一周"]),
    // money: people say 块 for 元
    ("元", &["块"]),
    // mobile
    ("话费", &["充话费", "手机充值", "话费充值", "电话费"]),
    ("流量", &["流量包", "上网", "流量充值"]),
    ("组合", &["套餐", "组合套餐", "combo", "bundle"]),
    // Tencent
    ("Q币", &["QB", "QQ币", "Q币充值"]),
    ("QQ会员", &["QQVIP", "QQ VIP"]),
    ("超级会员", &["SVIP", "QQSVIP", "超会"]),
    ("绿钻", &["QQ绿钻", "绿钻会员"]),
    ("黑胶", &["黑胶会员", "网易云黑胶"]),
    ("黄金会员", &["黄金VIP", "Gold VIP"]),
    // games
    ("一卡通", &["点卡", "游戏点卡", "卡密", "游戏卡"]),
    ("直充", &["充值", "游戏充值"]),
    ("梦幻西游", &["梦幻", "Fantasy Westward Journey"]),
    ("大话西游", &["大话", "大话2", "Dahua Xiyou"]),
    ("剑网3", &["剑三", "剑网三", "剑侠情缘", "JX3"]),
    ("传奇世界", &["传世", "传奇", "Legend of Mir"]),
    ("征途2", &["征途二"]),
    // e-commerce cards
    ("E卡", &["JD E-card", "E-card", "ecard", "电子卡"]),
    ("超市卡", &["猫超卡", "Tmall Supermarket"]),
    ("购物卡", &["Walmart card"]),
    ("礼品卡", &["gift card"]),
    // coupons
    ("券", &["优惠券"]),
    ("代金券", &["抵用券", "现金券", "voucher"]),
    ("电子券", &["兑换券"]),
    ("拿铁", &["latte"]),
    ("生椰", &["生椰拿铁", "coconut latte", "椰子拿铁"]),
    ("美式", &["americano", "美式咖啡"]),
    ("中杯", &["tall"]),
    ("大杯", &["grande"]),
    ("星礼卡", &["Starbucks Card", "储值卡"]),
    ("任意饮品", &["任意", "饮品", "any drink", "通用券"]),
    ("多肉葡萄", &["葡萄", "多肉", "grape"]),
    ("芝士草莓", &["草莓", "霸气草莓", "strawberry"]),
    ("柠檬水", &["柠檬", "lemonade"]),
    ("杨枝甘露", &["甘露"]),
    // local life and tourism
    ("票", &["门票", "景区票", "ticket"]),
    ("博物院", &["博物馆", "museum"]),
    ("游船", &["船票", "boat"]),
    ("轮渡", &["船票", "渡轮", "ferry"]),
    ("成人票", &["成人", "adult"]),
    ("往返", &["来回", "round trip"]),
    ("套票", &["联票", "combo ticket"]),
    ("电影", &["电影票", "影票", "movie"]),
    ("通兑券", &["通兑", "兑换券"]),
    ("外卖", &["外卖红包", "delivery"]),
    ("红包", &["满减券"]),
];

/// The aliases of one product: its brand's, then those of every keyword its name contains; no duplicates, at most 24.
///
/// Duplicates are judged ignoring ASCII case (`JD` and `jd` are one alias); the first
/// spelling wins. Aliases longer than [`MAX_ALIAS_CHARS`] are skipped.
pub(crate) fn aliases_for(brand: &str, name: &str) -> Vec<String> {
    let from_brand = BRAND_ALIASES
        .iter()
        .filter(|(b, _)| *b == brand)
        .flat_map(|(_, a)| a.iter());
    let from_name = KEYWORD_ALIASES
        .iter()
        .filter(|(k, _)| name.contains(*k))
        .flat_map(|(_, a)| a.iter());
    let mut out: Vec<String> = Vec::new();
    for alias in from_brand.chain(from_name) {
        if out.len() >= MAX_ALIASES {
            break;
        }
        let alias = alias.trim();
        if alias.is_empty() || alias.chars().count() > MAX_ALIAS_CHARS {
            continue;
        }
        if out.iter().any(|o| o.eq_ignore_ascii_case(alias)) {
            continue;
        }
        out.push(alias.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_entries_are_short_and_non_empty() {
        for (key, aliases) in BRAND_ALIASES.iter().chain(KEYWORD_ALIASES) {
            assert!(!key.is_empty());
            for a in *aliases {
                assert!(!a.trim().is_empty(), "{key}");
                assert!(a.chars().count() <= MAX_ALIAS_CHARS, "{key}: {a}");
            }
        }
    }

    #[test]
    fn carrier_topup_gets_carrier_codes_and_topup_words() {
        let a = aliases_for("中国移动", "中国移动话费50元");
        for want in ["移动", "cm", "China Mobile", "充话费", "手机充值"] {
            assert!(a.iter().any(|x| x == want), "{want} missing in {a:?}");
        }
        // codes no reading gives are sent; initials of 联通/电信 (lt, dx) the client derives
        assert!(aliases_for("中国联通", "中国联通话费30元").contains(&"cu".to_string()));
        assert!(aliases_for("中国电信", "中国电信话费30元").contains(&"ct".to_string()));
        assert!(!aliases_for("中国联通", "中国联通话费30元").contains(&"lt".to_string()));
    }

    #[test]
    fn periods_and_brand_come_together_without_duplicates() {
        let a = aliases_for("腾讯视频", "腾讯视频VIP年卡");
        assert_eq!(a.first().map(String::as_str), Some("腾讯"));
        assert!(a.iter().any(|x| x == "Tencent Video"));
        assert!(a.iter().any(|x| x == "12个月"));
        assert!(!a.iter().any(|x| x == "1个月"));
        let a = aliases_for("京东", "京东E卡100元");
        let lower: std::collections::HashSet<_> = a.iter().map(|x| x.to_lowercase()).collect();
        assert_eq!(lower.len(), a.len(), "{a:?}");
        assert!(a.len() <= MAX_ALIASES);
        assert!(aliases_for("no such brand", "nothing").is_empty());
    }

    #[test]
    fn every_seeded_brand_has_aliases() {
        let base = crate::seed::base_products();
        let extra = (0..500).map(|i| crate::seed::extra_product(42, i, 1));
        for p in base.into_iter().chain(extra) {
            assert!(
                BRAND_ALIASES.iter().any(|(b, _)| *b == p.brand),
                "no aliases for brand {}",
                p.brand
            );
            let a = aliases_for(&p.brand, &p.name);
            assert!(!a.is_empty() && a.len() <= MAX_ALIASES, "{}: {a:?}", p.sku);
        }
    }
}
