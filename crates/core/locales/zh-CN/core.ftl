# CardCat POS — messages of the library crates (core, store, client, printer, engine), zh-CN.
# Message ids are the dotted keys/codes with '.' replaced by '-' (e.g. "order.duplicate" -> order-duplicate).
# Every id here must also exist in en/core.ftl.

## 通用

common-unknown = 未知
# 列表分隔符（打印机状态等）
list-separator = ，

## 账号（account.*）

account-qq = QQ号应为5到11位数字，且不以0开头
account-missing = 请输入充值账号
account-zone_missing = 请选择游戏区服
account-unknown_zone = 没有这个区服：{ $zone }
account-email = 邮箱格式不正确
account-too_long = 账号过长（最多{ $max }个字符）
account-template-none = 无需账号
account-template-mobile = 手机号
account-template-qq = QQ号
account-template-game_account = 游戏账号 + 区服
account-template-email = 邮箱
account-template-mobile_or_email = 手机号或邮箱

## 手机号（phone.*）与运营商

phone-empty = 请输入手机号
phone-not_digits = 手机号只能包含数字
phone-wrong_length = 手机号应为11位，当前为{ $n }位
phone-unknown_segment = 不是有效的大陆手机号段，请核对号码
carrier-china_mobile = 中国移动
carrier-china_unicom = 中国联通
carrier-china_telecom = 中国电信
carrier-china_broadnet = 中国广电

## 金额（money.*）

money-not_a_number = 金额格式不正确：{ $input }
money-too_precise = 金额最多精确到分（两位小数）：{ $input }
money-overflow = 金额超出范围

## 角色与权限（role.*, action.*, auth.*）

role-cashier = 收银员
role-owner = 店主
role-installer = 安装人员
action-sell = 销售
action-redeem = 核销
action-cancel_redemption = 撤销核销
action-view_orders = 查看订单
action-resolve_orders = 处理待确认订单
action-reprint = 补打小票
action-shift_open = 开班
action-shift_close = 交班
action-shift_report = 班次报表
action-override_duplicate = 放行重复订单
action-reveal_pin = 再次查看完整卡密
action-view_commission = 查看佣金
action-reconcile = 对账
action-export_csv = 导出表格
action-manage_users = 管理员工账号
action-activate_terminal = 配对终端
action-configure_printer = 设置打印机
action-configure_counter = 修改收银规则
action-view_audit = 查看审计日志
action-backup = 备份和恢复数据
audit-act_commission_reconcile = 对账
audit-act_order_create = 下单
audit-act_order_duplicate_override = 店主放行重复销售
audit-act_order_handed_over = 结果已交给顾客
audit-act_order_rejected = 订单被拒绝
audit-act_order_repeat_confirmed = 确认再卖一次
audit-act_order_set_aside = 结果另行处理
audit-act_pin_reveal = 再次查看卡密
audit-act_pin_shown = 显示卡密
audit-act_redeem_cancel = 撤销核销
audit-act_redeem_verify = 核销
audit-act_settings_change = 修改设置
audit-act_shift_close = 交班
audit-act_shift_open = 开班
audit-act_store_restore = 恢复备份
audit-act_user_add = 新增用户
audit-act_user_disable = 停用用户
audit-act_user_enable = 启用用户
audit-act_user_locked = 账号被锁定
audit-act_user_reset_pin = 重置密码
audit-act_user_unlock = 解除锁定
audit-act_user_wrong_pin = 密码输错
action-update = 更新收银台软件
update-channel_stable = 正式版
update-channel_beta = 测试版（试点门店）
auth-forbidden = 权限不足：{ $role }不能执行此操作（{ $action }），请店主操作或授权
auth-bad_login = 工号或密码错误
auth-locked = 密码错误次数过多，账号已锁定，请 { $minutes } 分钟后再试或联系店主
auth-login_required = 请先由店主或安装人员登录

## 商品（product.kind.*）、支付方式（payment.*）、订单状态（order.state.*）

product-kind-mobile_topup = 话费
product-kind-data_pack = 流量
product-kind-pin_card = 卡密
product-kind-direct_topup = 直充
product-kind-voucher = 卡券
product-kind-bundle = 套餐
payment-cash = 现金
payment-wechat = 微信支付
payment-alipay = 支付宝
payment-card = 银行卡
order-state-draft = 草稿
order-state-sending = 提交中
order-state-pending = 处理中
order-state-unknown = 处理中（结果待确认）
order-state-succeeded = 成功
order-state-failed = 失败
order-state-refunded = 已退款
order-state-reversed = 已冲正
order-state-cancelled = 已取消

## 小票（receipt.*）。改动中文会改变已打印小票的快照，请谨慎。

receipt-title-topup = 话费/流量充值凭证
receipt-title-pin_card = 点卡卡密凭证
receipt-title-direct_topup = 直充凭证
receipt-title-voucher = 卡券凭证
receipt-title-pending = 处理中 — 请保留此单
receipt-title-failed = 交易未成功 / 退款凭证
receipt-title-redemption = 核销凭证
receipt-title-redemption_cancelled = 核销撤销凭证
receipt-title-z_report = 交班 Z 报表
receipt-title-x_report = 班中 X 报表
receipt-title-test_page = 打印机测试页
receipt-title-code_page_probe = 编码探测页（安装用）
receipt-reprint = *** 副本 ***
receipt-time = 时间
receipt-terminal = 终端
receipt-cashier = 收银员
receipt-scan_lookup = 扫码查询订单
receipt-order = 订单号
receipt-platform_ref = 平台单号
receipt-account = 充值账号
receipt-face_value = 面值(元)
receipt-payment = 支付方式
receipt-total = 金额(元)
receipt-status = 状态
receipt-card_no = 卡号
receipt-pin = 卡密
receipt-pin_warning = 卡密请妥善保管，泄露后不予补发
receipt-pending_note = 平台尚未返回最终结果。系统会用同一订单号自动查询，请勿重复下单；如有疑问凭此单号查询。
receipt-reason = 原因
receipt-failed_note = 本单未成功，款项已退还顾客。
receipt-redemption_id = 核销单号
receipt-voucher_code = 券码
receipt-voucher_value = 面值(元)
receipt-cancel_until = 可撤销至
receipt-shift = 班次
receipt-opened = 开班
receipt-closed = 交班
receipt-sales_by_kind = 销售(按类别)
receipt-taken_by_payment = 收款(按方式)
receipt-sales = 销售合计
receipt-pending = 处理中
receipt-refunds = 退款
receipt-redemptions = 核销
receipt-commission = 佣金
receipt-float = 备用金
receipt-expected_cash = 应有现金
receipt-counted_cash = 实点现金
receipt-over_short = 长短款
receipt-profile = 型号配置
receipt-paper = 纸宽
receipt-mode = 模式
receipt-amount = 金额
receipt-code_page_note = 下面几行若显示为乱码，请在配置中换用其他型号模式：中文(GB18030)、西文代码页或图像模式。

## 本地数据库（store.*）

store-sqlite = 本地数据库出错，请重试；如仍出错请联系安装人员
store-schema_too_new = 本地数据库版本（{ $found }）比本程序支持的版本（{ $known }）新，请升级卡盟猫收银台；数据未被改动。
store-migration = 本地数据库升级到第 { $version } 版时失败，请联系安装人员
store-corrupt = 本地数据库中有记录已损坏，请联系店主从备份恢复
store-integrity = 本地数据库完整性检查未通过，请联系店主从备份恢复
store-not_a_store = 这个文件不是卡盟猫收银台的数据库（或其中的表被改动过）：没有做任何改动
store-corrupt_value = 本地数据库中的记录已损坏（{ $table }.{ $field }，记录 { $row }），请联系店主从备份恢复

## 平台连接（net.*, api.*, config.*, terminal.*）

net-unreachable = 无法连接平台，请检查网络；商品目录和搜索可离线使用
net-timeout = 平台未在规定时间内应答，结果未知，稍后将按同一订单号查询
net-interrupted = 连接中断，结果未知，稍后将按同一订单号查询
net-http = 平台应答异常（状态码 { $status }），请稍后再试
net-malformed = 平台返回的数据无法识别，请稍后再试
net-offline = 平台暂时无法连接，本单未提交、未扣款，请稍后再试或改用其他方式（{ $reason }）
api-clock_skew = 本机时间与平台相差超过5分钟，请校准系统时间（平台时间：{ $server_time }）
api-bad_signature = 平台不认可本终端的签名，请由店主或安装人员重新配对本终端
api-unknown_terminal = 平台不认识本终端，请由店主或安装人员重新配对本终端
api-replayed_nonce = 平台拒收了一个重复的请求，请稍后重试
api-invalid_pairing_code = 配对码无效或已使用，请在平台后台重新生成
api-too_many_attempts = 配对码输错次数太多，暂时锁定；请核对配对码，{ $secs } 秒后再试
api-error = { $code ->
    [bad_request] 平台拒绝了请求：{ $detail }
    [not_found] 平台上没有这条记录
    [idempotency_conflict] 同一订单号在平台上对应的内容不同，请联系店主核对
    [product_unavailable] 该商品在平台已停售，请同步商品目录后重新选择
    [price_changed] 该商品价格已变动，请同步商品目录后重新下单
    [voucher_not_found] 券码不存在，请核对后重新输入或扫码
    [voucher_used] 该券已被核销过，不能重复使用
    [voucher_expired] 该券已过期，不能核销
    [voucher_cancelled] 该券已作废
    [cancel_window_closed] 已超过撤销时限（核销后10分钟内可撤销）
    [unauthorized] 平台拒绝了本终端的请求，请由店主或安装人员重新配对本终端
    [internal] 平台内部出错，请稍后再试
    [unavailable] 平台暂时不可用，请稍后再试
   *[other] 平台返回错误：{ $detail }
}
config-bad_url = 平台地址无效：{ $url }，请由安装人员检查设置
terminal-not_activated = 本终端尚未激活，请由店主或安装人员配对本终端
terminal-secret_missing = 系统密钥环中没有本终端的密钥，请由店主或安装人员重新配对本终端
terminal-clock_skew = 本机时间比平台{ $direction ->
        [ahead] 快
       *[behind] 慢
    } { $secs } 秒，平台会拒收订单；请先校准系统时间。本单未提交、未扣款。

## 目录同步（sync.*）

sync-failed = 商品目录同步失败，原有目录保持不变、可继续使用。原因：{ $reason }
sync-task = 商品目录同步中断，原有目录保持不变、可继续使用，请稍后重试

## 系统密钥环（keyring.*）

keyring-unavailable = 系统密钥环不可用，无法读取本终端的密钥，请联系安装人员检查本机的密钥环
keyring-error = 系统密钥环出错，请重试；如仍出错请联系安装人员

## 打印机（printer.*）

printer-status-paper_out = 缺纸
printer-status-paper_near_end = 纸将用尽
printer-status-cover_open = 上盖打开
printer-status-error = 打印机故障
printer-status-offline = 离线
printer-status-ready = 正常
printer-not_ready = 打印机未就绪（{ $status }），小票已排队，处理后会自动补打；交易不受影响
printer-unreachable = 连接不上打印机，小票已排队；交易不受影响。请检查打印机电源和连线
printer-io = 发送到打印机时连接中断；为避免重复打印不会自动重打，请确认后手动补打
printer-bad_target = 打印机地址无效：{ $target }，请由安装人员重新设置打印机
printer-encode = 小票生成失败，请重试；如仍失败请联系安装人员

## 收银流程（engine 的错误：order.*, catalog.*, shift.*, voucher.*, input.*, vault.*）

order-quote = { $reason ->
    [quantity] 数量应为1到99
    [overflow] 金额超出范围
   *[unavailable] 该商品暂停销售
}
order-not_found = 没有订单 { $key }
order-duplicate = 该账号有一笔相同金额的订单仍在处理中（{ $key }，{ $state }），为防止重复充值已拦截；如确需再充，请店主授权
order-repeat_sale = { $pin ->
        [yes] 本终端在 { $time } 刚卖出同一种卡：{ $product }，状态 { $state }，{ $delivered ->
            [yes] 卡密已交给顾客
           *[no] 卡密还没交给顾客
        }（单号 { $key }）。如果是同一位顾客，请先把那一单交给他；如果是另一位顾客要买，请确认后再下单
       *[no] 这位顾客在 { $time } 已买过同一商品：{ $product }，账号 { $account }，状态 { $state }，{ $delivered ->
            [yes] 结果已交给顾客
           *[no] 结果还没交给顾客
        }（单号 { $key }）。请先和顾客确认是否还要再买一份；确认后再下单
    }
order-owed = 上一单 { $product }（账号 { $account }，{ $time }，{ $state }）的结果还没交给顾客（单号 { $key }）。请先把结果交给顾客（显示或打印），或登记搁置原因，再卖同一商品
order-cannot_replace = 原订单 { $key } 状态为 { $state }，只有失败、已退款或已取消的订单才能换单重下
catalog-no_such_product = 目录中没有商品 { $sku }，请先同步商品目录
shift-not_open = 尚未开班，请先开班
shift-already_open = 已有未结束的班次
voucher-not_found = 券码不存在，请核对后重新输入或扫码
voucher-used = 该券已被核销过，不能重复使用
voucher-expired = 该券已过期，不能核销
voucher-cancelled = 该券已作废
voucher-cancel_window_closed = 已超过撤销时限（核销后10分钟内可撤销）
voucher-error = 核销失败：{ $detail }
input-invalid = 输入有误：{ $detail }
input-no_such_user = 没有这个工号，请刷新用户列表后再试
input-last_owner = 这是最后一个店主账号，不能停用或改为收银员
input-own_account = 不能停用自己正在使用的账号，请用另一个店主账号操作
vault-crypto = 卡密加解密失败，请联系店主
input-logo_too_large = 图片太大（{ $mb } MB），请换一张 4 MB 以内的图片
input-logo_unreadable = 这个文件不是可用的图片，请换一张常见格式的图片（照片或截图均可）
input-footer = 小票底部文字太长（{ $n } 个字），请控制在 120 个字、4 行以内
input-user_id = 工号“{ $value }”不能用：请用 1 到 32 个字母、数字或下划线
input-user_name = 姓名“{ $value }”不能用：请用 1 到 32 个字，不要有换行等特殊字符
