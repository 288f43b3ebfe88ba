"""The demo data set loaded by ``medcyber demo``: plain literals, no database access.

Everything here is fictitious: the names, membership numbers, medical-institution codes and
telephone numbers are made up for demonstrations and tests. Each record carries the natural
key the loader matches it by, so loading it again changes nothing:

- prefectural association: ``prefecture``; district association: ``(prefecture, name)``;
- member: ``membership_number``; user account: ``email``;
- facility: ``medical_institution_code`` when it has one, otherwise ``(name, kind)``;
- founder/manager link: ``(facility, member, valid_from)``; staff link: ``(facility, user,
  valid_from)``.

The demo accounts share one published password, and the staff accounts a published TOTP
secret each: they are for demonstration databases only (the command refuses to load them into
a production database).
"""

# The TOTP secrets below are published demo credentials, documented in the README.
# ruff: noqa: S106

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medcyber.accounts.roles import Role

from .choices import (
    FacilityKind,
    FacilityStaffRole,
    FacilityStatus,
    ManagementRelation,
    MemberClass,
    MemberStatus,
    Prefecture,
)

#: The one password of every demo account. It meets the staff rule of the guideline (13+
#: characters mixing letters with digits and symbols) and is not on the common-password list.
DEMO_PASSWORD = "Demo-Medcyber-2026"  # noqa: S105 - published demo credential

D = dt.date


@dataclass(frozen=True)
class AssociationData:
    prefecture: str
    name: str


@dataclass(frozen=True)
class DistrictData:
    name: str
    name_kana: str


@dataclass(frozen=True)
class MemberData:
    membership_number: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    member_class: str
    district: str  # DistrictData.name
    valid_from: dt.date
    valid_to: dt.date | None = None
    status: str = MemberStatus.ACTIVE
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class FacilityData:
    name: str
    name_kana: str
    kind: str
    medical_institution_code: str
    postal_code: str
    address: str
    phone: str
    prefecture: str = Prefecture.TOKYO
    status: str = FacilityStatus.ACTIVE


@dataclass(frozen=True)
class ManagementData:
    facility: str  # FacilityData.name
    membership_number: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    relation: str = ManagementRelation.FOUNDER_MANAGER


@dataclass(frozen=True)
class AccountData:
    email: str
    display_name: str
    role: str
    #: Base32 TOTP secret pre-enrolled for staff accounts (MFA is required before staff see
    #: any data); empty for the member-side accounts.
    totp_secret: str = ""
    #: The member record this account signs in for (Member.user).
    membership_number: str = ""
    #: The facility this account works for (FacilityStaff), with its role there.
    facility: str = ""
    facility_role: str = ""
    description: str = ""


# --- associations ---------------------------------------------------------------------------

PREFECTURAL = AssociationData(prefecture=Prefecture.TOKYO, name="東京都医師会")

BUNKYO = "文京区医師会"
SHINJUKU = "新宿区医師会"
SETAGAYA = "世田谷区医師会"
HACHIOJI = "八王子市医師会"

DISTRICTS: tuple[DistrictData, ...] = (
    DistrictData(BUNKYO, "ブンキョウクイシカイ"),
    DistrictData(SHINJUKU, "シンジュククイシカイ"),
    DistrictData(SETAGAYA, "セタガヤクイシカイ"),
    DistrictData(HACHIOJI, "ハチオウジシイシカイ"),
)

# --- members (REG-1) ------------------------------------------------------------------------

#: The A① member the ``member@`` demo account signs in as; manages three facilities.
DEMO_MEMBER_NUMBER = "1305001"

A1, A2B, A2C, B, C = (
    MemberClass.A1,
    MemberClass.A2B,
    MemberClass.A2C,
    MemberClass.B,
    MemberClass.C,
)

MEMBERS: tuple[MemberData, ...] = (
    # A① — founders/managers of hospitals and clinics (the programme's participants)
    MemberData(
        DEMO_MEMBER_NUMBER, "佐藤", "健一", "サトウ", "ケンイチ", A1, BUNKYO, D(1998, 4, 1),
        email="member@demo.medcyber.jp", phone="03-3821-4157",
    ),
    MemberData(
        "1305002", "鈴木", "美穂", "スズキ", "ミホ", A1, BUNKYO, D(2003, 6, 1),
        email="suzuki.miho@bunkyo-chuo.example.jp", phone="03-3813-5501",
    ),
    MemberData("1305003", "高橋", "誠", "タカハシ", "マコト", A1, BUNKYO, D(2005, 4, 1)),
    MemberData(
        "1304001", "田中", "裕子", "タナカ", "ユウコ", A1, SHINJUKU, D(1995, 10, 1),
        email="tanaka.yuko@shinjuku-nishiguchi.example.jp",
    ),
    MemberData(
        "1304002", "伊藤", "隆", "イトウ", "タカシ", A1, SHINJUKU, D(2001, 4, 1),
        phone="03-3357-0812",
    ),
    MemberData("1304003", "渡辺", "直樹", "ワタナベ", "ナオキ", A1, SHINJUKU, D(2009, 7, 1)),
    MemberData(
        "1312001", "山本", "和子", "ヤマモト", "カズコ", A1, SETAGAYA, D(1992, 4, 1),
        email="yamamoto.kazuko@setagaya-sogo.example.jp", phone="03-3411-2233",
    ),
    MemberData("1312002", "中村", "大輔", "ナカムラ", "ダイスケ", A1, SETAGAYA, D(2012, 4, 1)),
    MemberData(
        "1312003", "小林", "恵", "コバヤシ", "メグミ", A1, SETAGAYA, D(2007, 4, 1),
        email="kobayashi.megumi@futako-ladies.example.jp",
    ),
    MemberData(
        "1342001", "加藤", "修", "カトウ", "オサム", A1, HACHIOJI, D(1988, 4, 1),
        phone="042-635-1180",
    ),
    MemberData("1342002", "吉田", "正人", "ヨシダ", "マサト", A1, HACHIOJI, D(2014, 4, 1)),
    # A②(B) — employed doctors
    MemberData(
        "1305101", "松本", "亮", "マツモト", "リョウ", A2B, BUNKYO, D(2016, 4, 1),
        email="matsumoto.ryo@bunkyo-chuo.example.jp",
    ),
    MemberData("1304101", "井上", "彩", "イノウエ", "アヤ", A2B, SHINJUKU, D(2018, 4, 1)),
    MemberData("1312101", "木村", "拓也", "キムラ", "タクヤ", A2B, SETAGAYA, D(2015, 10, 1)),
    # A②(C) — residents
    MemberData("1305201", "林", "美咲", "ハヤシ", "ミサキ", A2C, BUNKYO, D(2024, 4, 1)),
    MemberData("1342201", "清水", "翔太", "シミズ", "ショウタ", A2C, HACHIOJI, D(2025, 4, 1)),
    # B
    MemberData(
        "1304301", "山崎", "浩", "ヤマザキ", "ヒロシ", B, SHINJUKU, D(1985, 4, 1),
        phone="03-3200-7741",
    ),
    MemberData("1342301", "森", "由美子", "モリ", "ユミコ", B, HACHIOJI, D(1999, 4, 1)),
    # C
    MemberData("1305401", "橋本", "千尋", "ハシモト", "チヒロ", C, BUNKYO, D(2023, 4, 1)),
    MemberData(
        "1312401", "池田", "聡", "イケダ", "サトシ", C, SETAGAYA, D(2021, 4, 1),
        valid_to=D(2024, 3, 31), status=MemberStatus.WITHDRAWN,
    ),
)  # fmt: skip

# --- facilities (REG-2) ---------------------------------------------------------------------

HOSPITAL = FacilityKind.HOSPITAL
CLINIC = FacilityKind.CLINIC
CARE = FacilityKind.CARE_FACILITY
OTHER = FacilityKind.OTHER

#: The member's main facility; the facility-admin and facility-staff demo accounts work here.
DEMO_FACILITY = "本駒込内科クリニック"

FACILITIES: tuple[FacilityData, ...] = (
    # 文京区
    FacilityData(
        DEMO_FACILITY, "ホンコマゴメナイカクリニック", CLINIC, "1310512345",
        "113-0021", "東京都文京区本駒込3-18-5", "03-3821-4157",
    ),
    FacilityData(
        "介護老人保健施設 こまごめの杜", "カイゴロウジンホケンシセツ コマゴメノモリ", CARE, "",
        "113-0021", "東京都文京区本駒込5-40-12", "03-3821-6620",
    ),
    FacilityData(
        "本駒込訪問看護ステーション", "ホンコマゴメホウモンカンゴステーション", CARE, "",
        "113-0021", "東京都文京区本駒込2-9-3", "03-3821-7781",
    ),
    FacilityData(
        "文京中央病院", "ブンキョウチュウオウビョウイン", HOSPITAL, "1310500218",
        "113-0033", "東京都文京区本郷3-26-4", "03-3813-5501",
    ),
    FacilityData(
        "特別養護老人ホーム 文京さくら苑", "トクベツヨウゴロウジンホーム ブンキョウサクラエン",
        CARE, "", "112-0011", "東京都文京区千石4-12-9", "03-3946-3310",
    ),
    FacilityData(
        "白山診療所", "ハクサンシンリョウジョ", CLINIC, "1310521187",
        "112-0001", "東京都文京区白山5-1-15", "03-3811-2046",
    ),
    FacilityData(
        "小石川こどもクリニック", "コイシカワコドモクリニック", CLINIC, "1310533409",
        "112-0002", "東京都文京区小石川2-3-22", "03-3814-8870",
    ),
    FacilityData(
        "千駄木耳鼻咽喉科", "センダギジビインコウカ", CLINIC, "1310540562",
        "113-0022", "東京都文京区千駄木3-41-8", "03-3822-1419",
    ),
    FacilityData(
        "湯島診療所", "ユシマシンリョウジョ", CLINIC, "1310508831",
        "113-0034", "東京都文京区湯島3-31-7", "03-3831-5092", status=FacilityStatus.CLOSED,
    ),
    # 新宿区
    FacilityData(
        "新宿西口病院", "シンジュクニシグチビョウイン", HOSPITAL, "1310400127",
        "160-0023", "東京都新宿区西新宿7-5-20", "03-3363-1101",
    ),
    FacilityData(
        "新宿西口健康管理センター", "シンジュクニシグチケンコウカンリセンター", OTHER, "",
        "160-0023", "東京都新宿区西新宿1-22-2", "03-3344-6075",
    ),
    FacilityData(
        "グループホーム にしぐち", "グループホーム ニシグチ", CARE, "",
        "169-0074", "東京都新宿区北新宿2-14-6", "03-3371-4428",
    ),
    FacilityData(
        "四谷眼科医院", "ヨツヤガンカイイン", CLINIC, "1310411356",
        "160-0004", "東京都新宿区四谷1-6-1", "03-3357-0812",
    ),
    FacilityData(
        "神楽坂内科クリニック", "カグラザカナイカクリニック", CLINIC, "1310427740",
        "162-0825", "東京都新宿区神楽坂3-2-10", "03-3260-5518",
    ),
    FacilityData(
        "高田馬場整形外科クリニック", "タカダノババセイケイゲカクリニック", CLINIC, "1310435093",
        "169-0075", "東京都新宿区高田馬場1-28-10", "03-3208-3366",
    ),
    FacilityData(
        "高田馬場リハビリデイサービス", "タカダノババリハビリデイサービス", CARE, "",
        "169-0075", "東京都新宿区高田馬場3-4-11", "03-3208-9051",
    ),
    # 世田谷区
    FacilityData(
        "世田谷総合病院", "セタガヤソウゴウビョウイン", HOSPITAL, "1311200046",
        "154-0004", "東京都世田谷区太子堂4-22-1", "03-3411-2233",
    ),
    FacilityData(
        "介護老人保健施設 せたがやの丘", "カイゴロウジンホケンシセツ セタガヤノオカ", CARE, "",
        "157-0066", "東京都世田谷区成城8-5-3", "03-3416-7702",
    ),
    FacilityData(
        "成城学園前クリニック", "セイジョウガクエンマエクリニック", CLINIC, "1311218824",
        "157-0066", "東京都世田谷区成城6-8-2", "03-3483-1907",
    ),
    FacilityData(
        "三軒茶屋皮膚科クリニック", "サンゲンジャヤヒフカクリニック", CLINIC, "1311226671",
        "154-0024", "東京都世田谷区三軒茶屋2-11-20", "03-3424-8113",
    ),
    FacilityData(
        "訪問看護ステーション さんちゃ", "ホウモンカンゴステーション サンチャ", CARE, "",
        "154-0024", "東京都世田谷区三軒茶屋1-35-9", "03-3487-2260",
    ),
    FacilityData(
        "二子玉川レディースクリニック", "フタコタマガワレディースクリニック", CLINIC, "1311239958",
        "158-0094", "東京都世田谷区玉川2-21-1", "03-3700-4145",
    ),
    FacilityData(
        "用賀病院", "ヨウガビョウイン", HOSPITAL, "1311204317",
        "158-0097", "東京都世田谷区用賀4-10-3", "03-3707-3011",
    ),
    FacilityData(
        "経堂内科クリニック", "キョウドウナイカクリニック", CLINIC, "1311241285",
        "156-0052", "東京都世田谷区経堂1-19-8", "03-3429-6634",
    ),
    # 八王子市
    FacilityData(
        "八王子南病院", "ハチオウジミナミビョウイン", HOSPITAL, "1314200093",
        "192-0916", "東京都八王子市みなみ野5-2-1", "042-635-1180",
    ),
    FacilityData(
        "特別養護老人ホーム 高尾の里", "トクベツヨウゴロウジンホーム タカオノサト", CARE, "",
        "193-0844", "東京都八王子市高尾町1580-2", "042-661-5527",
    ),
    FacilityData(
        "八王子みなみ居宅介護支援事業所", "ハチオウジミナミキョタクカイゴシエンジギョウショ",
        CARE, "", "192-0916", "東京都八王子市みなみ野1-6-12", "042-637-0934",
    ),
    FacilityData(
        "八王子駅前内科クリニック", "ハチオウジエキマエナイカクリニック", CLINIC, "1314215506",
        "192-0083", "東京都八王子市旭町9-1", "042-642-7719",
    ),
    FacilityData(
        "南大沢ファミリークリニック", "ミナミオオサワファミリークリニック", CLINIC, "1314228847",
        "192-0364", "東京都八王子市南大沢2-25", "042-670-3381",
    ),
    FacilityData(
        "八王子ヘルパーステーション", "ハチオウジヘルパーステーション", CARE, "",
        "192-0046", "東京都八王子市明神町4-7-3", "042-648-2205",
    ),
)  # fmt: skip

# --- founders/managers (開設・管理) -----------------------------------------------------------

MANAGER = ManagementRelation.MANAGER
FOUNDER = ManagementRelation.FOUNDER

#: In load order: a facility's ended link comes before the link that follows it.
MANAGEMENTS: tuple[ManagementData, ...] = (
    # 佐藤 健一 (the member demo account): three facilities
    ManagementData(DEMO_FACILITY, DEMO_MEMBER_NUMBER, D(2004, 5, 1)),
    ManagementData("介護老人保健施設 こまごめの杜", DEMO_MEMBER_NUMBER, D(2012, 4, 1)),
    ManagementData(
        "本駒込訪問看護ステーション", DEMO_MEMBER_NUMBER, D(2019, 10, 1), relation=FOUNDER
    ),
    # 鈴木 美穂
    ManagementData("文京中央病院", "1305002", D(2010, 4, 1), relation=MANAGER),
    ManagementData("特別養護老人ホーム 文京さくら苑", "1305002", D(2015, 4, 1)),
    ManagementData("白山診療所", "1305002", D(2018, 7, 1)),
    # 高橋 誠: a closed clinic, then two current ones
    ManagementData("湯島診療所", "1305003", D(2006, 4, 1), valid_to=D(2021, 3, 31)),
    ManagementData("小石川こどもクリニック", "1305003", D(2011, 5, 1)),
    ManagementData("千駄木耳鼻咽喉科", "1305003", D(2021, 4, 1)),
    # 田中 裕子
    ManagementData("新宿西口病院", "1304001", D(2002, 4, 1)),
    ManagementData("新宿西口健康管理センター", "1304001", D(2008, 10, 1), relation=MANAGER),
    ManagementData("グループホーム にしぐち", "1304001", D(2016, 4, 1), relation=FOUNDER),
    # 伊藤 隆
    ManagementData("四谷眼科医院", "1304002", D(2003, 4, 1)),
    ManagementData("神楽坂内科クリニック", "1304002", D(2017, 9, 1)),
    # 渡辺 直樹
    ManagementData("高田馬場整形外科クリニック", "1304003", D(2013, 4, 1)),
    ManagementData("高田馬場リハビリデイサービス", "1304003", D(2020, 6, 1)),
    # 山本 和子
    ManagementData("世田谷総合病院", "1312001", D(1999, 4, 1)),
    ManagementData("介護老人保健施設 せたがやの丘", "1312001", D(2006, 4, 1)),
    ManagementData("成城学園前クリニック", "1312001", D(2014, 11, 1)),
    # 中村 大輔
    ManagementData("三軒茶屋皮膚科クリニック", "1312002", D(2016, 5, 1)),
    ManagementData("訪問看護ステーション さんちゃ", "1312002", D(2022, 4, 1), relation=FOUNDER),
    # 小林 恵
    ManagementData("二子玉川レディースクリニック", "1312003", D(2011, 4, 1)),
    ManagementData("用賀病院", "1312003", D(2019, 4, 1), relation=MANAGER),
    ManagementData("経堂内科クリニック", "1312003", D(2023, 1, 4)),
    # 加藤 修: handed 八王子駅前内科クリニック over to 吉田 正人 in 2019
    ManagementData("八王子南病院", "1342001", D(1994, 4, 1)),
    ManagementData("特別養護老人ホーム 高尾の里", "1342001", D(2001, 4, 1)),
    ManagementData("八王子みなみ居宅介護支援事業所", "1342001", D(2009, 4, 1)),
    ManagementData("八王子駅前内科クリニック", "1342001", D(1996, 4, 1), valid_to=D(2019, 3, 31)),
    # 吉田 正人
    ManagementData("八王子駅前内科クリニック", "1342002", D(2019, 4, 1)),
    ManagementData("南大沢ファミリークリニック", "1342002", D(2021, 10, 1)),
    ManagementData("八王子ヘルパーステーション", "1342002", D(2023, 4, 1), relation=FOUNDER),
)  # fmt: skip

# --- demo accounts: one per role --------------------------------------------------------------

DEMO_EMAIL_DOMAIN = "demo.medcyber.jp"
#: The member-side accounts' facility links start on this date.
STAFF_LINKS_FROM = D(2024, 4, 1)

ACCOUNTS: tuple[AccountData, ...] = (
    AccountData(
        f"member@{DEMO_EMAIL_DOMAIN}", "佐藤 健一", Role.MEMBER,
        membership_number=DEMO_MEMBER_NUMBER,
        description="A①会員 佐藤 健一（3施設の開設者・管理者）",
    ),
    AccountData(
        f"facility-admin@{DEMO_EMAIL_DOMAIN}", "岡田 真理", Role.FACILITY_ADMIN,
        facility=DEMO_FACILITY, facility_role=FacilityStaffRole.ADMIN,
        description=f"{DEMO_FACILITY}の施設管理者",
    ),
    AccountData(
        f"facility-staff@{DEMO_EMAIL_DOMAIN}", "石井 優花", Role.FACILITY_STAFF,
        facility=DEMO_FACILITY, facility_role=FacilityStaffRole.STAFF,
        description=f"{DEMO_FACILITY}の職員",
    ),
    AccountData(
        f"tier1@{DEMO_EMAIL_DOMAIN}", "前田 結衣", Role.DESK_TIER1,
        totp_secret="MEDCYBERDEMOTIERONEAAAAAAAAAAAAA", description="相談窓口 1次対応",
    ),
    AccountData(
        f"tier2@{DEMO_EMAIL_DOMAIN}", "藤田 剛", Role.DESK_TIER2,
        totp_secret="MEDCYBERDEMOTIERTWOAAAAAAAAAAAAA", description="相談窓口 2次対応",
    ),
    AccountData(
        f"reviewer@{DEMO_EMAIL_DOMAIN}", "岡本 沙織", Role.CLAIMS_REVIEWER,
        totp_secret="MEDCYBERDEMOREVIEWERAAAAAAAAAAAA", description="支援金審査担当",
    ),
    AccountData(
        f"approver@{DEMO_EMAIL_DOMAIN}", "長谷川 勉", Role.CLAIMS_APPROVER,
        totp_secret="MEDCYBERDEMOAPPROVERAAAAAAAAAAAA", description="支援金承認者",
    ),
    AccountData(
        f"editor@{DEMO_EMAIL_DOMAIN}", "村上 智子", Role.CONTENT_EDITOR,
        totp_secret="MEDCYBERDEMOEDITORAAAAAAAAAAAAAA", description="コンテンツ編集者",
    ),
    AccountData(
        f"admin@{DEMO_EMAIL_DOMAIN}", "近藤 誠司", Role.ASSOCIATION_ADMIN,
        totp_secret="MEDCYBERDEMOADMINAAAAAAAAAAAAAAA", description="医師会管理者（管理画面）",
    ),
    AccountData(
        f"auditor@{DEMO_EMAIL_DOMAIN}", "坂本 恵子", Role.AUDITOR,
        totp_secret="MEDCYBERDEMOAUDITORAAAAAAAAAAAAA", description="監査担当",
    ),
)  # fmt: skip
