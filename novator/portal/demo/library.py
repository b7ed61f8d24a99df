"""Demo step of the library: the district's methodological product of stage I and a dozen others from the
schools and kindergartens of the Vyselki district, adopted across the three districts over 2021/22–2023/24.

`load_library(ctx)` runs after the registry steps (it needs `ctx.organizations` and `ctx.people`). Like the
other steps it finds what exists with one query per kind (products by title, adoptions by product,
organisation and date), creates only what is missing through the services (`actor=None`, the system), and
never changes what exists. Adoptions of demo products send no e-mail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from novator.library import services as library_services
from novator.library.models import Adoption, MethodProduct

if TYPE_CHECKING:  # the loader imports the steps
    from .loader import DemoContext

D = datetime.date
IMC = "vyselki-imc"


@dataclass(frozen=True)
class ProductSpec:
    key: str
    title: str
    type: str
    annotation: str
    organizations: tuple[str, ...]  # OrgSpec keys
    released_on: datetime.date
    people: tuple[str, ...] = ()  # PersonSpec keys
    author_names: str = ""
    audience: tuple[str, ...] = ("school",)
    subjects: str = ""
    ages: tuple[int | None, int | None] = (None, None)
    council: tuple[datetime.date, str, str] | None = None  # date, decision, minutes number
    licence: str = "cc-by-4.0"
    source_project: str = ""
    version: str = "1.0"


KIP = "Совершенствование инновационной инфраструктуры межмуниципального взаимодействия"

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "imc-recommendations",
        "Методические рекомендации по подготовке и включению педагогического коллектива "
        "в инновационный процесс",
        "recommendations",
        "Рекомендации информационно-методического центра для административного корпуса ДОУ и СОШ: система "
        "конкретных управленческих действий и технологических основ внедрения инновационной деятельности, "
        "этапы подготовки коллектива к работе в режиме развития, диагностика готовности педагогов к "
        "инновациям и сопровождение дальнейшей работы с новшеством. Результат I этапа краевой инновационной "
        "площадки (2021/22 уч. г.).",
        (IMC,),
        D(2022, 1, 25),
        people=("imc-head", "imc-methodist"),
        audience=("preschool", "school"),
        subjects="управление образовательной организацией, инновационная деятельность",
        council=(D(2022, 1, 20), "recommended", "3"),
        source_project=KIP,
    ),
    ProductSpec(
        "imc-diagnostics",
        "Диагностический инструментарий готовности педагогов к инновационной деятельности",
        "diagnostic",
        "Анкеты и методика обработки результатов для оценки мотивационной, когнитивной и технологической "
        "готовности педагогов к инновациям; шаблон аналитической справки для руководителя.",
        (IMC,),
        D(2022, 3, 14),
        people=("imc-preschool",),
        audience=("preschool", "school", "supplementary"),
        subjects="диагностика, инновационный потенциал",
        council=(D(2022, 3, 10), "recommended", "5"),
        source_project=KIP,
    ),
    ProductSpec(
        "school1-mentoring",
        "Программа наставничества «Педагог — педагогу» для молодых учителей",
        "programme",
        "Программа сопровождения молодых специалистов в первые три года работы: формы наставничества, "
        "план взаимопосещения уроков, индивидуальный маршрут профессионального роста.",
        ("vyselki-school-1",),
        D(2022, 9, 12),
        people=("school1-deputy",),
        subjects="наставничество, методическая работа",
        council=(D(2022, 10, 18), "recommended", "2"),
    ),
    ProductSpec(
        "school1-finance",
        "Сценарии уроков финансовой грамотности в начальной школе",
        "lessons",
        "Двенадцать сценариев уроков и внеурочных занятий для 2–4 классов: семейный бюджет, покупки, "
        "сбережения; игровые задания и рабочие листы.",
        ("vyselki-school-1",),
        D(2022, 11, 1),
        people=("school1-teacher",),
        subjects="финансовая грамотность, окружающий мир",
        ages=(8, 10),
        council=(D(2022, 12, 6), "recommended", "4"),
        licence="cc-by-sa-4.0",
    ),
    ProductSpec(
        "school3-reading",
        "Кейсы по развитию читательской грамотности на уроках русского языка и литературы",
        "toolkit",
        "Сборник кейсов и текстовых заданий для 5–9 классов, формирующих умения находить, интерпретировать "
        "и оценивать информацию; критерии оценивания и ключи.",
        ("vyselki-school-3",),
        D(2023, 2, 1),
        people=("school3-expert",),
        subjects="русский язык, литература, функциональная грамотность",
        ages=(11, 15),
        council=(D(2023, 2, 14), "recommended", "6"),
    ),
    ProductSpec(
        "school16-museum",
        "Школьный музей как ресурс патриотического воспитания: методическое пособие",
        "guide",
        "Опыт МБОУ СОШ № 16 им. В.Г. Харченко: экскурсионная работа, исследовательские проекты учащихся по "
        "истории станицы, сетевые музейные уроки с партнёрами.",
        ("vyselki-school-16",),
        D(2022, 4, 20),
        people=("school16-history",),
        subjects="история, краеведение, воспитательная работа",
        ages=(10, 17),
        council=(D(2022, 5, 17), "approved", "7"),
    ),
    ProductSpec(
        "school12-network",
        "Модель сетевого взаимодействия сельских школ в реализации программ углублённого изучения предметов",
        "recommendations",
        "Организационные и нормативные решения для реализации образовательных программ в сетевой форме: "
        "договор, учебный план, расписание дистанционных занятий, распределение ресурсов между школами.",
        ("vyselki-school-12",),
        D(2023, 1, 16),
        people=("school12-deputy",),
        subjects="сетевая форма реализации программ",
        council=(D(2023, 1, 24), "recommended", "1"),
        source_project="Сетевая школа: равные возможности для сельских школьников",
    ),
    ProductSpec(
        "dou5-steam",
        "Парциальная программа «STEAM-лаборатория в детском саду»",
        "programme",
        "Программа познавательно-исследовательской деятельности для детей 5–7 лет: конструирование, "
        "робототехника, экспериментирование; планирование, оснащение центров активности, мониторинг.",
        ("vyselki-dou-5",),
        D(2022, 8, 29),
        people=("dou5-head", "dou5-senior"),
        audience=("preschool",),
        subjects="познавательное развитие, конструирование",
        ages=(5, 7),
        council=(D(2022, 8, 30), "recommended", "1"),
        licence="author-permission",
    ),
    ProductSpec(
        "dou5-speech",
        "Картотека речевых игр и упражнений для детей старшего дошкольного возраста",
        "toolkit",
        "Игры на развитие звуковой культуры речи, словаря и связной речи, с рекомендациями по проведению в "
        "режимных моментах и в работе с родителями.",
        ("vyselki-dou-5",),
        D(2023, 3, 3),
        people=("dou5-teacher",),
        audience=("preschool",),
        subjects="речевое развитие",
        ages=(5, 7),
    ),
    ProductSpec(
        "dou14-families",
        "Инновационные формы взаимодействия детского сада и семьи",
        "guide",
        "Клуб выходного дня, семейные проекты, родительские мастерские и онлайн-консультации: сценарии, "
        "памятки и анкеты обратной связи.",
        ("vyselki-dou-14",),
        D(2022, 2, 7),
        people=("dou14-head", "dou14-senior"),
        audience=("preschool",),
        subjects="работа с семьёй",
        council=(D(2022, 2, 15), "recommended", "4"),
    ),
    ProductSpec(
        "dou1-health",
        "Здоровьесберегающие технологии в режиме дня ДОУ: методические рекомендации",
        "recommendations",
        "Дыхательная гимнастика, игровой стретчинг, динамические паузы и закаливание; планирование по "
        "возрастным группам.",
        ("vyselki-dou-1",),
        D(2023, 9, 18),
        author_names="Кириленко Г. В., Павлюченко Е. А.",
        audience=("preschool",),
        subjects="физическое развитие, здоровье",
        ages=(3, 7),
        council=(D(2023, 10, 10), "recommended", "2"),
    ),
    ProductSpec(
        "ddt-projects",
        "Проектная деятельность в объединениях дополнительного образования: сборник методических разработок",
        "guide",
        "Разработки педагогов Дома детского творчества: исследовательские и творческие проекты, критерии "
        "оценки, сценарии защиты проектов.",
        ("vyselki-ddt",),
        D(2023, 4, 10),
        author_names="Гаврилова Е. А., Мищенко О. П.",
        audience=("supplementary", "school"),
        subjects="проектная деятельность, техническое и художественное творчество",
        ages=(7, 17),
        council=(D(2023, 4, 25), "approved", "8"),
    ),
    ProductSpec(
        "imc-digital",
        "Цифровые образовательные ресурсы в работе учителя: методический конструктор",
        "toolkit",
        "Подборка проверенных цифровых ресурсов и шаблоны уроков с их использованием; требования к "
        "безопасности и защите персональных данных учащихся.",
        (IMC, "vyselki-school-2"),
        D(2023, 10, 2),
        people=("imc-methodist",),
        subjects="цифровая образовательная среда",
        version="2.0",
    ),
)


@dataclass(frozen=True)
class AdoptionSpec:
    product: str  # ProductSpec.key
    organization: str  # OrgSpec.key
    adopted_on: datetime.date
    scope: str
    changes: str
    outcome: str = ""
    outcome_on: datetime.date | None = None
    rating: int | None = None
    comment: str = ""


def _day(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d.%m.%Y").date()


def _adoptions(table: str) -> tuple[AdoptionSpec, ...]:
    """One adoption a record: product | organisation | date | scope | what changed, and for a finished one
    also | outcome | date of the outcome | rating | comment. An indented line continues the record."""
    records: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" ") and records:
            records[-1] += " " + line.strip()
        else:
            records.append(line)
    specs = []
    for record in records:
        cells = [cell.strip() for cell in record.split("|")]
        product, organization, day, scope, changes, *rest = cells
        spec = AdoptionSpec(product, organization, _day(day), scope, changes)
        if rest:
            outcome, outcome_on, rating, comment = [*rest, ""][:4]
            spec = AdoptionSpec(
                product,
                organization,
                _day(day),
                scope,
                changes,
                outcome,
                _day(outcome_on),
                int(rating),
                comment,
            )
        specs.append(spec)
    return tuple(specs)


# 2021/22: the district's product spreads through the district; 2022/23: the neighbours join;
# 2023/24: the movement grows.
ADOPTIONS = _adoptions(
    """
imc-recommendations | vyselki-school-1 | 07.02.2022 | whole | Проведён педагогический совет, создана
    творческая группа; план внедрения на год. | Доля педагогов, участвующих в инновационной работе,
    выросла с 18 до 41 %. | 20.06.2022 | 5 | Чёткий алгоритм управленческих действий, удобно планировать.
imc-recommendations | vyselki-school-12 | 14.02.2022 | whole | Проведён педагогический совет, создана
    творческая группа. | Школа подготовила заявку на статус МИП. | 24.06.2022 | 5 | Рекомендации помогли
    выстроить работу.
imc-recommendations | vyselki-dou-5 | 01.03.2022 | whole | Семинар-практикум для воспитателей. | Коллектив
    включился в разработку парциальной программы. | 15.06.2022 | 4 | Для детского сада часть материалов
    пришлось адаптировать.
imc-recommendations | vyselki-dou-14 | 10.03.2022 | unit | Стартовая диагностика готовности. |
    Сформирована инициативная группа из 6 педагогов. | 25.08.2022 | 4 |
imc-diagnostics | vyselki-school-16 | 04.04.2022 | whole | Анкетирование 32 педагогов. | По итогам
    диагностики составлен план методической учёбы. | 30.05.2022 | 5 | Наглядная справка.
dou14-families | vyselki-dou-1 | 11.04.2022 | unit | Открыт клуб выходного дня в двух группах. |
    Посещаемость родительских мероприятий выросла вдвое. | 30.08.2022 | 5 | Родителям понравилось.
imc-recommendations | tikhoretsk-school-1 | 19.09.2022 | whole | Пилот в рамках сетевого договора. |
    Создан координационный совет по инновационной работе. | 29.05.2023 | 5 | Опыт Выселковского района
    оказался применим и у нас.
imc-recommendations | korenovsk-school-1 | 03.10.2022 | unit | Обучение методического совета. |
    Подготовлены два проекта для муниципального конкурса. | 22.05.2023 | 4 |
imc-recommendations | tikhoretsk-dou-12 | 14.11.2022 | pilot | Два воспитателя в пилотной группе. | Пилот
    завершён, решено распространить на весь детский сад. | 31.05.2023 | 4 | Не хватает примеров для ДОУ.
imc-diagnostics | tikhoretsk-school-6 | 26.09.2022 | whole | Диагностика всего коллектива гимназии. |
    Выявлены дефициты, составлены индивидуальные маршруты. | 30.01.2023 | 5 |
imc-diagnostics | korenovsk-dou-7 | 17.10.2022 | whole | Анкетирование воспитателей. | Результаты
    использованы при подготовке программы развития. | 20.02.2023 | 4 |
school1-mentoring | vyselki-school-2 | 24.10.2022 | unit | Закреплены наставники за 4 молодыми учителями.
    | Все молодые специалисты остались в школе. | 02.06.2023 | 5 | Простая и работающая программа.
school1-mentoring | vyselki-school-4 | 07.11.2022 | unit | Наставничество для двух учителей. | Молодые
    учителя дали открытые уроки на районном семинаре. | 26.05.2023 | 4 |
school1-finance | vyselki-school-9 | 16.01.2023 | pilot | Занятия в 3 «А» и 4 «Б» классах. | Учащиеся
    стали призёрами районной олимпиады по финансовой грамотности. | 19.05.2023 | 5 |
school16-museum | vyselki-school-7 | 12.09.2022 | unit | Создан музейный уголок, 3 экскурсии. | Проведено
    12 музейных уроков. | 12.05.2023 | 4 | Хорошие сценарии экскурсий.
school12-network | vyselki-school-13 | 06.02.2023 | unit | Заключён договор о сетевой форме. | 10 учащихся
    изучают химию углублённо в сетевой форме. | 09.06.2023 | 5 |
school12-network | vyselki-school-15 | 13.02.2023 | unit | Дистанционные занятия по физике. | Сетевая
    форма сохранена на следующий год. | 09.06.2023 | 4 | Сложно согласовать расписание.
dou5-steam | vyselki-dou-2 | 19.09.2022 | unit | Оборудован центр экспериментирования. | Дети
    подготовительной группы защитили мини-проекты. | 25.05.2023 | 5 | Очень понятное планирование.
dou5-steam | vyselki-dou-21 | 03.10.2022 | unit | Кружок робототехники для старшей группы. | Кружок
    посещают 14 детей. | 30.05.2023 | 5 |
dou5-steam | korenovsk-dou-20 | 23.01.2023 | pilot | Пилот в одной подготовительной группе. | Пилот
    завершён, нужна закупка конструкторов. | 01.06.2023 | 3 | Требуется дорогое оборудование.
dou14-families | tikhoretsk-dou-12 | 10.10.2022 | whole | Семейные проекты во всех группах. | Родители
    активнее участвуют в жизни детского сада. | 28.04.2023 | 5 |
dou5-speech | vyselki-dou-8 | 20.03.2023 | unit | Картотека в старших группах.
imc-recommendations | korenovsk-school-8 | 11.09.2023 | whole | Проведён педагогический совет, создана
    творческая группа. | Школа вошла в муниципальную сеть инновационных площадок. | 27.05.2024 | 5 |
imc-recommendations | tikhoretsk-school-27 | 25.09.2023 | unit | Методический совет изучил рекомендации.
imc-recommendations | vyselki-school-20 | 02.10.2023 | whole | Семинар для администрации лицея. | Лицей
    подал заявку на статус МЛСВ. | 15.04.2024 | 4 |
imc-diagnostics | korenovsk-school-1 | 18.09.2023 | whole | Повторная диагностика через год. | Готовность
    педагогов к инновациям выросла по всем шкалам. | 04.03.2024 | 5 | Удобно сравнивать по годам.
school3-reading | vyselki-school-5 | 04.09.2023 | unit | Кейсы на уроках в 6–7 классах. | Результаты
    диагностики читательской грамотности выросли на 12 %. | 20.05.2024 | 5 |
school3-reading | tikhoretsk-school-6 | 09.10.2023 | unit | Кейсы в 8-х классах гимназии. | Кейсы включены
    в рабочие программы. | 24.05.2024 | 4 | Хотелось бы больше заданий по литературе.
school3-reading | korenovsk-school-8 | 15.01.2024 | pilot | Один учитель в 5 «А» классе.
school1-mentoring | korenovsk-school-1 | 04.09.2023 | unit | Наставники для 3 молодых учителей. |
    Программа вошла в систему наставничества школы. | 31.05.2024 | 5 |
school1-finance | tikhoretsk-school-27 | 16.10.2023 | pilot | Внеурочные занятия в 4 классе.
dou5-steam | tikhoretsk-dou-12 | 18.09.2023 | unit | STEAM-центр в двух группах. | Проведён городской
    семинар на базе детского сада. | 29.05.2024 | 5 | Отличная программа.
dou14-families | korenovsk-dou-7 | 02.10.2023 | whole | Родительские мастерские.
dou1-health | vyselki-dou-3 | 13.11.2023 | whole | Динамические паузы во всех группах. | Снизилась
    заболеваемость детей. | 28.05.2024 | 4 |
ddt-projects | vyselki-school-18 | 25.09.2023 | unit | Проекты в кружке «Юный техник». | Два проекта стали
    призёрами районного конкурса. | 22.04.2024 | 5 |
imc-digital | vyselki-school-6 | 06.11.2023 | whole | Обучение педагогов работе с ресурсами.
"""
)

#: Staff of the registry who took part in an adoption, by (product, organisation).
STAFF: dict[tuple[str, str], tuple[str, ...]] = {
    ("imc-recommendations", "vyselki-school-1"): ("school1-head", "school1-deputy", "school1-math"),
    ("imc-recommendations", "vyselki-school-12"): ("school12-head", "school12-deputy"),
    ("imc-recommendations", "vyselki-dou-5"): ("dou5-head", "dou5-senior", "dou5-teacher"),
    ("imc-recommendations", "vyselki-dou-14"): ("dou14-senior",),
    ("imc-diagnostics", "vyselki-school-16"): ("school16-head",),
}


def load_library(ctx: DemoContext) -> None:
    """Products by title, adoptions by (product, organisation, date): a second run creates nothing."""
    existing = {p.title: p for p in MethodProduct.objects.filter(title__in=[s.title for s in PRODUCTS])}
    products: dict[str, MethodProduct] = {}
    for spec in PRODUCTS:
        product = existing.get(spec.title)
        if product is None:
            data = {
                "title": spec.title,
                "type": spec.type,
                "annotation": spec.annotation,
                "author_organizations": [ctx.organizations[k] for k in spec.organizations],
                "author_people": [ctx.people[k] for k in spec.people],
                "author_names": spec.author_names,
                "source_project": spec.source_project,
                "audience_kinds": list(spec.audience),
                "subjects": spec.subjects,
                "age_from": spec.ages[0],
                "age_to": spec.ages[1],
                "released_on": spec.released_on,
                "licence": spec.licence,
                "version": spec.version,
                "is_published": True,
            }
            if spec.council:
                data.update(
                    zip(("council_date", "council_decision", "council_minutes"), spec.council, strict=True)
                )
            product = library_services.product_create(actor=None, data=data, is_demo=True)
            ctx.made("methodological products", product)
        products[spec.key] = product

    done = set(
        Adoption.objects.filter(product__in=products.values()).values_list(
            "product_id", "organization_id", "adopted_on"
        )
    )
    for a in ADOPTIONS:
        product, organization = products[a.product], ctx.organizations[a.organization]
        if (product.pk, organization.pk, a.adopted_on) in done:
            continue
        adoption = library_services.adoption_create(
            actor=None,
            product=product,
            organization=organization,
            adopted_on=a.adopted_on,
            scope=a.scope,
            staff=[ctx.people[k] for k in STAFF.get((a.product, a.organization), ())],
            changes=a.changes,
            is_demo=True,
        )
        if a.outcome:
            library_services.adoption_record_outcome(
                actor=None,
                adoption=adoption,
                outcome=a.outcome,
                rating=a.rating,
                comment=a.comment,
                outcome_on=a.outcome_on,
            )
        ctx.made("adoptions", adoption)
