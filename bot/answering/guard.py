"""Input checks (empty, too long, binary) and detection of attempts to reveal or override instructions."""

from __future__ import annotations

import re
import unicodedata

from retrieval.errors import Code, DeskError

_INJECTION = re.compile(
    "|".join(
        [
            r"(指示|命令|ルール|設定|制約|プロンプト)(を|は)?(全て|すべて|全部)?(無視|忘れ|破棄|リセット|上書き)",
            r"(無視|忘れ)(して|しろ|せよ).{0,12}(指示|命令|ルール|制約)",
            r"(システム|初期|内部|隠し|秘密)の?(プロンプト|指示|命令|設定|メッセージ)",
            r"プロンプト(を|の)?(全文|内容|中身)?(を)?(表示|出力|教え|見せ|開示|公開|書き出|貼り)",
            r"(あなた|君|お前)(は|の)(今から|これから).{0,20}(として|になり|になって|です|だ)",
            r"(開発者|管理者|デバッグ|脱獄|制限解除)モード",
            r"ignore\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier|your)\s+(instructions|prompts?|rules)",
            r"disregard\s+(all\s+|the\s+|your\s+)?(previous|prior|above|earlier)?\s*(instructions|rules|prompt)",
            r"(system|hidden|initial|developer)\s+(prompt|instructions|message)",
            r"(reveal|print|show|repeat|output|dump)\s+(me\s+)?(your|the)\s+(system\s+)?(prompt|instructions)",
            r"\bjailbreak\b|\bDAN\b|do anything now",
            r"[【\[(（]?(管理者|運営者|開発者|システム管理者|運営)(より|から)(の)?(命令|指示|通知|連絡|お知らせ)?[】\])）]",
            r"(回答|出力)?(制限|ルール|制約|フィルター)(は|を|が)?(すべて|全て)?(解除|無効|撤廃|オフ)",
            r"[【\[](システム|運営|管理者|公式|重要)(通知|連絡|メッセージ|アナウンス|からのお知らせ)[】\]]",
            r"(回答|案内)(方針|ルール|内容)が(変わ|変更)",
            r"you\s+are\s+now\s+(a|an|in)\b",
            r"(あなた|君|お前)(に|へ)(与えられ|渡され|設定され|指定され)\S{0,3}(指示|命令|ルール|プロンプト|設定)",
            r"\b(developer|debug|god|admin)\s+mode\b",
            r"forget\s+(everything|all|anything)\s+(above|before|earlier|you\s+were\s+told)",
            r"(tell|give|show|send|write)\s+(me\s+)?(all\s+)?(of\s+)?your\s+(\w+\s+)?(instructions|prompt|rules)",
            # paraphrases: answer without limits or sources, by guess, or with a dictated fact
            r"(制限|制約|フィルター)(なし|無し|なく|無く|を外し|を解除し|のない)で?.{0,12}(答え|回答|振る舞|応答)",
            r"(出典|根拠|引用)(を|は)?(付けず|つけず|なし|無し|省略|示さず|確認せず).{0,12}(答え|回答|推測|断定)",
            r"(推測|想像|憶測)で(答え|回答)(て|ても|てよい|ていい|なさい|ろ|よ)",
            r"(今後|以降|これから)は?[^。？?]{0,40}(と|って)(回答|答え|案内|断定)(して|しなさい|しろ|せよ|てください|ること)",
            r"(上記|前|これまで|以前|元)の(指示|命令|ルール|設定)より.{0,20}優先",
            r"\bact\s+as\s+(an?\s+)?(unrestricted|unfiltered|different|new)|\bpretend\s+(to\s+be|you\s+are)\b",
            r"\bfrom\s+now\s+on\b.{0,60}\b(answer|respond|reply|say)\b|^\s*system\s*:",
            r"\bwithout\s+(any\s+)?(citations|sources|restrictions|limits|filters)\b",
            # asking for the desk's own settings in other words (あなたの裏設定, 最初に与えられた命令文をコピー)
            r"(あなた|君|お前|AI|ボット|チャットボット)(が|の|に)[^。？?]{0,10}(設定|ルール|指示|命令|プロンプト|前提)(を|は)?[^。？?]{0,10}(教えて|見せて|出して|出力|表示|コピー|開示|書き出)",
            r"(最初|冒頭|事前|裏|内部|隠れた)(に|の)?(与えられ|渡され|設定され|受け)?[^。？?]{0,6}(命令文?|指示文?|ルール|設定|プロンプト)(を|は)?[^。？?]{0,10}(教えて|見せて|コピー|出力|表示|貼)",
            # dropping the desk's premises or playing a part (前提をリセット, 何でも答えるAIとして, ロールプレイ)
            r"(前提|制限|制約|ルール|縛り)(条件)?(を|は)?(全部|すべて|全て)?(リセット|取り払|取っ払|外し|外して|無しに|なしに)",
            r"何でも(答える|答えて|保証する|言う)[^。？?]{0,6}(AI|アシスタント|ボット|として|モード|存在)|ロールプレイ|なりきって",
            # a dictated answer or a forged header (###指示###, [INST], …と答えること)
            r"[\[<【#]+\s*(system|sys|inst|指示|命令|システム)\s*[\]>】#]+|(と|って)(答える|回答する)こと[。!！]?$",
            r"\bignore\s+(the\s+|all\s+)?(above|previous|prior|everything)\b|\b(print|repeat|output)\s+everything\s+(before|above)\b",
            r"忽略(之前|以上|上面|前面)?的?(所有)?(指示|指令|规则|提示)|没有(任何)?限制的|系统提示|지시를?\s*(모두\s*)?무시|시스템\s*프롬프트",
        ]
    ),
    re.IGNORECASE,
)
# Questions no document can answer, whatever it says: promises of approval, forecasts, and the amount
# a particular body will get. The desk says so instead of quoting something near.
_UNANSWERABLE = re.compile(
    "|".join(
        [
            r"必ず.{0,12}(採択|採用|もらえ|通る|受かる|通過)",
            r"(採択|審査|交付|合格).{0,12}(保証|約束|確約)",
            r"確実に.{0,12}(採択|もらえ|通る|受かる)",
            r"(株価|為替|相場|天気|天候|景気).{0,12}(予想|予測|見通し|どうなる|上がる|下がる)",
            r"(来年度|来年|次年度|再来年).{0,30}(いくら|何円|何億|金額).{0,10}(配分|交付|もらえ)",
            r"(うちの|当|我が|本)(市|町|村|県|区).{0,20}(配分|交付)(額|される|されます)",
            # the figures of one named company are not in any public source the desk holds
            r"(株式会社|有限会社|合同会社|㈱|\(株\)|〇〇).{0,40}(数値|何%|何パーセント|実際の|いくら|売上高は|金額は)",
            r"(予想|予測|占)(して|しろ|せよ|しなさい|してください|を教えて)",
            r"(誰|だれ)が(当選|勝つ|勝ち|優勝)",
            r"(株式会社|有限会社|合同会社|㈱|\(株\)).{0,40}(載って|入って|掲載され|選ばれ|採択され)",
            r"\bguarantee",
            r"\b(predict|forecast)\b",
        ]
    )
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def looks_like_injection(text: str) -> bool:
    """True when the text asks to reveal, ignore or replace the desk's instructions."""
    folded = unicodedata.normalize("NFKC", text)
    return bool(_INJECTION.search(folded))


def unanswerable_intent(text: str) -> bool:
    """True for requests for a promise of approval, a forecast, or one body's future allocation."""
    return bool(_UNANSWERABLE.search(unicodedata.normalize("NFKC", text)))


def check_question(question: object, max_chars: int) -> str:
    """Return the stripped question or raise ``DeskError`` saying in Japanese what is wrong."""
    if not isinstance(question, str):
        raise DeskError(Code.INVALID_INPUT, "質問は文字列で入力してください。")
    text = question.strip()
    if not text:
        raise DeskError(Code.EMPTY_INPUT, "質問が空です。", "知りたいことを文章で入力してください。")
    if len(text) > max_chars:
        raise DeskError(
            Code.TOO_LONG,
            f"質問が長すぎます（{len(text):,}文字）。",
            f"{max_chars:,}文字以内で、要点をしぼって入力してください。",
        )
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 20):
        raise DeskError(Code.BINARY_INPUT, "質問に読めない文字（制御文字やバイナリ）が含まれています。", "文章で入力してください。")
    return _CONTROL.sub("", text)
