from __future__ import annotations

import time

import pytest
from django.utils import translation

from novator.core.models import ActivityLog
from novator.organizations.identifiers import make_inn, make_ogrn
from novator.organizations.importing import (
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    apply_plan,
    build_plan,
    read_table,
    reader,
)
from novator.organizations.models import Organization
from novator.organizations.tests import files
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def plan_of(data: bytes, actor=None):
    return build_plan(read_table(data), actor=actor)


def actions(plan):
    return [row.action for row in plan.rows]


def import_file(data: bytes, actor=None):
    plan = plan_of(data, actor)
    return plan, apply_plan(plan, actor=actor)


# --- headers and cells -----------------------------------------------------------------------------


def test_headers_in_any_order_with_aliases_and_english_names(municipality):
    row = files.org_row()
    aliases = {
        "Эл. почта": "Электронная почта",
        "Краткое наименование": "Сокращённое наименование",
        "Подтип": "Тип",
        "Вид": "Тип организации",
        "Руководитель": "ФИО руководителя",
    }
    renamed = {aliases.get(k, k): v for k, v in reversed(list(row.items()))}
    renamed["  инн "] = renamed.pop("ИНН")  # spaces and case do not matter
    renamed["ogrn"] = renamed.pop("ОГРН")  # nor the English field name
    _, counts = import_file(files.csv_bytes([renamed]))
    assert counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    org = Organization.objects.get(inn=row["ИНН"])
    assert org.short_name == row["Краткое наименование"]
    assert org.email == row["Эл. почта"]
    assert org.head_name == "Иванова Мария Петровна"
    assert (org.kind, org.subtype, org.municipality) == ("school", "sosh", municipality)


def test_missing_required_columns_is_a_file_level_error_naming_them(municipality):
    row = files.org_row()
    del row["ОГРН"], row["ОКТМО"]
    with pytest.raises(ImportFileError) as exc:
        read_table(files.csv_bytes([row]))
    assert "«ОГРН»" in exc.value.message
    assert "«ОКТМО»" in exc.value.message
    assert "«ИНН»" not in exc.value.message


def test_unknown_columns_are_named_in_a_notice(municipality):
    row = files.org_row(Примечание="филиал")
    table = read_table(files.csv_bytes([row]))
    assert table.notices == ["These columns are not used and were skipped: «Примечание»."]


def test_row_without_municipality_and_ogrn_gets_both_reasons(municipality):
    row = files.org_row(ОКТМО="", ОГРН="")
    plan = plan_of(files.csv_bytes([row]))
    assert "OGRN is empty" in plan.rows[0].reason
    assert "municipality is empty" in plan.rows[0].reason


def test_header_below_a_title_row_is_found(municipality):
    plan = plan_of(files.xlsx_bytes([files.org_row()], title_rows=2))
    assert actions(plan) == [CREATE]
    assert plan.rows[0].number == 4  # the row number the user sees in Excel


def test_identifiers_mangled_by_excel_are_repaired(municipality):
    inn, ogrn = make_inn("2328", 8790), make_ogrn(3, "23", 123)
    rows = [
        files.org_row(ИНН=f"{inn}.0", ОГРН=f"{ogrn[0]},{ogrn[1:]}E+12", ОКТМО="3612000"),
        files.org_row(ИНН=f" {inn[:4]}\u00a0{inn[4:7]} {inn[7:]}\u00a0", ОГРН=f" {ogrn} "),
    ]
    # The second row repeats the same numbers written with (non-breaking) spaces: a duplicate.
    plan = plan_of(files.csv_bytes(rows))
    assert actions(plan) == [CREATE, REJECT]
    assert plan.rows[0].inn == inn
    assert plan.rows[0].ogrn == ogrn
    assert plan.rows[1].inn == inn
    assert "row 2" in plan.rows[1].reason


def test_xlsx_numbers_float_and_int_cells(municipality):
    inn, ogrn = make_inn("2328", 8791), make_ogrn(3, "23", 124)
    # Excel stores typed-in numbers as floats; ОКТМО 03612000 loses its leading zero.
    data = files.xlsx_bytes([files.org_row(ИНН=float(inn), ОГРН=int(ogrn), ОКТМО=3612000.0)])
    _, counts = import_file(data)
    assert counts["created"] == 1
    assert Organization.objects.filter(inn=inn, ogrn=ogrn, municipality__oktmo="03612000").exists()


def test_scientific_notation_rounded_by_excel_gets_a_hint(municipality):
    plan = plan_of(files.csv_bytes([files.org_row(ОГРН="1,02231E+12"), files.org_row(ИНН="2,32801E+09")]))
    assert actions(plan) == [REJECT, REJECT]
    assert "1022310000000 has a wrong check digit" in plan.rows[0].reason
    assert "2328010000 has a wrong check digit" in plan.rows[1].reason
    assert all("scientific notation" in row.reason for row in plan.rows)


def test_spaces_yo_and_municipality_by_name(region, municipality):
    settlement = MunicipalityFactory(region=region, name="Бейсужёкское сельское поселение", oktmo="03612404")
    row = files.org_row(**{"Краткое наименование": "  МБОУ   СОШ № 40\u00a0", "Адрес": "х. Бейсужёк Второй"})
    del row["ОКТМО"]
    row["Муниципалитет"] = "БЕЙСУЖЕКСКОЕ  сельское поселение"
    plan, counts = import_file(files.csv_bytes([row]))
    assert counts["created"] == 1, plan.rows[0].reason
    org = Organization.objects.get(inn=row["ИНН"])
    assert org.short_name == "МБОУ СОШ № 40"
    assert org.municipality == settlement


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1251", ";"), ("cp1251", ","), ("utf-8", "\t"), ("utf-8-sig", ","), ("utf-16", "\t")],
)
def test_csv_encodings_and_delimiters(municipality, encoding, delimiter):
    row = files.org_row(Адрес="ст. Выселки, ул. Ленина, 5")  # a comma inside a cell
    plan = plan_of(files.csv_bytes([row], delimiter=delimiter, encoding=encoding))
    assert actions(plan) == [CREATE]
    assert plan.rows[0].data["short_name"] == row["Краткое наименование"]
    assert plan.rows[0].data["address"] == "ст. Выселки, ул. Ленина, 5"


def test_kinds_subtypes_and_words_people_write(municipality):
    rows = [
        files.org_row(Вид="дошкольная", Подтип="ДОУ", **{"Краткое наименование": "МБДОУ д/с № 1"}),
        files.org_row(Вид="supplementary", Подтип="удо"),
        files.org_row(Вид="Общеобразовательная", Подтип="Гимназия"),
        files.org_row(Вид="", Подтип="Школа-интернат"),
        files.org_row(Вид="Иная", Подтип="методический центр"),
    ]
    plan = plan_of(files.csv_bytes(rows))
    got = [(r.data.get("kind"), r.data.get("subtype")) for r in plan.rows]
    assert got == [
        ("preschool", "dou"),
        ("supplementary", "udo"),
        ("school", "gymnasium"),
        ("school", "boarding"),
        ("other", "methodical"),
    ]


def test_subtype_and_kind_are_inferred_from_the_name(municipality):
    names = {
        "МБДОУ детский сад № 7 «Берёзка»": ("preschool", "dou"),
        "МБОУ лицей № 2": ("school", "lyceum"),
        "МБОУ ООШ № 19": ("school", "oosh"),
        "МБУ ДО ЦДТ": ("supplementary", "udo"),
    }
    rows = []
    for name in names:
        row = files.org_row(**{"Краткое наименование": name, "Полное наименование": name})
        del row["Вид"], row["Подтип"]
        rows.append(row)
    plan = plan_of(files.csv_bytes(rows))
    assert [(r.data["kind"], r.data["subtype"]) for r in plan.rows] == list(names.values())


def test_kind_that_cannot_be_guessed_is_rejected(municipality):
    row = files.org_row(**{"Краткое наименование": "Учреждение № 1", "Полное наименование": "Учреждение"})
    del row["Вид"], row["Подтип"]
    plan = plan_of(files.csv_bytes([row]))
    assert actions(plan) == [REJECT]
    assert "“Вид”" in plan.rows[0].reason


def test_kind_and_subtype_mismatch_is_rejected_by_the_service_rule(municipality):
    plan = plan_of(files.csv_bytes([files.org_row(Вид="Дошкольная", Подтип="СОШ")]))
    assert actions(plan) == [REJECT]
    assert "does not belong" in plan.rows[0].reason


# --- row decisions ---------------------------------------------------------------------------------


def test_bad_check_digit_and_lengths_are_rejected_with_reasons(municipality):
    good = files.org_row()
    bad_inn = good["ИНН"][:-1] + str((int(good["ИНН"][-1]) + 1) % 10)
    rows = [
        files.org_row(ИНН=bad_inn),
        files.org_row(ОГРН="102230000000"),
        files.org_row(**{"Эл. почта": "not-an-email"}),
        good,
    ]
    plan = plan_of(files.csv_bytes(rows))
    assert actions(plan) == [REJECT, REJECT, REJECT, CREATE]
    assert "check digit" in plan.rows[0].reason
    assert "13 digits" in plan.rows[1].reason
    assert "«Эл. почта»" in plan.rows[2].reason
    assert [r.number for r in plan.rows] == [2, 3, 4, 5]


def test_unknown_municipality_is_rejected(municipality):
    rows = [files.org_row(ОКТМО="03999000"), files.org_row()]
    del rows[1]["ОКТМО"]
    rows[1]["Район"] = "Несуществующий район"
    plan = plan_of(files.csv_bytes(rows, headers=[*files.HEADERS, "Район"]))
    assert actions(plan) == [REJECT, REJECT]
    assert "03999000" in plan.rows[0].reason
    assert "Несуществующий район" in plan.rows[1].reason


def test_duplicate_inn_in_the_file_rejects_the_later_row_naming_the_first(municipality):
    first = files.org_row()
    again = files.org_row(ИНН=first["ИНН"])
    plan = plan_of(files.csv_bytes([first, files.org_row(), again]))
    assert actions(plan) == [CREATE, CREATE, REJECT]
    assert "row 2" in plan.rows[2].reason


def test_ogrn_of_another_organisation_is_rejected(org_a):
    plan = plan_of(files.csv_bytes([files.org_row(ОГРН=org_a.ogrn)]))
    assert actions(plan) == [REJECT]
    assert org_a.short_name in plan.rows[0].reason


def test_methodologist_cannot_import_outside_own_municipalities(
    methodologist, municipality, other_municipality
):
    rows = [files.org_row(ОКТМО=other_municipality.oktmo), files.org_row()]
    plan, counts = import_file(files.csv_bytes(rows), actor=methodologist)
    assert actions(plan) == [REJECT, CREATE]
    assert "Тихорецкий район" in plan.rows[0].reason
    assert counts["created"] == 1
    assert not Organization.objects.filter(municipality=other_municipality).exists()


def test_update_lists_changes_keeps_empty_cells_and_is_audited(org_a):
    row = files.org_row(
        ИНН=org_a.inn,
        ОГРН=org_a.ogrn,
        ОКТМО=org_a.municipality.oktmo,
        Адрес="ст. Выселки, ул. Мира, 2",
        Руководитель="",  # empty: keeps the head's name
        **{"Полное наименование": org_a.full_name, "Краткое наименование": org_a.short_name},
    )
    del row["Телефон"], row["Эл. почта"]
    plan, counts = import_file(files.csv_bytes([row]))
    assert actions(plan) == [UPDATE]
    assert [c[0] for c in plan.rows[0].changes] == ["Адрес"]
    assert counts["updated"] == 1
    org_a.refresh_from_db()
    assert org_a.address == "ст. Выселки, ул. Мира, 2"
    assert org_a.head_name == "Иванова Мария Петровна"
    assert ActivityLog.objects.filter(action="organization.update", object_id=str(org_a.pk)).exists()


def test_parent_by_inn_earlier_in_the_file_or_in_the_registry(org_a):
    head = files.org_row()
    branch = files.org_row(**{"ИНН головной организации": head["ИНН"]})
    branch_of_existing = files.org_row(**{"ИНН головной организации": org_a.inn})
    orphan = files.org_row(**{"ИНН головной организации": make_inn("2328", 77_777)})
    headers = [*files.HEADERS, "ИНН головной организации"]
    plan, counts = import_file(files.csv_bytes([head, branch, branch_of_existing, orphan], headers=headers))
    assert actions(plan) == [CREATE, CREATE, CREATE, REJECT]
    assert counts["created"] == 3
    parent = Organization.objects.get(inn=branch["ИНН"]).parent
    assert parent is not None and parent.inn == head["ИНН"]
    assert Organization.objects.get(inn=branch_of_existing["ИНН"]).parent == org_a


def test_closing_flag_and_formula_guard_apostrophe(municipality):
    row = files.org_row(Действует="нет", Телефон="'+7 (86157) 7-00-01")
    import_file(files.csv_bytes([row], headers=[*files.HEADERS, "Действует"]))
    org = Organization.objects.get(inn=row["ИНН"])
    assert org.is_active is False
    assert org.phone == "+7 (86157) 7-00-01"


def test_preview_writes_nothing(municipality):
    plan = plan_of(files.csv_bytes([files.org_row(), files.org_row()]))
    assert actions(plan) == [CREATE, CREATE]
    assert not Organization.objects.exists()
    assert not ActivityLog.objects.exists()


def test_running_the_same_file_again_creates_no_duplicates(municipality):
    data = files.xlsx_bytes([files.org_row() for _ in range(3)])
    _, first = import_file(data)
    _, second = import_file(data)
    assert first == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert second == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert Organization.objects.count() == 3


def test_a_row_that_fails_when_written_is_rejected_alone(municipality):
    rows = [files.org_row(), files.org_row(), files.org_row()]
    plan = plan_of(files.csv_bytes(rows))
    # Between the preview and the import someone registers the second row's ОГРН elsewhere.
    OrganizationFactory(municipality=municipality, ogrn=rows[1]["ОГРН"])
    progress = []
    counts = apply_plan(plan, actor=None, on_row=lambda row: progress.append(row.number))
    assert counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert plan.rows[1].action == REJECT
    assert "OGRN" in plan.rows[1].reason
    assert progress == [2, 3, 4]
    assert not Organization.objects.filter(inn=rows[1]["ИНН"]).exists()


@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_branch_whose_parent_row_fails_when_written_is_rejected_with_the_reason(municipality, batch_size):
    head = files.org_row()
    branch = files.org_row(**{"ИНН головной организации": head["ИНН"]})
    plan = plan_of(files.csv_bytes([head, branch], headers=[*files.HEADERS, "ИНН головной организации"]))
    assert actions(plan) == [CREATE, CREATE]
    OrganizationFactory(municipality=municipality, ogrn=head["ОГРН"])  # the head's ОГРН is taken meanwhile
    counts = apply_plan(plan, actor=None, batch_size=batch_size)
    assert counts == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 2}
    assert plan.rows[1].reason == "The parent organisation was not created."
    assert not Organization.objects.filter(inn__in=[head["ИНН"], branch["ИНН"]]).exists()


def test_unchanged_rows_outside_scope_are_not_rejected(methodologist, org_b):
    """A methodologist may re-import a whole-region export: other municipalities' rows change nothing."""
    row = files.org_row(
        ИНН=org_b.inn,
        ОГРН=org_b.ogrn,
        ОКТМО=org_b.municipality.oktmo,
        **{"Краткое наименование": org_b.short_name},
    )
    plan = plan_of(
        files.csv_bytes([row], headers=["ИНН", "ОГРН", "Краткое наименование", "ОКТМО"]), methodologist
    )
    assert actions(plan) == [UNCHANGED]


# --- files that are not tables, or too big ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [files.png_bytes(), files.pdf_bytes(), files.docx_bytes(), b"\x00\x01\x02binary\xff" * 20],
    ids=["png", "pdf", "docx", "binary"],
)
def test_files_that_are_not_tables_are_refused(data):
    with pytest.raises(ImportFileError, match="neither CSV nor XLSX"):
        read_table(data)


def test_too_large_file_is_refused_before_parsing(settings):
    settings.NOVATOR_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFileError, match="too large"):
        read_table(files.csv_bytes([files.org_row() for _ in range(20)]))


def test_too_many_rows_is_refused(settings, municipality):
    settings.NOVATOR_IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(files.csv_bytes([files.org_row() for _ in range(4)]))
    assert len(read_table(files.csv_bytes([files.org_row() for _ in range(3)])).rows) == 3


def test_zip_bomb_xlsx_is_refused_without_unpacking(settings):
    settings.NOVATOR_IMPORT_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
    data = files.zip_bomb_xlsx(unpacked_mb=120)
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        read_table(data)
    assert time.monotonic() - started < 1


def test_xlsx_formula_cached_value_is_read_and_missing_one_is_empty(municipality):
    row = files.org_row()
    # XlsxWriter stores the cached result, as Excel does after calculating.
    inn = row["ИНН"]
    cached = files.xlsx_with_cached_formula(row, "ИНН", f'="{inn[:4]}"&"{inn[4:]}"', inn)
    assert plan_of(cached).rows[0].inn == inn
    # openpyxl writes formulas without a cached value: such a cell is empty, never evaluated.
    fresh = files.org_row(Адрес="=1+1", Руководитель='=HYPERLINK("http://evil.example","x")')
    plan = plan_of(files.xlsx_bytes([fresh]))
    assert actions(plan) == [CREATE]
    assert "address" not in plan.rows[0].data
    assert "head_name" not in plan.rows[0].data


def test_xlsx_with_a_row_at_one_million_finishes_quickly(municipality):
    data = files.xlsx_with_far_row(files.org_row())
    started = time.monotonic()
    table = read_table(data)
    assert time.monotonic() - started < 5
    assert len(table.rows) == 1
    assert any("empty rows" in notice for notice in table.notices)
    assert actions(build_plan(table, actor=None)) == [CREATE]


def test_xlsx_with_a_huge_dimension_is_read_by_its_real_rows(municipality):
    data = files.with_dimension(files.xlsx_bytes([files.org_row(), files.org_row()]))
    started = time.monotonic()
    table = read_table(data)
    assert time.monotonic() - started < 5
    assert [n for n, _ in table.rows] == [2, 3]
    # Rows are read at most 64 cells wide, not the 16,384 columns the dimension claims.
    first_row = next(reader._xlsx_rows(data))
    assert len(first_row[1]) == reader.MAX_COLUMNS


def test_empty_and_header_only_files_have_clear_messages():
    with pytest.raises(ImportFileError, match="empty"):
        read_table(b"  \n")
    with pytest.raises(ImportFileError, match="no rows with organisations"):
        read_table(files.csv_bytes([], headers=files.HEADERS))


def test_a_methodologist_cannot_attach_a_branch_to_another_municipalitys_parent(methodologist, org_a, org_b):
    """A branch belongs to its parent's municipality (issue #20): the row is rejected with the reason."""
    rows = [files.org_row(**{"ИНН головной": org_b.inn}), files.org_row(**{"ИНН головной": org_a.inn})]
    plan, counts = import_file(files.csv_bytes(rows), actor=methodologist)
    assert actions(plan) == [REJECT, CREATE]
    assert org_b.short_name in plan.rows[0].reason
    assert counts["created"] == 1
    assert not org_b.branches.exists() and org_a.branches.count() == 1


def test_a_row_that_would_turn_an_organisation_into_another_is_a_conflict(org_a):
    """Before, a row with an existing ИНН silently rewrote the ОГРН, the name and the kind of the school."""
    other_ogrn = files.org_row()["ОГРН"]
    row = files.org_row(ИНН=org_a.inn, ОГРН=other_ogrn, ОКТМО=org_a.municipality.oktmo)
    plan, counts = import_file(files.csv_bytes([row]))
    assert actions(plan) == [REJECT]
    reason = plan.rows[0].reason
    assert reason.startswith("Conflict with the registry, not applied:")
    assert f"ОГРН {org_a.ogrn}; the file has ОГРН {other_ogrn}" in reason
    assert counts["rejected"] == 1
    org_a.refresh_from_db()
    assert org_a.ogrn != other_ogrn


def test_a_move_to_another_kind_or_municipality_is_a_conflict(org_a):
    other = MunicipalityFactory(region=org_a.municipality.region, name="Тихорецкий район", oktmo="03654000")
    moved = {"ИНН": org_a.inn, "ОГРН": org_a.ogrn, "ОКТМО": other.oktmo, "Наименование": org_a.short_name}
    kind = {"ИНН": org_a.inn, "ОГРН": org_a.ogrn, "ОКТМО": org_a.municipality.oktmo, "Вид": "Дошкольная"}
    kind["Наименование"] = org_a.short_name
    for row, words in ((moved, "would move from"), (kind, "would change its kind")):
        plan, _counts = import_file(files.csv_bytes([row], headers=list(row)))
        assert actions(plan) == [REJECT]
        assert words in plan.rows[0].reason
    org_a.refresh_from_db()
    assert org_a.municipality_id != other.pk and org_a.kind != "preschool"
