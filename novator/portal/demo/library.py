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
    staff: tuple[str, ...] = ()
    outcome: str = ""
    outcome_on: datetime.date | None = None
    rating: int | None = None
    comment: str = ""


def _a(
    product: str,
    organization: str,
    adopted_on: datetime.date,
    scope: str,
    changes: str,
    outcome: str = "",
    outcome_on: datetime.date | None = None,
    rating: int | None = None,
    comment: str = "",
) -> AdoptionSpec:
    """An adoption; a finished one has its outcome, the date of it, a rating and a comment."""
    return AdoptionSpec(
        product, organization, adopted_on, scope, changes, (), outcome, outcome_on, rating, comment
    )


_PED = "Проведён педагогический совет, создана творческая группа"
ADOPTIONS: tuple[AdoptionSpec, ...] = (
    # 2021/22: the district's product spreads through the district
    _a(
        "imc-recommendations",
        "vyselki-school-1",
        D(2022, 2, 7),
        "whole",
        _PED + "; план внедрения на год.",
        "Доля педагогов, участвующих в инновационной работе, выросла с 18 до 41 %.",
        D(2022, 6, 20),
        5,
        "Чёткий алгоритм управленческих действий, удобно планировать.",
    ),
    _a(
        "imc-recommendations",
        "vyselki-school-12",
        D(2022, 2, 14),
        "whole",
        _PED + ".",
        "Школа подготовила заявку на статус МИП.",
        D(2022, 6, 24),
        5,
        "Рекомендации помогли выстроить работу.",
    ),
    _a(
        "imc-recommendations",
        "vyselki-dou-5",
        D(2022, 3, 1),
        "whole",
        "Семинар-практикум для воспитателей.",
        "Коллектив включился в разработку парциальной программы.",
        D(2022, 6, 15),
        4,
        "Для детского сада часть материалов пришлось адаптировать.",
    ),
    _a(
        "imc-recommendations",
        "vyselki-dou-14",
        D(2022, 3, 10),
        "unit",
        "Стартовая диагностика готовности.",
        "Сформирована инициативная группа из 6 педагогов.",
        D(2022, 8, 25),
        4,
        "",
    ),
    _a(
        "imc-diagnostics",
        "vyselki-school-16",
        D(2022, 4, 4),
        "whole",
        "Анкетирование 32 педагогов.",
        "По итогам диагностики составлен план методической учёбы.",
        D(2022, 5, 30),
        5,
        "Наглядная справка.",
    ),
    _a(
        "dou14-families",
        "vyselki-dou-1",
        D(2022, 4, 11),
        "unit",
        "Открыт клуб выходного дня в двух группах.",
        "Посещаемость родительских мероприятий выросла вдвое.",
        D(2022, 8, 30),
        5,
        "Родителям понравилось.",
    ),
    # 2022/23: the neighbours join
    _a(
        "imc-recommendations",
        "tikhoretsk-school-1",
        D(2022, 9, 19),
        "whole",
        "Пилот в рамках сетевого договора.",
        "Создан координационный совет по инновационной работе.",
        D(2023, 5, 29),
        5,
        "Опыт Выселковского района оказался применим и у нас.",
    ),
    _a(
        "imc-recommendations",
        "korenovsk-school-1",
        D(2022, 10, 3),
        "unit",
        "Обучение методического совета.",
        "Подготовлены два проекта для муниципального конкурса.",
        D(2023, 5, 22),
        4,
        "",
    ),
    _a(
        "imc-recommendations",
        "tikhoretsk-dou-12",
        D(2022, 11, 14),
        "pilot",
        "Два воспитателя в пилотной группе.",
        "Пилот завершён, решено распространить на весь детский сад.",
        D(2023, 5, 31),
        4,
        "Не хватает примеров для ДОУ.",
    ),
    _a(
        "imc-diagnostics",
        "tikhoretsk-school-6",
        D(2022, 9, 26),
        "whole",
        "Диагностика всего коллектива гимназии.",
        "Выявлены дефициты, составлены индивидуальные маршруты.",
        D(2023, 1, 30),
        5,
        "",
    ),
    _a(
        "imc-diagnostics",
        "korenovsk-dou-7",
        D(2022, 10, 17),
        "whole",
        "Анкетирование воспитателей.",
        "Результаты использованы при подготовке программы развития.",
        D(2023, 2, 20),
        4,
        "",
    ),
    _a(
        "school1-mentoring",
        "vyselki-school-2",
        D(2022, 10, 24),
        "unit",
        "Закреплены наставники за 4 молодыми учителями.",
        "Все молодые специалисты остались в школе.",
        D(2023, 6, 2),
        5,
        "Простая и работающая программа.",
    ),
    _a(
        "school1-mentoring",
        "vyselki-school-4",
        D(2022, 11, 7),
        "unit",
        "Наставничество для двух учителей.",
        "Молодые учителя дали открытые уроки на районном семинаре.",
        D(2023, 5, 26),
        4,
        "",
    ),
    _a(
        "school1-finance",
        "vyselki-school-9",
        D(2023, 1, 16),
        "pilot",
        "Занятия в 3 «А» и 4 «Б» классах.",
        "Учащиеся стали призёрами районной олимпиады по финансовой грамотности.",
        D(2023, 5, 19),
        5,
        "",
    ),
    _a(
        "school16-museum",
        "vyselki-school-7",
        D(2022, 9, 12),
        "unit",
        "Создан музейный уголок, 3 экскурсии.",
        "Проведено 12 музейных уроков.",
        D(2023, 5, 12),
        4,
        "Хорошие сценарии экскурсий.",
    ),
    _a(
        "school12-network",
        "vyselki-school-13",
        D(2023, 2, 6),
        "unit",
        "Заключён договор о сетевой форме.",
        "10 учащихся изучают химию углублённо в сетевой форме.",
        D(2023, 6, 9),
        5,
        "",
    ),
    _a(
        "school12-network",
        "vyselki-school-15",
        D(2023, 2, 13),
        "unit",
        "Дистанционные занятия по физике.",
        "Сетевая форма сохранена на следующий год.",
        D(2023, 6, 9),
        4,
        "Сложно согласовать расписание.",
    ),
    _a(
        "dou5-steam",
        "vyselki-dou-2",
        D(2022, 9, 19),
        "unit",
        "Оборудован центр экспериментирования.",
        "Дети подготовительной группы защитили мини-проекты.",
        D(2023, 5, 25),
        5,
        "Очень понятное планирование.",
    ),
    _a(
        "dou5-steam",
        "vyselki-dou-21",
        D(2022, 10, 3),
        "unit",
        "Кружок робототехники для старшей группы.",
        "Кружок посещают 14 детей.",
        D(2023, 5, 30),
        5,
        "",
    ),
    _a(
        "dou5-steam",
        "korenovsk-dou-20",
        D(2023, 1, 23),
        "pilot",
        "Пилот в одной подготовительной группе.",
        "Пилот завершён, нужна закупка конструкторов.",
        D(2023, 6, 1),
        3,
        "Требуется дорогое оборудование.",
    ),
    _a(
        "dou14-families",
        "tikhoretsk-dou-12",
        D(2022, 10, 10),
        "whole",
        "Семейные проекты во всех группах.",
        "Родители активнее участвуют в жизни детского сада.",
        D(2023, 4, 28),
        5,
        "",
    ),
    _a("dou5-speech", "vyselki-dou-8", D(2023, 3, 20), "unit", "Картотека в старших группах."),
    # 2023/24: the movement grows
    _a(
        "imc-recommendations",
        "korenovsk-school-8",
        D(2023, 9, 11),
        "whole",
        _PED + ".",
        "Школа вошла в муниципальную сеть инновационных площадок.",
        D(2024, 5, 27),
        5,
        "",
    ),
    _a(
        "imc-recommendations",
        "tikhoretsk-school-27",
        D(2023, 9, 25),
        "unit",
        "Методический совет изучил рекомендации.",
    ),
    _a(
        "imc-recommendations",
        "vyselki-school-20",
        D(2023, 10, 2),
        "whole",
        "Семинар для администрации лицея.",
        "Лицей подал заявку на статус МЛСВ.",
        D(2024, 4, 15),
        4,
        "",
    ),
    _a(
        "imc-diagnostics",
        "korenovsk-school-1",
        D(2023, 9, 18),
        "whole",
        "Повторная диагностика через год.",
        "Готовность педагогов к инновациям выросла по всем шкалам.",
        D(2024, 3, 4),
        5,
        "Удобно сравнивать по годам.",
    ),
    _a(
        "school3-reading",
        "vyselki-school-5",
        D(2023, 9, 4),
        "unit",
        "Кейсы на уроках в 6–7 классах.",
        "Результаты диагностики читательской грамотности выросли на 12 %.",
        D(2024, 5, 20),
        5,
        "",
    ),
    _a(
        "school3-reading",
        "tikhoretsk-school-6",
        D(2023, 10, 9),
        "unit",
        "Кейсы в 8-х классах гимназии.",
        "Кейсы включены в рабочие программы.",
        D(2024, 5, 24),
        4,
        "Хотелось бы больше заданий по литературе.",
    ),
    _a("school3-reading", "korenovsk-school-8", D(2024, 1, 15), "pilot", "Один учитель в 5 «А» классе."),
    _a(
        "school1-mentoring",
        "korenovsk-school-1",
        D(2023, 9, 4),
        "unit",
        "Наставники для 3 молодых учителей.",
        "Программа вошла в систему наставничества школы.",
        D(2024, 5, 31),
        5,
        "",
    ),
    _a("school1-finance", "tikhoretsk-school-27", D(2023, 10, 16), "pilot", "Внеурочные занятия в 4 классе."),
    _a(
        "dou5-steam",
        "tikhoretsk-dou-12",
        D(2023, 9, 18),
        "unit",
        "STEAM-центр в двух группах.",
        "Проведён городской семинар на базе детского сада.",
        D(2024, 5, 29),
        5,
        "Отличная программа.",
    ),
    _a("dou14-families", "korenovsk-dou-7", D(2023, 10, 2), "whole", "Родительские мастерские."),
    _a(
        "dou1-health",
        "vyselki-dou-3",
        D(2023, 11, 13),
        "whole",
        "Динамические паузы во всех группах.",
        "Снизилась заболеваемость детей.",
        D(2024, 5, 28),
        4,
        "",
    ),
    _a(
        "ddt-projects",
        "vyselki-school-18",
        D(2023, 9, 25),
        "unit",
        "Проекты в кружке «Юный техник».",
        "Два проекта стали призёрами районного конкурса.",
        D(2024, 4, 22),
        5,
        "",
    ),
    _a("imc-digital", "vyselki-school-6", D(2023, 11, 6), "whole", "Обучение педагогов работе с ресурсами."),
)


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
            staff=[ctx.people[k] for k in a.staff],
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
