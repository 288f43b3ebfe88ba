"""What a member should do right now, per category (shown on the web form and the case page)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import Category

GUIDANCE: dict[str, list[str | Promise]] = {
    Category.NETWORK_DOWN: [
        _("ルーターやパソコンの電源を入れ直す前に、ランプの色や画面の表示を写真に撮ってください。"),
        _(
            "電子カルテやレセプトの端末で見慣れない画面が出ている場合は、LANケーブルを抜いてください。"
        ),
        _("回線事業者や保守業者にも連絡し、工事や障害の情報がないか確認してください。"),
    ],
    Category.DIAGNOSIS: [
        _("急ぎでなければ、このフォームで相談内容を送ってください。担当者から日程を相談します。"),
        _("使っている機器（ルーター、電子カルテ、VPN装置など）の名前がわかると話が早く進みます。"),
    ],
    Category.PC_TAKEOVER: [
        _(
            "そのパソコンのLANケーブルを抜き、Wi-Fiを切ってください。電源は切らずにそのままにしてください。"
        ),
        _("画面に出ているメッセージや電話番号に連絡したり、指示に従ったりしないでください。"),
        _("遠隔操作のソフトを入れてしまった場合は、そのことも書いてください。"),
    ],
    Category.CYBER_ATTACK: [
        _("すぐにネットワークケーブルを抜き、被害のある機器をネットワークから切り離してください。"),
        _("身代金は支払わないでください。犯人と連絡を取らないでください。"),
        _("脅迫文や画面表示は消さずにそのまま残し、スマートフォンで写真を撮ってください。"),
        _("診療が止まっている場合は、このフォームではなく相談窓口に電話してください。"),
    ],
    Category.GUIDELINE: [
        _("ガイドラインの章や項目、立入検査のチェックリストの番号がわかれば書いてください。"),
    ],
    Category.OTHER: [
        _("わかる範囲で、いつ、どの機器で、何が起きたかを書いてください。"),
    ],
}


def guidance_for(category: str) -> list[str | Promise]:
    return GUIDANCE.get(category, [])
