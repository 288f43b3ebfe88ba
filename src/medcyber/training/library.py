"""The programme's own library of Japanese training e-mails (TRAIN-1).

Written for medcyber after the attacks Japanese clinics actually receive. Each mail names the
signs a careful reader could have spotted; the teaching page shows them for that very mail.
Sender domains are under ``.invalid`` (RFC 2606): they can never belong to anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Difficulty, TemplateKind

SENDER_DOMAIN = "training.invalid"


@dataclass(frozen=True)
class LibraryTemplate:
    slug: str
    name: str
    kind: str
    difficulty: int
    sender_name: str
    sender_local_part: str
    subject: str
    body_text: str
    link_label: str
    signs: tuple[str, ...]
    has_login_form: bool = False
    login_form_title: str = ""
    attachment_kind: str = ""
    attachment_name: str = ""


LIBRARY: tuple[LibraryTemplate, ...] = (
    LibraryTemplate(
        slug="emotet-reply",
        name="過去のやり取りへの返信（Emotet型）",
        kind=TemplateKind.EMOTET_REPLY,
        difficulty=Difficulty.HARD,
        sender_name="地域連携室 田中",
        sender_local_part="renkei-tanaka",
        subject="Re: 【ご確認】紹介状の返書について",
        body_text=(
            "{{ recipient_name }} 様\n\n"
            "いつもお世話になっております。\n"
            "先日ご依頼いただいた件、修正版の資料を共有いたします。\n"
            "お手数ですが、下記よりご確認のうえ、本日中にご返信ください。\n\n"
            "{{ link }}\n\n"
            "パスワードは別途お送りします。\n\n"
            "> -----Original Message-----\n"
            "> 件名: 【ご確認】紹介状の返書について\n"
            "> {{ facility_name }} 御中"
        ),
        link_label="修正版の資料を開く",
        signs=(
            "差出人の表示名は知っている人でも、メールアドレスのドメインが取引先のものではありません。",
            "過去のやり取りを引用していても、話の流れと関係のない「資料の確認」を急がせています。",
            "「パスワードは別途送る」は、ウイルス対策ソフトの検査をすり抜ける添付ファイルの典型的な手口です。",
            "本日中の返信を求めるなど、考える時間を与えない書き方です。",
        ),
    ),
    LibraryTemplate(
        slug="delivery-notice",
        name="不在配達通知",
        kind=TemplateKind.DELIVERY,
        difficulty=Difficulty.EASY,
        sender_name="配送センター",
        sender_local_part="delivery-info",
        subject="お荷物お届けにあがりましたが不在のため持ち帰りました",
        body_text=(
            "{{ facility_name }} {{ recipient_name }} 様\n\n"
            "お荷物をお届けにあがりましたが、ご不在でしたので持ち帰りました。\n"
            "再配達のご依頼は、下記よりお手続きください。\n"
            "保管期限を過ぎますと差出人へ返送いたします。\n\n"
            "{{ link }}\n\n"
            "※このメールは送信専用です。"
        ),
        link_label="再配達を依頼する",
        signs=(
            "送り状番号も荷物の中身も書かれていません。本物の不在通知には必ずあります。",
            "宅配業者は、不在通知をメールで初めて送ることはほとんどありません。",
            "「保管期限を過ぎると返送」と急がせています。",
            "リンク先のアドレスが配送業者の公式サイトのものではありません。",
        ),
    ),
    LibraryTemplate(
        slug="fake-invoice",
        name="請求書の送付",
        kind=TemplateKind.INVOICE,
        difficulty=Difficulty.MEDIUM,
        sender_name="医療材料 株式会社 経理部",
        sender_local_part="keiri",
        subject="【請求書送付】{{ today }}ご請求分のご案内",
        body_text=(
            "{{ facility_name }}\n{{ department }} {{ recipient_name }} 様\n\n"
            "平素は格別のお引き立てを賜り、誠にありがとうございます。\n"
            "今月分のご請求書を発行いたしました。\n"
            "お支払期日が迫っておりますので、下記よりご確認をお願いいたします。\n\n"
            "{{ link }}\n\n"
            "なお、振込先口座が変更となっておりますのでご注意ください。"
        ),
        link_label="請求書を確認する",
        signs=(
            "取引のない会社名、または取引先でもいつもと違う差出人アドレスです。",
            "「振込先口座が変更になった」は、振り込め詐欺（ビジネスメール詐欺）の典型的な文言です。",
            "請求書の金額も番号も本文に書かれていません。",
            "支払期日が迫っていると急がせています。",
            "見覚えのない請求書が添付されています。本物の攻撃では、添付ファイルを開くだけで感染することがあります。",
        ),
        attachment_kind="pdf",
        attachment_name="ご請求書.pdf",
    ),
    LibraryTemplate(
        slug="account-warning",
        name="アカウントの警告",
        kind=TemplateKind.ACCOUNT,
        difficulty=Difficulty.MEDIUM,
        sender_name="メールシステム管理者",
        sender_local_part="mail-admin",
        subject="【重要】メールボックスの容量超過により受信が停止されます",
        body_text=(
            "{{ recipient_name }} 様\n\n"
            "お使いのメールボックスの容量が上限を超えました。\n"
            "24時間以内に本人確認を行わない場合、メールの受信が停止されます。\n\n"
            "{{ link }}\n\n"
            "{{ facility_name }} 情報システム担当"
        ),
        link_label="本人確認を行う",
        signs=(
            "院内の情報システム担当は、メールのリンクからパスワードの入力を求めません。",
            "「24時間以内」「停止されます」と脅して急がせています。",
            "差出人アドレスが院内のドメインではありません。",
            "リンク先のログイン画面のアドレスが、いつも使うシステムのものではありません。",
        ),
        has_login_form=True,
        login_form_title="メールシステム ログイン",
    ),
    LibraryTemplate(
        slug="authority-notice",
        name="厚生労働省・医師会を装う通知",
        kind=TemplateKind.AUTHORITY,
        difficulty=Difficulty.HARD,
        sender_name="厚生労働省 医政局",
        sender_local_part="isei-info",
        subject="【至急】医療機関におけるサイバーセキュリティ対策状況の調査について",
        body_text=(
            "{{ facility_name }} 御中\n"
            "{{ recipient_name }} 様\n\n"
            "医療法施行規則の改正に伴い、全ての医療機関を対象に\n"
            "サイバーセキュリティ対策状況の緊急調査を実施しております。\n"
            "下記の調査システムにログインし、今週中にご回答ください。\n"
            "回答のない医療機関は立入検査の対象となる場合があります。\n\n"
            "{{ link }}"
        ),
        link_label="調査システムにログインする",
        signs=(
            "行政からの調査は、通常は都道府県や医師会を通じて文書で届きます。",
            "差出人アドレスが mhlw.go.jp や med.or.jp ではありません。",
            "「立入検査の対象」と不安をあおって急がせています。",
            "調査への回答のためにパスワードの入力を求めています。",
        ),
        has_login_form=True,
        login_form_title="医療機関 調査回答システム",
    ),
)
