"""``medcyber registry import``: what a new association staff member sees on the command line."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from medcyber.core.models import AuditEvent
from medcyber.registry.management.commands.registry import japanese_argparse_message
from medcyber.registry.models import Member

# A real-looking file as the association's system writes it: Shift_JIS (CP932), CRLF, a mix
# of widths, hiragana in kana columns, Japanese-era dates — and three bad rows.
ASSOCIATION_FILE = """\
会員番号,氏,名,氏カナ,名カナ,会員種別,都道府県,郡市区医師会,状態,入会日,退会日,メールアドレス,電話番号
1300001,山田,太郎,ヤマダ,タロウ,A①,東京都,文京区医師会,在籍,平成22年4月1日,,yamada@example.jp,03-3946-2121
１３００００２,鈴木,花子,すずき,はなこ,Ａ②（Ｂ）,東京都,文京区医師会,在籍,2015/4/1,,,０９０１２３４５６７８
1300003,佐藤,一郎,ｻﾄｳ,ｲﾁﾛｳ,B,神奈川県,,在籍,2023-02-30,,,
1300004,高橋,美咲,タカハシ,ミサキ,D,大阪府,,在籍,2019-05-01,,,
1300005,田中,健,Tanaka,ケン,C,北海道,,在籍,令和2年10月1日,,,011-231-4111
1300006,伊藤,誠,イトウ,マコト,A①,福岡県,,退会,令和元年5月1日,令和6年3月31日,,
"""


def association_file(tmp_path: Path) -> Path:
    path = tmp_path / "会員一覧.csv"
    path.write_bytes(ASSOCIATION_FILE.replace("\n", "\r\n").encode("cp932"))
    return path


def registry(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("registry", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("db")
def test_a_dry_run_of_a_cp932_file_lists_every_bad_row_in_japanese(tmp_path: Path) -> None:
    err = StringIO()
    with pytest.raises(CommandError, match="取り込めない行が 3 行あります。何も変更していません"):
        call_command(
            "registry",
            "import",
            "--kind",
            "members",
            str(association_file(tmp_path)),
            "--dry-run",
            stdout=StringIO(),
            stderr=err,
        )
    text = err.getvalue()
    assert "確認のみ（登録内容は変更していません）" in text
    assert "新規（予定）: 3" in text
    assert "4行目 入会日「2023-02-30」: 2023年2月30日という日付はありません。" in text
    assert "5行目 会員種別「D」: 会員種別が分かりません。" in text
    assert "6行目 氏カナ「Tanaka」: フリガナは全角カタカナで入力してください。" in text
    assert not Member.unscoped.exists()


@pytest.mark.usefixtures("db")
def test_the_report_csv_lists_line_column_value_and_reason(tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    with pytest.raises(CommandError):
        registry(
            "import", "--kind", "members", str(association_file(tmp_path)), "--report", str(report)
        )
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["行", "列", "値", "理由"]
    assert rows[1] == ["4", "入会日", "2023-02-30", "2023年2月30日という日付はありません。"]
    assert len(rows) == 4
    assert not Member.unscoped.exists()
    assert AuditEvent.objects.get(action="registry.import").changes["applied"] is False


@pytest.mark.usefixtures("db")
def test_valid_only_imports_the_rest_as_system_cli(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="取り込めない 3 行を除いて取り込みました"):
        registry("import", "--kind", "members", str(association_file(tmp_path)), "--valid-only")
    suzuki = Member.unscoped.get(membership_number="1300002")
    assert (suzuki.family_name_kana, suzuki.member_class, suzuki.phone) == (
        "スズキ",
        "A2B",
        "090-1234-5678",
    )
    ito = Member.unscoped.get(membership_number="1300006")
    assert (ito.status, str(ito.valid_to)) == ("withdrawn", "2024-03-31")
    event = AuditEvent.objects.get(action="registry.import")
    assert event.actor_label == "system:cli"
    assert event.changes["created"] == 3


@pytest.mark.usefixtures("db")
def test_a_clean_file_prints_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    lines = ASSOCIATION_FILE.splitlines()
    path.write_text("\n".join([lines[0], lines[1], lines[2]]), encoding="utf-8-sig")
    out, _err = registry("import", "--kind", "members", str(path))
    assert "取り込み済み" in out
    assert "新規: 2" in out
    out, _err = registry("import", "--kind", "members", str(path))
    assert "変更なし: 2" in out


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--kind", "doctors", "x.csv"], "--kind には members、facilities、links"),
        (
            ["--kind", "members", "missing.csv"],
            "取り込めません: ファイル「missing.csv」を開けません",
        ),
        (["--kind", "links", "--full", "x.csv"], "会員か施設の取り込みでだけ使えます"),
    ],
)
def test_bad_arguments_are_refused_in_japanese(args: list[str], reason: str) -> None:
    with pytest.raises(CommandError, match=reason):
        registry("import", *args)


def test_the_console_script_exits_non_zero_with_the_reason_on_stderr(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MEDCYBER_DATA_DIR"] = str(tmp_path / "var")
    script = Path(sys.executable).parent / "medcyber"
    result = subprocess.run(
        [str(script), "registry", "import", "--kind", "members", str(empty)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "ファイルが空です（0バイト）" in result.stderr
    assert result.stdout == ""


# --- a malformed command line (argparse) -------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "japanese"),
    [
        (
            "the following arguments are required: --kind, FILE",
            "必要な引数がありません: --kind, FILE",
        ),
        ("unrecognized arguments: --bogus", "使えない引数があります: --bogus"),
        (
            "argument {import,export}: invalid choice: 'impor' (choose from 'import', 'export')",
            "{import,export} に「impor」は指定できません。"
            "import, export のいずれかを指定してください。",
        ),
        ("argument --kind: expected one argument", "--kind の後に値を1つ指定してください。"),
        (
            "argument --dry-run: ignored explicit argument 'x'",
            "--dry-run には値（x）を付けられません。",
        ),
        (
            "ambiguous option: --val could match --valid-only, --value",
            "--val は複数のオプション（--valid-only, --value）に当てはまります。",
        ),
        ("something new", "コマンドラインが正しくありません（something new）。"),
    ],
)
def test_argparse_messages_are_put_in_japanese(message: str, japanese: str) -> None:
    assert japanese_argparse_message(message) == japanese


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["import", "--kind"], "--kind の後に値を1つ指定してください。"),
        (["export", "--kind", "members"], "必要な引数がありません: --output"),
    ],
)
def test_a_malformed_command_line_is_refused_in_japanese(args: list[str], reason: str) -> None:
    with pytest.raises(CommandError, match=reason):
        registry(*args)


def test_the_console_script_explains_a_malformed_command_line_in_japanese() -> None:
    script = Path(sys.executable).parent / "medcyber"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [str(script), "registry", "import", "--kind", "members"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("使い方: medcyber registry import")
    assert "エラー: 必要な引数がありません: FILE" in result.stderr
    assert "medcyber registry --help" in result.stderr
