// Every interface string, in English and Japanese, in one table.
// Scenario texts (titles, summaries, labels, root causes) are shown as
// written and never pass through here.
//
// t('key', {name: 'x'}) replaces {name} in the string. The language comes
// from the switch in the header (kept in localStorage), else from
// navigator.language.

export const LANGS = [
  ['ja', '日本語'],
  ['en', 'English'],
];

const STRINGS = {
  en: {
    'app.skip': 'Skip to content',
    'app.home': 'Firedrill home',
    'app.language': 'Language',

    'common.loading': 'Loading…',
    'common.retry': 'Try again',
    'common.dismiss': 'Dismiss',
    'common.name_required': 'Please type your name.',

    'error.network': 'Cannot reach the server. Check your connection and try again.',
    'error.http': 'The server answered with an error ({status}).',
    'error.session': 'This session is no longer valid.',
    'error.unknown': 'Something went wrong.',
    'errcode.bad_message': 'The server did not understand the request.',
    'errcode.unsupported_version': 'This page is out of date; reload it.',
    'errcode.hello_required': 'The connection was not set up.',
    'errcode.bad_token': 'This session is not known to the server.',
    'errcode.forbidden': 'Your role may not do this.',
    'errcode.wrong_state': 'Not possible right now.',
    'errcode.invalid_value': 'A value is not accepted.',
    'errcode.no_such_drill': 'This drill no longer exists.',
    'errcode.full': 'The server is full; try again later.',
    'errcode.unknown_code': 'No drill has this join code.',
    'errcode.unknown_scenario': 'This scenario is not installed.',
    'errcode.ended': 'This drill has ended.',

    'home.title': 'Incident-response drills',
    'home.lead': 'Practise the first minutes of an outage together: notice it, declare, tell customers, and fix it while the clock runs.',
    'home.create_title': 'Create a drill',
    'home.create_hint': 'You will be the facilitator: you share the join link, start the clock and see the answer key.',
    'home.scenario': 'Scenario',
    'home.scenario_meta': '{min} min · {stores} stores · {lang}',
    'home.no_scenarios': 'No scenarios are installed on this server.',
    'home.pick_scenario': 'Pick a scenario.',
    'home.your_name': 'Your name',
    'home.name_hint': 'Shown to everyone in the drill (up to 40 characters).',
    'home.create': 'Create drill',
    'home.join_title': 'Join with a code',
    'home.join_hint': 'Got a join link or code from your facilitator? Paste it here.',
    'home.code': 'Join code or link',
    'home.code_placeholder': 'e.g. 3f9a…',
    'home.code_required': 'Type or paste the join code.',
    'home.join': 'Continue',

    'join.title': 'Join the drill',
    'join.code': 'Join code:',
    'join.your_name': 'Your name',
    'join.role': 'Your role',
    'join.join': 'Join',
    'join.newbie': "I'm new — put me on support",
    'join.back': 'Back',
    'join.pick_role': 'Pick a role, or use “I’m new”.',

    'role.facilitator': 'Facilitator',
    'role.incident_owner': 'Incident owner',
    'role.comms_lead': 'External comms lead',
    'role.support_lead': 'Customer support lead',
    'role.support_agent': 'Support agent',
    'role.sales': 'Sales',
    'role.engineer': 'Engineer',
    'role.store_actor': 'Store',
    'role.corporate_actor': 'Corporate client',
    'role.observer': 'Observer',

    'roledesc.facilitator': 'Run the drill: start, pause, change the speed, end. You see the answer key.',
    'roledesc.incident_owner': 'Own the whole incident: declare (発令), set the phase and keep everyone informed.',
    'roledesc.comms_lead': 'All communication to the outside: publish status notices for stores and customers.',
    'roledesc.support_lead': 'Run the phones: assign agents and keep the talk script up to date.',
    'roledesc.support_agent': 'Take calls from stores and tell them what is known. Good first role for newcomers.',
    'roledesc.sales': 'Answer corporate clients and keep them updated.',
    'roledesc.engineer': 'Read the health posts, find the cause and run runbook actions.',
    'roledesc.store_actor': 'Play a restaurant that uses the product and call when things break.',
    'roledesc.corporate_actor': 'Play a corporate client that owns many stores.',
    'roledesc.observer': 'Watch the drill without acting.',

    'status.lobby': 'Waiting to start',
    'status.running': 'Running',
    'status.paused': 'Paused',
    'status.ended': 'Ended',

    'phase.normal': 'Normal',
    'phase.investigating': 'Investigating',
    'phase.identified': 'Identified',
    'phase.mitigating': 'Mitigating',
    'phase.monitoring': 'Monitoring',
    'phase.resolved': 'Resolved',
    'phase.label': 'New phase',
    'phase.set': 'Set phase',
    'phase.current': 'Current phase:',
    'phase.hint_declare_first': 'Declare the emergency first.',

    'cstatus.operational': 'Operational',
    'cstatus.degraded_performance': 'Degraded performance',
    'cstatus.partial_outage': 'Partial outage',
    'cstatus.major_outage': 'Major outage',

    'header.clock': 'Drill clock',
    'header.world_time': 'World time of day',
    'header.phase': 'Incident phase',

    'conn.live': 'Live',
    'conn.connecting': 'Connecting…',
    'conn.reconnecting': 'Reconnecting…',
    'conn.lost': 'Connection lost. Reconnecting…',
    'conn.in_seconds': 'next try in {s} s',
    'conn.closed': 'Disconnected',
    'conn.retry': 'Retry now',
    'conn.offline_cmd': 'Not connected right now; try again when the connection is back.',

    'metric.label': 'Live metrics',
    'metric.orders': 'Orders / min',
    'metric.payment': 'Payment success',
    'metric.lost': 'Lost revenue',
    'metric.guests': 'Guests waiting',

    'drill.connecting': 'Connecting to the drill…',
    'drill.channels': 'Channels',
    'drill.channel_title': '{name}',
    'drill.unread': '{n} unread',
    'drill.no_channels': 'No channels for your role.',
    'drill.no_channels_title': 'Outside the company',
    'drill.no_channels_long': 'Your role does not see the company’s internal channels. Watch the status page on the right.',
    'drill.pick_channel': 'Pick a channel.',
    'drill.no_posts': 'No posts yet.',
    'drill.panels': 'Your tools',
    'drill.lobby_facilitator': 'Share the join link on the right. People appear under “People” as they join; press Start when everyone is in.',
    'drill.lobby_participant': 'You are in. The drill starts when the facilitator presses Start; meanwhile, read your role on the right.',
    'drill.leave': 'Leave',
    'drill.leave_confirm': 'Leave? Click again',

    'composer.label': 'Message {name}',
    'composer.placeholder': 'Message {name}',
    'composer.send': 'Send',
    'composer.hint': 'Enter to send · Shift+Enter for a new line',
    'composer.read_only': 'Your role can read this channel but not write in it.',
    'composer.offline': 'Reconnecting… your text is kept.',
    'composer.ended': 'The drill has ended.',
    'composer.too_long': 'A message is at most {n} characters.',

    'post.health_bot': 'Health bot',
    'post.system': 'Firedrill',
    'post.kickoff': 'Emergency declared (発令). Who holds which role:',
    'post.kickoff_empty': 'Nobody holds a response role yet.',
    'post.phase_changed': 'Phase is now {phase} (set by {by}).',
    'post.action_started': '{by} started: {label}',
    'post.action_done': 'Took effect: {label} (run by {by})',
    'post.notice': 'External notice published by {by}:',
    'post.unsupported': '(This kind of post is not supported by this page yet.)',

    'health.title': 'Product health',
    'health.alert_title': 'Alert: product health below threshold',
    'health.alert': 'ALERT: below threshold',
    'health.region': 'Region',
    'health.orders_per_min': 'Orders/min',
    'health.payment_success': 'Payment success',
    'health.stores_affected': 'Stores affected',
    'health.all_regions': 'All',
    'health.vs_expected': '{n} (exp. {e})',
    'health.lost_revenue': 'Lost revenue so far:',

    'panel.your_role': 'Your role',
    'panel.declare': 'Declare the emergency',
    'panel.phase': 'Incident phase',
    'panel.runbook': 'Runbook',
    'panel.actions': 'Runbook actions',
    'panel.notices': 'External notice',
    'panel.status_page': 'Status page',
    'panel.controls': 'Drill controls',
    'panel.roster': 'People',
    'panel.answer_key': 'Answer key',

    'declare.button': 'Declare the emergency',
    'declare.hint': 'Opens the response channels and pages every role.',
    'declare.hint_lobby': 'Possible once the facilitator starts the drill.',
    'declare.hint_ended': 'The drill has ended.',
    'declare.hint_done': 'Declared.',
    'declare.done': 'Declared at {time} ({t}).',
    'declare.done_by': 'Declared at {time} ({t}) by {by}.',

    'runbook.available': 'Actions',
    'runbook.runs': 'Started',
    'runbook.run': 'Run',
    'runbook.run_label': 'Run: {label}',
    'runbook.meta': '{service} · takes effect after {delay}',
    'runbook.none': 'No runbook actions in this scenario.',
    'runbook.no_runs': 'Nothing started yet.',
    'runbook.started_by': 'started by {by} at {time}',
    'runbook.left': '{left} left',
    'runbook.done': 'took effect at {time} · {by}',
    'runbook.progress': 'Progress of {label}',

    'notice.status': 'Component status',
    'notice.text': 'What customers read',
    'notice.text_hint': 'Plain text. Say what is affected, what to do meanwhile, and when the next update comes.',
    'notice.publish': 'Publish notice',
    'notice.published': 'Published',
    'notice.none': 'No notice published yet.',
    'notice.meta': '{time} · {by}',

    'fac.start': 'Start',
    'fac.pause': 'Pause',
    'fac.resume': 'Resume',
    'fac.end': 'End drill',
    'fac.end_confirm': 'Click again to end',
    'fac.speed': 'Speed',
    'fac.speed_hint': 'Drill seconds per real second.',
    'fac.status_line': '{status} · speed ×{speed}',
    'fac.join_link': 'Join link',
    'fac.join_hint': 'Share this link; each person picks a name and a role.',
    'fac.copy': 'Copy',
    'fac.copied': 'Copied',

    'roster.count': '{n} in the drill · {online} online',
    'roster.online': 'online',
    'roster.offline': 'offline',
    'roster.you': '(you)',

    'key.hint': 'Hidden from participants. Careful when sharing your screen.',
    'key.none': 'No faults in this scenario.',
    'key.active': 'active',
    'key.inactive': 'not active',
    'key.meta': '{regions} · starts {t} ({time})',
    'key.all_regions': 'all regions',
    'key.fixed_by': 'Fixed by: {actions}',

    'summary.title': 'Drill results',
    'summary.parts': 'How the score was made',
    'summary.first_signal': 'First signal',
    'summary.declared': 'Declared',
    'summary.first_notice': 'First external notice',
    'summary.mitigated': 'Mitigated',
    'summary.resolved': 'Resolved',
    'summary.premature': 'too early: a fault was still active',
    'summary.lost_revenue': 'Lost revenue',
    'summary.revenue': 'Revenue taken',
    'summary.never': 'never',

    'score.declare': 'Time to declare',
    'score.notice': 'Time to first notice',
    'score.mitigate': 'Time to mitigate',
    'score.resolve': 'Resolution',
  },

  ja: {
    'app.skip': '本文へ移動',
    'app.home': 'Firedrill ホーム',
    'app.language': '言語',

    'common.loading': '読み込み中…',
    'common.retry': '再試行',
    'common.dismiss': '閉じる',
    'common.name_required': '名前を入力してください。',

    'error.network': 'サーバーに接続できません。接続を確認して、もう一度お試しください。',
    'error.http': 'サーバーがエラーを返しました（{status}）。',
    'error.session': 'このセッションは無効になりました。',
    'error.unknown': '問題が発生しました。',
    'errcode.bad_message': 'サーバーが要求を理解できませんでした',
    'errcode.unsupported_version': 'このページは古くなっています。再読み込みしてください',
    'errcode.hello_required': '接続が確立されていません',
    'errcode.bad_token': 'このセッションはサーバーにありません',
    'errcode.forbidden': 'あなたの役割ではできません',
    'errcode.wrong_state': '今はできません',
    'errcode.invalid_value': '入力された値は受け付けられません',
    'errcode.no_such_drill': 'この訓練はもうありません',
    'errcode.full': 'サーバーが満員です。しばらくしてからお試しください',
    'errcode.unknown_code': 'この参加コードの訓練はありません',
    'errcode.unknown_scenario': 'このシナリオはインストールされていません',
    'errcode.ended': 'この訓練は終了しました',

    'home.title': '緊急事態訓練',
    'home.lead': '障害の最初の数分をみんなで練習します。気づく、発令する、お客様に伝える、直す——時計は止まりません。',
    'home.create_title': '訓練を作成',
    'home.create_hint': 'あなたがファシリテーターになります。参加リンクを共有し、訓練を開始し、正解（答え）を見られます。',
    'home.scenario': 'シナリオ',
    'home.scenario_meta': '{min}分 · {stores}店舗 · {lang}',
    'home.no_scenarios': 'このサーバーにはシナリオがありません。',
    'home.pick_scenario': 'シナリオを選んでください。',
    'home.your_name': 'あなたの名前',
    'home.name_hint': '訓練の参加者全員に表示されます（40文字まで）。',
    'home.create': '訓練を作成',
    'home.join_title': 'コードで参加',
    'home.join_hint': 'ファシリテーターから参加リンクかコードを受け取ったら、ここに貼り付けてください。',
    'home.code': '参加コードまたはリンク',
    'home.code_placeholder': '例: 3f9a…',
    'home.code_required': '参加コードを入力するか貼り付けてください。',
    'home.join': '次へ',

    'join.title': '訓練に参加',
    'join.code': '参加コード:',
    'join.your_name': 'あなたの名前',
    'join.role': 'あなたの役割',
    'join.join': '参加する',
    'join.newbie': '初めてです — サポート担当にしてください',
    'join.back': '戻る',
    'join.pick_role': '役割を選ぶか、「初めてです」を押してください。',

    'role.facilitator': 'ファシリテーター',
    'role.incident_owner': 'インシデントオーナー',
    'role.comms_lead': '対外発信責任者',
    'role.support_lead': '顧客対応責任者',
    'role.support_agent': 'サポート担当',
    'role.sales': '営業（法人担当）',
    'role.engineer': 'エンジニア',
    'role.store_actor': '店舗役',
    'role.corporate_actor': '法人役',
    'role.observer': 'オブザーバー',

    'roledesc.facilitator': '訓練を進行します：開始・一時停止・速度変更・終了。正解を見られます。',
    'roledesc.incident_owner': 'インシデント全体の責任者。発令し、フェーズを決め、全員に状況を伝えます。',
    'roledesc.comms_lead': '社外への発信すべて。店舗・お客様向けのお知らせを公開します。',
    'roledesc.support_lead': '電話対応を統括します。担当を割り振り、トークスクリプトを更新します。',
    'roledesc.support_agent': '店舗からの電話を受け、わかっていることを伝えます。新人におすすめの役割です。',
    'roledesc.sales': '法人のお客様に対応し、状況を伝えます。',
    'roledesc.engineer': 'ヘルス投稿を読み、原因を突き止め、ランブックの対処を実行します。',
    'roledesc.store_actor': 'プロダクトを使う飲食店を演じ、困ったら問い合わせます。',
    'roledesc.corporate_actor': '多くの店舗を持つ法人のお客様を演じます。',
    'roledesc.observer': '操作はせず、訓練を見学します。',

    'status.lobby': '開始待ち',
    'status.running': '進行中',
    'status.paused': '一時停止中',
    'status.ended': '終了',

    'phase.normal': '平常',
    'phase.investigating': '調査中',
    'phase.identified': '原因特定',
    'phase.mitigating': '対処中',
    'phase.monitoring': '経過観察',
    'phase.resolved': '解決',
    'phase.label': '新しいフェーズ',
    'phase.set': 'フェーズを変更',
    'phase.current': '現在のフェーズ:',
    'phase.hint_declare_first': '先に発令してください。',

    'cstatus.operational': '正常稼働',
    'cstatus.degraded_performance': 'パフォーマンス低下',
    'cstatus.partial_outage': '一部障害',
    'cstatus.major_outage': '大規模障害',

    'header.clock': '訓練の時計',
    'header.world_time': '訓練内の時刻',
    'header.phase': 'インシデントのフェーズ',

    'conn.live': '接続中',
    'conn.connecting': '接続しています…',
    'conn.reconnecting': '再接続しています…',
    'conn.lost': '接続が切れました。再接続しています…',
    'conn.in_seconds': '{s}秒後に再試行',
    'conn.closed': '切断',
    'conn.retry': '今すぐ再接続',
    'conn.offline_cmd': '現在接続されていません。接続が戻ってからもう一度お試しください。',

    'metric.label': 'ライブ指標',
    'metric.orders': '注文数／分',
    'metric.payment': '決済成功率',
    'metric.lost': '損失売上',
    'metric.guests': '待っているお客様',

    'drill.connecting': '訓練に接続しています…',
    'drill.channels': 'チャンネル',
    'drill.channel_title': '{name}',
    'drill.unread': '未読 {n} 件',
    'drill.no_channels': 'あなたの役割で見られるチャンネルはありません。',
    'drill.no_channels_title': '社外の立場',
    'drill.no_channels_long': 'あなたの役割では社内チャンネルは見えません。右のステータスページを見てください。',
    'drill.pick_channel': 'チャンネルを選んでください。',
    'drill.no_posts': 'まだ投稿はありません。',
    'drill.panels': 'あなたのツール',
    'drill.lobby_facilitator': '右の参加リンクを共有してください。参加した人は「参加者」に表示されます。全員がそろったら「開始」を押してください。',
    'drill.lobby_participant': '参加しました。ファシリテーターが「開始」を押すと訓練が始まります。それまで右の役割の説明を読んでおきましょう。',
    'drill.leave': '退出',
    'drill.leave_confirm': 'もう一度押すと退出',

    'composer.label': '{name} にメッセージ',
    'composer.placeholder': '{name} にメッセージ',
    'composer.send': '送信',
    'composer.hint': 'Enterで送信 · Shift+Enterで改行',
    'composer.read_only': 'あなたの役割ではこのチャンネルを読めますが、書き込めません。',
    'composer.offline': '再接続中… 入力した文章は残ります。',
    'composer.ended': '訓練は終了しました。',
    'composer.too_long': 'メッセージは{n}文字までです。',

    'post.health_bot': 'ヘルスbot',
    'post.system': 'Firedrill',
    'post.kickoff': '発令されました。役割の担当者:',
    'post.kickoff_empty': 'まだ対応役割の担当者はいません。',
    'post.phase_changed': 'フェーズが「{phase}」になりました（{by}）。',
    'post.action_started': '{by} が開始: {label}',
    'post.action_done': '反映されました: {label}（実行: {by}）',
    'post.notice': '{by} が社外向けのお知らせを公開しました:',
    'post.unsupported': '（この種類の投稿はまだ表示できません。）',

    'health.title': 'プロダクトヘルス',
    'health.alert_title': 'アラート：プロダクトヘルスがしきい値を下回りました',
    'health.alert': 'アラート：しきい値割れ',
    'health.region': '地域',
    'health.orders_per_min': '注文数/分',
    'health.payment_success': '決済成功率',
    'health.stores_affected': '影響店舗',
    'health.all_regions': '全体',
    'health.vs_expected': '{n}（通常 {e}）',
    'health.lost_revenue': 'これまでの損失売上:',

    'panel.your_role': 'あなたの役割',
    'panel.declare': '緊急事態の発令',
    'panel.phase': 'インシデントのフェーズ',
    'panel.runbook': 'ランブック',
    'panel.actions': 'ランブックの対処',
    'panel.notices': '社外向けのお知らせ',
    'panel.status_page': 'ステータスページ',
    'panel.controls': '訓練の操作',
    'panel.roster': '参加者',
    'panel.answer_key': '正解（答え）',

    'declare.button': '緊急事態を宣言する',
    'declare.hint': '対応チャンネルを作成し、全ての役割に呼び出しをかけます。',
    'declare.hint_lobby': 'ファシリテーターが訓練を開始すると押せます。',
    'declare.hint_ended': '訓練は終了しました。',
    'declare.hint_done': '発令済み。',
    'declare.done': '{time}（{t}）に発令済み。',
    'declare.done_by': '{time}（{t}）に {by} が発令。',

    'runbook.available': '対処',
    'runbook.runs': '実行したもの',
    'runbook.run': '実行',
    'runbook.run_label': '実行: {label}',
    'runbook.meta': '{service} · 反映まで {delay}',
    'runbook.none': 'このシナリオにはランブックの対処がありません。',
    'runbook.no_runs': 'まだ何も実行していません。',
    'runbook.started_by': '{time} に {by} が開始',
    'runbook.left': '残り {left}',
    'runbook.done': '{time} に反映 · {by}',
    'runbook.progress': '{label} の進み具合',

    'notice.status': 'コンポーネントの状態',
    'notice.text': 'お客様が読む文章',
    'notice.text_hint': 'プレーンテキスト。影響範囲、当面の対応、次の更新予定を書きましょう。',
    'notice.publish': 'お知らせを公開',
    'notice.published': '公開済み',
    'notice.none': 'まだお知らせはありません。',
    'notice.meta': '{time} · {by}',

    'fac.start': '開始',
    'fac.pause': '一時停止',
    'fac.resume': '再開',
    'fac.end': '訓練を終了',
    'fac.end_confirm': 'もう一度押すと終了',
    'fac.speed': '速度',
    'fac.speed_hint': '現実の1秒あたりに進む訓練内の秒数。',
    'fac.status_line': '{status} · 速度 ×{speed}',
    'fac.join_link': '参加リンク',
    'fac.join_hint': 'このリンクを共有してください。各自が名前と役割を選びます。',
    'fac.copy': 'コピー',
    'fac.copied': 'コピーしました',

    'roster.count': '{n}人 · オンライン {online}人',
    'roster.online': 'オンライン',
    'roster.offline': 'オフライン',
    'roster.you': '（あなた）',

    'key.hint': '参加者には見えません。画面共有に注意してください。',
    'key.none': 'このシナリオに障害はありません。',
    'key.active': '発生中',
    'key.inactive': '未発生・解消',
    'key.meta': '{regions} · {t}（{time}）に発生',
    'key.all_regions': '全地域',
    'key.fixed_by': '直す対処: {actions}',

    'summary.title': '訓練の結果',
    'summary.parts': 'スコアの内訳',
    'summary.first_signal': '最初の兆候',
    'summary.declared': '発令',
    'summary.first_notice': '最初の社外発信',
    'summary.mitigated': '緩和',
    'summary.resolved': '解決',
    'summary.premature': '早すぎ：障害がまだ続いていました',
    'summary.lost_revenue': '損失売上',
    'summary.revenue': '売上',
    'summary.never': 'なし',

    'score.declare': '発令までの時間',
    'score.notice': '最初のお知らせまでの時間',
    'score.mitigate': '緩和までの時間',
    'score.resolve': '解決',
  },
};

const STORAGE_KEY = 'firedrill.lang';
let lang = 'en';

function pick(candidate) {
  if (!candidate) return null;
  const base = String(candidate).toLowerCase().split('-')[0];
  return STRINGS[base] ? base : null;
}

/** Picks the language: saved choice, else the browser's, else English. */
export function initLang() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* storage disabled */
  }
  lang = pick(saved) || pick(navigator.language) || (navigator.languages || []).map(pick).find(Boolean) || 'en';
  document.documentElement.lang = lang;
  return lang;
}

export function setLang(next) {
  lang = pick(next) || 'en';
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage disabled */
  }
}

export function getLang() {
  return lang;
}

/** The string for key in the current language, with {vars} filled in. */
export function t(key, vars) {
  let s = STRINGS[lang][key];
  if (s === undefined) s = STRINGS.en[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
  return s;
}

/**
 * A server error as shown to the user. The server's message is shown as it
 * is (it is in English); in Japanese a translation of its code comes first.
 */
export function serverError(code, message) {
  const key = `errcode.${code}`;
  const known = STRINGS.en[key] !== undefined;
  if (!message) return known ? t(key) : t('error.unknown');
  if (lang !== 'en' && known) return `${t(key)}（${message}）`;
  return message;
}

/** For tests: every key of every language. */
export function keys(language) {
  return Object.keys(STRINGS[language] || {});
}
