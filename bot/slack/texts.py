"""Fixed Japanese phrases the Slack door writes (everything else is the desk's own text)."""

from __future__ import annotations

from bot import messages

WORKING_REACTION = "hourglass_flowing_sand"
ERROR_GENERIC = (
    "申し訳ありません。処理中に問題が発生しました。時間をおいてもう一度お試しください。"
    "解決しない場合は管理者にお知らせください。"
)
NOT_ALLOWED = (
    "申し訳ありません。この場所での madoguchi の利用は、登録された方に限られています。"
    "利用をご希望の場合は、管理者にお問い合わせください。"
)
EMPTY_QUESTION = "ご質問をどうぞ。例: `@madoguchi 地場産業成長プランの要件は？`（計画案のファイルを添付すると事前チェックします）"
THINKING = "確認しています…"
ANSWER_FALLBACK = "madoguchi の回答"
SOURCES_TITLE = "出典"
FEEDBACK_UP_LABEL = "👍"
FEEDBACK_DOWN_LABEL = "👎"
ESCALATE_LABEL = "担当者に相談"
FEEDBACK_THANKS_UP = "フィードバックありがとうございます。今後の改善に活用します。"
FEEDBACK_THANKS_DOWN = (
    "フィードバックありがとうございます。回答が不十分な場合は「担当者に相談」から担当者にお問い合わせいただけます。"
)
FEEDBACK_NOT_STORED = "フィードバックを記録できませんでした。お手数ですが時間をおいて再度お試しください。"
ESCALATED = "担当者に相談内容を共有しました（{target}）。担当者からの連絡をお待ちください。"
NO_ESCALATION_CHANNEL = "担当者への相談窓口がまだ設定されていません。" + messages.WHERE_TO_ASK
ESCALATION_HEADER = "madoguchi から担当者への相談"
CHOSEN = "<@{user}> さんが「{label}」を選びました。"
UNSUPPORTED_FILE = "このファイル形式（{name}）には対応していません。計画案は .md / .txt / .docx / .pdf（または .yaml / .json）でお送りください。"
FILE_TOO_LARGE = "ファイルが大きすぎます（上限 {limit}MB）。"
FILE_UNAVAILABLE = "ファイルを取得できませんでした。共有設定を確認して、もう一度お送りください。"
FILE_REF_INVALID = "ファイル ID（F から始まる英数字）か、Slack のファイルのリンクを入力してください。"
PLAN_MISSING = "計画案の本文を貼り付けるか、アップロード済みのファイルを指定してください。"
PLAN_ACCEPTED = "計画案を受け付けました。結果はこのあとダイレクトメッセージでお送りします。"
PLAN_FEATURE_UNAVAILABLE = "計画案の分析機能は現在準備中です。"
REPORT_UPLOADED = "詳しいレポートを添付しました。"
REPORT_FAILED = "詳しいレポートを添付できませんでした。お手数ですが、時間をおいて再度お試しください。"
STATUS_MARK = {"met": "✅", "partial": "⚠️", "missing": "❌", "not_applicable": "➖"}
STATUS_LABEL = {"met": "充足", "partial": "一部不足", "missing": "不足", "not_applicable": "対象外"}

HELP = """*madoguchi（窓口）の使い方*
• チャンネルで `@madoguchi 質問` — スレッドで回答します。続けてスレッドで質問すると、前のやり取りを踏まえて答えます。
• ダイレクトメッセージ — そのまま質問してください。
• 計画案ファイル（.md / .txt / .docx / .pdf）を `@madoguchi` 付きで共有、または DM で送る — 要件の事前チェックを返します（「施策」と書くと支援施策の候補を返します）。
• `/madoguchi ask 質問` — 質問に回答します。
• `/madoguchi match` — 計画案に合う支援施策を提案します（入力画面が開きます）。
• `/madoguchi precheck` — 計画案を類型の要件と照らし合わせます（入力画面が開きます）。
• `/madoguchi help` — この説明を表示します。
回答の下の 👍 / 👎 で評価を、「担当者に相談」で担当者への引き継ぎができます。
""" + messages.DISCLAIMER
