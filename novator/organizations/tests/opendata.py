"""Builders of Rosobrnadzor open-data files (the registry of accredited organisations) for the tests.

The shape follows the published file: `OpenData` → `Certificates` → `Certificate` with the
certificate's own fields, its `ActualEducationOrganization`, `Supplements` → `Supplement` (with the
supplement's own organisation and `EducationalPrograms`) and `Decisions`.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from novator.organizations.identifiers import make_inn, make_ogrn

SCHOOL_INN = make_inn("2328", 31_001)
SCHOOL_OGRN = make_ogrn(2, "23", 3_100_001)
LYCEUM_INN = make_inn("2335", 31_002)
LYCEUM_OGRN = make_ogrn(2, "23", 3_100_002)
KRASNODAR_INN = make_inn("2310", 31_003)
KRASNODAR_OGRN = make_ogrn(2, "23", 3_100_003)
CLOSED_INN = make_inn("2328", 31_004)
CLOSED_OGRN = make_ogrn(2, "23", 3_100_004)
UNKNOWN_PLACE_INN = make_inn("2328", 31_005)
UNKNOWN_PLACE_OGRN = make_ogrn(2, "23", 3_100_005)
ROSTOV_INN = make_inn("6164", 31_006)
ROSTOV_OGRN = make_ogrn(2, "61", 3_100_006)


def org(**fields: Any) -> dict[str, str]:
    base = {
        "Id": "A1",
        "FullName": "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная "
        "школа № 1 станицы Выселки",
        "ShortName": "МБОУ СОШ № 1 ст. Выселки",
        "HeadEduOrgId": "",
        "IsBranch": "0",
        "PostAddress": "353100, Краснодарский край, Выселковский район, ст-ца Выселки, ул. Ленина, д. 1",
        "Phone": "(86157) 7-31-01",
        "Fax": "",
        "Email": "school1@vyselki.example.ru",
        "WebSite": "school1.vyselki.example.ru",
        "OGRN": SCHOOL_OGRN,
        "INN": SCHOOL_INN,
        "KPP": "232801001",
        "HeadPost": "Директор",
        "HeadName": "Иванова Мария Петровна",
        "FormName": "Муниципальное бюджетное учреждение",
        "KindName": "Средняя общеобразовательная школа",
        "TypeName": "Общеобразовательная организация",
        "RegionName": "Краснодарский край",
        "FederalDistrictShortName": "ЮФО",
        "FederalDistrictName": "Южный федеральный округ",
    }
    base.update({k: str(v) for k, v in fields.items()})
    return base


def certificate(number: int, organization: dict[str, str], **fields: Any) -> dict[str, Any]:
    cert: dict[str, Any] = {
        "Id": f"C{number}",
        "IsFederal": "0",
        "StatusName": "Действующее",
        "TypeName": "Свидетельство о государственной аккредитации",
        "RegionName": "Краснодарский край",
        "RegionCode": "23",
        "FederalDistrictName": "Южный федеральный округ",
        "FederalDistrictShortName": "ЮФО",
        "RegNumber": f"0{number:04d}",
        "SerialNumber": "23А01",
        "FormNumber": f"000{number:04d}",
        "IssueDate": "01.09.2016",
        "EndDate": "",
        "ControlOrgan": "Министерство образования, науки и молодёжной политики Краснодарского края",
        "PostAddress": organization.get("PostAddress", ""),
        "EduOrgFullName": organization.get("FullName", ""),
        "EduOrgShortName": organization.get("ShortName", ""),
        "EduOrgINN": organization.get("INN", ""),
        "EduOrgKPP": organization.get("KPP", ""),
        "EduOrgOGRN": organization.get("OGRN", ""),
        "IndividualEntrepreneurLastName": "",
        "IndividualEntrepreneurFirstName": "",
        "IndividualEntrepreneurMiddleName": "",
        "IndividualEntrepreneurAddress": "",
        "IndividualEntrepreneurEGRIP": "",
        "IndividualEntrepreneurINN": "",
    }
    cert.update({k: str(v) for k, v in fields.items()})
    cert["_org"] = organization
    return cert


def _fields(values: dict[str, Any], indent: str) -> str:
    return "".join(
        f"{indent}<{k}>{escape(str(v))}</{k}>\n" if v != "" else f"{indent}<{k} />\n"
        for k, v in values.items()
        if not k.startswith("_")
    )


def certificate_xml(cert: dict[str, Any]) -> str:
    org_xml = _fields(cert["_org"], "        ")
    return (
        "  <Certificate>\n"
        + _fields(cert, "      ")
        + "      <ActualEducationOrganization>\n"
        + org_xml
        + "      </ActualEducationOrganization>\n"
        "      <Supplements>\n"
        "        <Supplement>\n"
        f"          <Id>S{cert['Id']}</Id>\n"
        "          <StatusName>Действующее</StatusName>\n"
        "          <Number>1</Number>\n"
        "          <ActualEducationOrganization>\n"
        + org_xml.replace("        <", "            <")
        + "          </ActualEducationOrganization>\n"
        "          <EducationalPrograms>\n"
        "            <EducationalProgram>\n"
        "              <Id>P1</Id>\n"
        "              <TypeName>Основная образовательная программа</TypeName>\n"
        "              <EduLevelName>Среднее общее образование</EduLevelName>\n"
        "              <ProgrammName />\n"
        "              <ProgrammCode />\n"
        "              <IsAccredited>1</IsAccredited>\n"
        "            </EducationalProgram>\n"
        "          </EducationalPrograms>\n"
        "        </Supplement>\n"
        "      </Supplements>\n"
        "      <Decisions>\n"
        "        <Decision>\n"
        "          <Id>D1</Id>\n"
        "          <DecisionTypeName>Переоформление</DecisionTypeName>\n"
        "          <OrderDocumentNumber>1234</OrderDocumentNumber>\n"
        "          <DecisionDate>01.09.2016</DecisionDate>\n"
        "        </Decision>\n"
        "      </Decisions>\n"
        "  </Certificate>\n"
    )


def opendata_xml(certificates: list[dict[str, Any]], *, prolog: str = "") -> bytes:
    body = "".join(certificate_xml(c) for c in certificates)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + prolog
        + '<OpenData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<Certificates>\n'
        + body
        + "</Certificates>\n</OpenData>\n"
    ).encode()


def sample_certificates() -> list[dict[str, Any]]:
    """Two regions, a branch, a duplicate certificate, an organisation whose certificate is no longer
    valid, an address whose municipality is unknown, and the address spellings real files have."""
    school = org()
    lyceum = org(
        Id="A2",
        FullName="Муниципальное автономное общеобразовательное учреждение лицей № 1 г. Кореновска",
        ShortName="МАОУ лицей № 1 г. Кореновска",
        PostAddress="353180, Краснодарский край, Кореновский р-н, г. Кореновск, ул. Мира, 2",
        INN=LYCEUM_INN,
        OGRN=LYCEUM_OGRN,
        KPP="233501001",
        KindName="Лицей",
        Email="lyceum1@korenovsk.example.ru",
    )
    kindergarten = org(
        Id="A3",
        FullName="Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 7»",
        ShortName="МБДОУ д/с № 7",
        PostAddress="350000, г. Краснодар, ул. Красная, д. 5",
        INN=KRASNODAR_INN,
        OGRN=KRASNODAR_OGRN,
        KPP="231001001",
        KindName="Детский сад",
        TypeName="Дошкольная образовательная организация",
        Email="ds7@krd.example.ru",
        HeadPost="Заведующий",
    )
    branch = org(
        Id="A4",
        FullName="Филиал муниципального бюджетного общеобразовательного учреждения средней "
        "общеобразовательной школы № 1 станицы Выселки в хуторе Бузиновском",
        ShortName="Филиал МБОУ СОШ № 1 в х. Бузиновском",
        IsBranch="1",
        HeadEduOrgId="A1",
        PostAddress="353110, Краснодарский край, р-н Выселковский, х. Бузиновский, ул. Школьная, 3",
        KPP="232802001",
    )
    closed = org(
        Id="A5",
        FullName="Муниципальное бюджетное общеобразовательное учреждение основная общеобразовательная "
        "школа № 9",
        ShortName="МБОУ ООШ № 9",
        INN=CLOSED_INN,
        OGRN=CLOSED_OGRN,
        KindName="Основная общеобразовательная школа",
    )
    unknown_place = org(
        Id="A6",
        FullName="Муниципальное бюджетное общеобразовательное учреждение СОШ № 3 станицы Тбилисской",
        ShortName="МБОУ СОШ № 3 ст. Тбилисской",
        PostAddress="352360, Краснодарский край, Тбилисский район, ст-ца Тбилисская, ул. Новая, 1",
        INN=UNKNOWN_PLACE_INN,
        OGRN=UNKNOWN_PLACE_OGRN,
    )
    rostov = org(
        Id="B1",
        FullName="Муниципальное бюджетное общеобразовательное учреждение школа № 5 г. Ростова-на-Дону",
        ShortName="МБОУ Школа № 5",
        PostAddress="344000, Ростовская обл., г. Ростов-на-Дону, ул. Садовая, 1",
        INN=ROSTOV_INN,
        OGRN=ROSTOV_OGRN,
        KPP="616401001",
        RegionName="Ростовская область",
    )
    return [
        certificate(1, school, StatusName="Недействующее", IssueDate="01.09.2012"),
        certificate(2, lyceum),
        certificate(3, rostov, RegionCode="61", RegionName="Ростовская область"),
        certificate(4, school, IssueDate="15.03.2016"),  # the valid one, reissued
        certificate(5, kindergarten),
        certificate(6, branch),
        certificate(7, closed, StatusName="Недействующее"),
        certificate(8, lyceum),  # a duplicate certificate of the lyceum
        certificate(9, unknown_place),
    ]


def sample_xml() -> bytes:
    return opendata_xml(sample_certificates())


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
