"""Fixed code lists of the registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Prefecture(models.TextChoices):
    """JIS X 0401 prefecture codes."""

    HOKKAIDO = "01", _("北海道")
    AOMORI = "02", _("青森県")
    IWATE = "03", _("岩手県")
    MIYAGI = "04", _("宮城県")
    AKITA = "05", _("秋田県")
    YAMAGATA = "06", _("山形県")
    FUKUSHIMA = "07", _("福島県")
    IBARAKI = "08", _("茨城県")
    TOCHIGI = "09", _("栃木県")
    GUNMA = "10", _("群馬県")
    SAITAMA = "11", _("埼玉県")
    CHIBA = "12", _("千葉県")
    TOKYO = "13", _("東京都")
    KANAGAWA = "14", _("神奈川県")
    NIIGATA = "15", _("新潟県")
    TOYAMA = "16", _("富山県")
    ISHIKAWA = "17", _("石川県")
    FUKUI = "18", _("福井県")
    YAMANASHI = "19", _("山梨県")
    NAGANO = "20", _("長野県")
    GIFU = "21", _("岐阜県")
    SHIZUOKA = "22", _("静岡県")
    AICHI = "23", _("愛知県")
    MIE = "24", _("三重県")
    SHIGA = "25", _("滋賀県")
    KYOTO = "26", _("京都府")
    OSAKA = "27", _("大阪府")
    HYOGO = "28", _("兵庫県")
    NARA = "29", _("奈良県")
    WAKAYAMA = "30", _("和歌山県")
    TOTTORI = "31", _("鳥取県")
    SHIMANE = "32", _("島根県")
    OKAYAMA = "33", _("岡山県")
    HIROSHIMA = "34", _("広島県")
    YAMAGUCHI = "35", _("山口県")
    TOKUSHIMA = "36", _("徳島県")
    KAGAWA = "37", _("香川県")
    EHIME = "38", _("愛媛県")
    KOCHI = "39", _("高知県")
    FUKUOKA = "40", _("福岡県")
    SAGA = "41", _("佐賀県")
    NAGASAKI = "42", _("長崎県")
    KUMAMOTO = "43", _("熊本県")
    OITA = "44", _("大分県")
    MIYAZAKI = "45", _("宮崎県")
    KAGOSHIMA = "46", _("鹿児島県")
    OKINAWA = "47", _("沖縄県")


class MemberClass(models.TextChoices):
    A1 = "A1", _("A①会員")
    A2B = "A2B", _("A②(B)会員")
    A2C = "A2C", _("A②(C)会員")
    B = "B", _("B会員")
    C = "C", _("C会員")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在籍")
    SUSPENDED = "suspended", _("停止中")
    WITHDRAWN = "withdrawn", _("退会")
    DECEASED = "deceased", _("死亡退会")


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("病院")
    CLINIC = "clinic", _("診療所")
    CARE_FACILITY = "care_facility", _("介護サービス施設・事業所")
    OTHER = "other", _("その他")


class FacilityStatus(models.TextChoices):
    ACTIVE = "active", _("運営中")
    CLOSED = "closed", _("廃止")


class ManagementRelation(models.TextChoices):
    FOUNDER = "founder", _("開設者")
    MANAGER = "manager", _("管理者")
    FOUNDER_MANAGER = "founder_manager", _("開設者・管理者")


class FacilityStaffRole(models.TextChoices):
    ADMIN = "facility_admin", _("施設管理者")
    STAFF = "facility_staff", _("施設職員")
